"""The mixed bench's measured window: one crowd, whose figures start from zero when the window
opens, and the server's access log and Redis's counters read from that moment on."""

from __future__ import annotations

import redis

from bench import measured_window
from tests.fixtures.redis_server import redis_url


class _Stats:
    def __init__(self) -> None:
        self.requests = 120  # the warm-up's

    def reset_all(self) -> None:
        self.requests = 0


class _Event:
    def __init__(self) -> None:
        self.fired = 0

    def fire(self, **_kwargs) -> None:
        self.fired += 1


class _Environment:
    """What open_window touches of Locust's Environment."""

    def __init__(self) -> None:
        self.runner = type("Runner", (), {"stats": _Stats()})()
        self.events = type("Events", (), {"reset_stats": _Event()})()


def test_the_window_starts_the_figures_from_zero_and_sells_its_own_low_stock(tmp_path):
    access_log = tmp_path / "access.log"
    access_log.write_text("Home\t5200\t200\tGET /?\n")  # a warm-up request
    crowd = {"low_stock": [["warm-up-tea", 1]], "measured_low_stock": [["window-tea", 2]]}
    environment = _Environment()
    env = measured_window.settings(1.5, tmp_path / "window.json", access_log, "")

    mark = measured_window.open_window(environment, crowd, env)

    assert environment.runner.stats.requests == 0
    assert environment.events.reset_stats.fired == 1  # the locustfile's page-cache counts too
    assert crowd["low_stock"] == [["window-tea", 2]]
    assert mark == {"access_log_offset": len("Home\t5200\t200\tGET /?\n")}
    assert measured_window.read_mark(tmp_path / "window.json") == mark


def test_the_window_notes_redis_counters_as_they_stood_when_it_opened(tmp_path):
    url = redis_url(9)
    client = redis.Redis.from_url(url)
    client.get("larder-bench-window-miss")
    before = client.info("stats")["keyspace_misses"]

    mark = measured_window.open_window(_Environment(), {}, measured_window.settings(
        0, tmp_path / "window.json", tmp_path / "no-log-yet", url))

    assert mark["redis"]["keyspace_misses"] >= before
    assert set(mark["redis"]) == {"keyspace_hits", "keyspace_misses"}
    assert "access_log_offset" not in mark  # no log: the report reads it from its start


def test_a_crowd_stopped_before_its_window_leaves_no_mark(tmp_path):
    assert measured_window.read_mark(tmp_path / "window.json") is None
