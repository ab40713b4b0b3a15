"""Where a rendered page's time goes: cProfile in-process, the Flask test client, the bench database.

    python -m bench.profile                                  # every bench page, larder_bench
    python -m bench.profile --database larder_bench_perf --redis redis://127.0.0.1:6379/6
    python -m bench.profile /blog/magnesium-for-back-pain --requests 200 --top 30

The app runs with the bench's production config, the page cache off (every request rendered),
Redis for the fragment cache and view counts as in production when `--redis` is given. Each
page is warmed, then requested `--requests` times under cProfile; the report gives the time per
request and the functions with the most time of their own (tottime) and in total (cumtime),
with Larder's own code, Jinja templates and SQL apart. No py-spy needed; `py-spy record` on a
bench gunicorn worker gives the same picture under load.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from bench.run import PAGES  # noqa: E402


def build_app(database_url: str, redis_url: str | None):
    os.environ.update({
        "DATABASE_URL": database_url,
        "LARDER_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "PAYMENT_GATEWAY": "stripe",
        "STRIPE_SECRET_KEY": "sk_test_bench_dummy",
        "STRIPE_WEBHOOK_SECRET": "whsec_bench_dummy",
        "MAIL_BACKEND": "console",
        "SITE_URL": "http://127.0.0.1",
        "LARDER_INSTANCE_PATH": str(ROOT / "instance" / "bench"),
        "LARDER_PAGE_CACHE": "off",
    })
    os.environ.pop("TEST_DATABASE_URL", None)
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
    else:
        os.environ.pop("REDIS_URL", None)
    from storefront import create_app

    app = create_app()
    app.config["RATELIMIT_ENABLED"] = False
    return app


def profile_page(app, path: str, requests: int, top: int, sort: str) -> str:
    client = app.test_client(use_cookies=False)
    for _ in range(5):
        status = client.get(path, base_url="http://127.0.0.1").status_code
    if status != 200:
        return f"## {path}: HTTP {status}, not profiled\n"
    started = time.perf_counter()
    for _ in range(requests):
        client.get(path, base_url="http://127.0.0.1")
    plain = (time.perf_counter() - started) / requests * 1000
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path, base_url="http://127.0.0.1")
    profiler.disable()
    sql = sql_times(app, client, path, requests)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats(sort).print_stats(max(top, 1))
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    body = "\n".join(lines[lines.index(next(x for x in lines if "ncalls" in x)):]) if lines else ""
    body = body.replace(str(ROOT) + "/", "").replace(sys.prefix + "/", "")
    return (f"## {path}: {plain:.2f} ms per request without the profiler ({requests} requests)\n\n"
            f"SQL, ms per request (statement, from cursor execute to fetched):\n{sql}\n\n{body}\n")


class StatementClock:
    """While open, the wall time of every SQL statement on every engine (cursor execute to
    fetched; the page-state read has an engine of its own), per statement text, and how many ran."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.count = 0
        self._started: list[float] = []

    def __enter__(self) -> StatementClock:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.listen(Engine, "before_cursor_execute", self._before)
        event.listen(Engine, "after_cursor_execute", self._after)
        return self

    def __exit__(self, *exc) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.remove(Engine, "before_cursor_execute", self._before)
        event.remove(Engine, "after_cursor_execute", self._after)

    def _before(self, *_args) -> None:
        self._started.append(time.perf_counter())

    def _after(self, conn, cursor, statement, *_args) -> None:
        self.count += 1
        self.seconds[statement] = self.seconds.get(statement, 0.0) + time.perf_counter() - self._started.pop()

    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def sql_times(app, client, path: str, requests: int) -> str:
    """Wall time of each statement of the page (execute + fetch), averaged over `requests`."""
    with StatementClock() as clock:
        for _ in range(requests):
            client.get(path, base_url="http://127.0.0.1")
    totals: dict[str, float] = {}
    for statement, seconds in clock.seconds.items():
        key = " ".join(statement.split())[:110]
        totals[key] = totals.get(key, 0.0) + seconds
    rows = sorted(totals.items(), key=lambda kv: -kv[1])
    return "\n".join(f"  {t / requests * 1000:6.2f}  {k}" for k, t in rows)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", help="pages to profile (default: the bench's pages)")
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE", "larder_bench"))
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432"))
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
                        help="Redis for fragments and view counts ('' for none)")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumtime"])
    args = parser.parse_args(argv)
    app = build_app(f"{args.pg}/{args.database}", args.redis or None)
    paths = args.paths or [p for _, p in PAGES]
    for path in paths:
        print(profile_page(app, path, args.requests, args.top, args.sort), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
