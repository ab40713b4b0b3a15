"""The mixed report's "Time inside a worker": read from the bench server's gunicorn access log."""

from __future__ import annotations

from bench import worker_time


def _log(tmp_path, lines: list[str]):
    path = tmp_path / "access.log"
    path.write_text("".join(line + "\n" for line in lines))
    return path


def test_the_measured_runs_requests_are_grouped_by_kind_from_the_offset_on(tmp_path):
    warm_up = "Home\t900000\t200\tGET /?"
    path = _log(tmp_path, [
        warm_up,
        "Home\t5200\t200\tGET /?",
        "Search\t121000\t200\tGET /search?q=tea",
        "-\t800\t200\tGET /healthz?",  # the bench's own health check names no kind
        "Add to cart\t21500\t200\tPOST /cart/add?",
    ])
    times = worker_time.read(path, offset=len(warm_up) + 1)
    assert times == {"Home": [5.2], "Search": [121.0], "Add to cart": [21.5]}
    assert times.slowest[0] == (121.0, "Search", "GET /search?q=tea")
    assert times.slowest[-1] == (5.2, "Home", "GET /")


def test_the_report_puts_a_kinds_worker_time_beside_locusts_p99(tmp_path):
    path = _log(tmp_path, [f"Home\t{ms * 1000}\t200\tGET /?" for ms in range(1, 101)])
    table = "\n".join(worker_time.section(worker_time.read(path), {"Home": 140.0, "Aggregated": 150.0}))
    assert "| Home | 100 | 50.0 | 95.0 | 99.0 | 100.0 | 140 |" in table
    assert "| **All** | 100 | 50.0 | 95.0 | 99.0 | 100.0 | 150 |" in table
    assert "- 100 ms, Home: `GET /`" in table


def test_the_server_logs_the_fields_in_the_order_they_are_read(tmp_path):
    args = worker_time.gunicorn_args(tmp_path / "access.log")
    assert args["GUNICORN_ACCESS_LOG"] == str(tmp_path / "access.log")
    assert "%({x-bench-kind}i)s\t%(D)s\t%(s)s\t%(m)s %(U)s?%(q)s" in args["GUNICORN_CMD_ARGS"]
