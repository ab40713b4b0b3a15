"""The measured window of a mixed run with one crowd (bench.mixed's default).

The crowd runs warm-up and measurement in one go; the window opens `measure_after` seconds after
it starts, on a store that has been busy all along. A second crowd for the window (`--fresh-crowd`,
how the bench ran before issue 20's sixteenth round) begins with every visitor arriving within a
few seconds, and whatever those first requests do (a customer's sign-in waiting behind everyone
else's first page) is what the window's first seconds measure.

The locustfile opens the window (Locust's process holds the stats); bench.mixed gives it these
settings and reads back where the server's access log and Redis's counters stood at that moment.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

MEASURE_AFTER = "LARDER_MIXED_MEASURE_AFTER"
WINDOW_OUT = "LARDER_MIXED_WINDOW_OUT"
ACCESS_LOG = "LARDER_MIXED_ACCESS_LOG"
REDIS = "LARDER_MIXED_REDIS"
REDIS_COUNTERS = ("keyspace_hits", "keyspace_misses")


def settings(measure_after: float, window_out: Path, access_log: Path, redis_url: str) -> dict[str, str]:
    """The crowd's environment for a window opening `measure_after` seconds in."""
    return {MEASURE_AFTER: str(measure_after), WINDOW_OUT: str(window_out), ACCESS_LOG: str(access_log),
            REDIS: redis_url}


def open_window(environment, data: dict, env: Mapping[str, str]) -> dict:
    """From now on the crowd sells the window's half of the low-stock variants, and Locust's stats
    (and the locustfile's page-cache counts, on its reset_stats listener) start from zero. Returns,
    and writes to WINDOW_OUT, the access log's size and Redis's hit counters at this moment."""
    if "measured_low_stock" in data:
        data["low_stock"] = data["measured_low_stock"]
    mark: dict = {}
    if env.get(ACCESS_LOG) and Path(env[ACCESS_LOG]).exists():
        mark["access_log_offset"] = Path(env[ACCESS_LOG]).stat().st_size
    if env.get(REDIS):
        import redis

        stats = redis.Redis.from_url(env[REDIS], socket_connect_timeout=1).info("stats")
        mark["redis"] = {name: stats[name] for name in REDIS_COUNTERS}
    environment.runner.stats.reset_all()
    environment.events.reset_stats.fire()
    if env.get(WINDOW_OUT):
        Path(env[WINDOW_OUT]).write_text(json.dumps(mark))
    return mark


def read_mark(window_out: Path) -> dict | None:
    """What open_window wrote, or None: the crowd stopped before its window opened."""
    return json.loads(window_out.read_text()) if window_out.exists() else None
