"""Each page kind's time inside a gunicorn worker, from the server's access log.

Locust's figures are what a shopper waits: the time a worker spends on the request plus the time
the request waited for a free worker (and for Locust's own process to notice the answer). The
crowd names each request's kind in a header (bench/locustfile.py: `X-Bench-Kind`) and the bench's
server logs it with the worker's time, so a report can tell a slow page from a queue.
"""

from __future__ import annotations

import math
from pathlib import Path

# gunicorn's access log atoms: the request header lower-cased, the request time in microseconds.
LOG_FORMAT = "%({x-bench-kind}i)s\t%(D)s\t%(s)s\t%(m)s %(U)s?%(q)s"


def gunicorn_args(log_path: Path) -> dict:
    """Environment for the bench's server: its access log, in the format read back below."""
    return {"GUNICORN_ACCESS_LOG": str(log_path), "GUNICORN_CMD_ARGS": f"--access-logformat '{LOG_FORMAT}'"}


class Requests(dict):
    """Milliseconds per kind (a dict of lists), and the slowest requests: (ms, kind, request line)."""

    def __init__(self) -> None:
        super().__init__()
        self.slowest: list[tuple[float, str, str]] = []


def read(log_path: Path, offset: int = 0, keep_slowest: int = 15) -> Requests:
    """The crowd's requests from `offset` bytes on (the measured run, after the warm-up's lines)."""
    times = Requests()
    every: list[tuple[float, str, str]] = []
    if not log_path.exists():
        return times
    with open(log_path, "rb") as f:
        f.seek(offset)
        for raw in f:
            parts = raw.decode("utf-8", "replace").rstrip("\n").split("\t")
            if len(parts) != 4 or parts[0] in ("", "-") or not parts[1].isdigit():
                continue  # not one of the crowd's requests (the bench's own health checks)
            ms = int(parts[1]) / 1000
            times.setdefault(parts[0], []).append(ms)
            every.append((ms, parts[0], parts[3].removesuffix("?")))
    times.slowest = sorted(every, reverse=True)[:keep_slowest]
    return times


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile, as Locust reports them (without its rounding to buckets)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def section(times: Requests | None, locust_p99: dict[str, float]) -> list[str]:
    """The report's table: per kind, the worker's p50/p95/p99/max beside Locust's p99 (none
    without an access log)."""
    if not times:
        return []
    lines = [
        "## Time inside a worker",
        "",
        "From the server's access log (gunicorn's request time, `%(D)s`, per `X-Bench-Kind`): the time a worker spent on"
        " the request, from its first byte read to its last byte written. Locust's p99 (the table above) adds the time"
        " the request waited for a free worker, and for Locust's own process. The log starts where Locust's window does"
        " (with --fresh-crowd: with the measured crowd's ramp-up, a few seconds that Locust's figures leave out).",
        "",
        "| Page kind | requests | p50 ms | p95 ms | p99 ms | max ms | Locust p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    every: list[float] = []
    for kind in sorted(times):
        values = times[kind]
        every += values
        lines.append(
            f"| {kind} | {len(values):,} | {percentile(values, 0.5):.1f} | {percentile(values, 0.95):.1f} | "
            f"{percentile(values, 0.99):.1f} | {max(values):.1f} | {_ms(locust_p99.get(kind))} |"
        )
    lines.append(
        f"| **All** | {len(every):,} | {percentile(every, 0.5):.1f} | {percentile(every, 0.95):.1f} | "
        f"{percentile(every, 0.99):.1f} | {max(every):.1f} | {_ms(locust_p99.get('Aggregated'))} |"
    )
    lines += ["", "The slowest requests inside a worker:", ""]
    lines += [f"- {ms:.0f} ms, {kind}: `{request[:160]}`" for ms, kind, request in times.slowest]
    return [*lines, ""]


def _ms(value: float | None) -> str:
    return "-" if value is None or value != value else f"{value:.0f}"
