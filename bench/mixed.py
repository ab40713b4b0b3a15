"""`make bench-mixed`: a scripted crowd (Locust) against Larder with the Redis page cache while
sales and staff edits go on; p50/p95/p99 per page kind, requests/s, errors, page-cache hit rate.

    python -m bench.mixed                                        # 10,000 products, 1,000 articles
    python -m bench.mixed --products 100000 --articles 10000     # the scale run (seeding ~2 min)
    python -m bench.mixed --reuse --database larder_bench_100k   # keep a seeded database

Same production setup as bench.run (gunicorn.conf.py, 2 sync workers, PostgreSQL, Redis page
cache, fragments and rate-limit store), with three bench-only settings (bench/mixed_app.py): the
demo payment gateway, session cookies without the Secure flag (plain HTTP on 127.0.0.1) and no
rate limits (the whole crowd comes from one address). A Celery worker (the Procfile's, solo pool)
works the outbox as in production: order emails, the editor's suggestion rankings (`--no-worker`:
none, the queue fills). Before the run: customer and staff
accounts are created, and some bulk variants are set to 1-3 units so that checkouts sell out.
One crowd runs the warm-up and the measured window after it (bench/measured_window.py).
The crowd: bench/locustfile.py. The report goes to bench/results/<UTC>-mixed.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench import measured_window, worker_time
from bench.run import (
    BIN,
    PYTHON,
    RESULTS,
    ROOT,
    Server,
    database_exists,
    log,
    recreate_database,
    run,
    seed,
    stop_group,
)

PASSWORD = "bench-password-123"
CUSTOMERS = [f"customer{i}@bench.larder.example" for i in range(1, 9)]
STAFF = "staff@bench.larder.example"
LOW_STOCK_VARIANTS = 300
SEARCHES = ["magnesium", "protein", "vegan", "ginger", "tea", "oat", "seeds", "enzyme", "sauce", "bar",
            "chocolate", "gluten free", "lactase", "rice", "peanut", "vanilla", "maple", "crackers"]


def prepare(env: dict, database_url: str) -> dict:
    """Accounts (once), low stock on some bulk variants (every run), and the crowd's data."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        existing = {row[0] for row in conn.execute("SELECT email FROM user_account")} if _has_table(conn, "user_account") else set()
    flask = [str(BIN / "flask"), "--app", "wsgi:app", "larder", "create-user"]
    for email, role in [(STAFF, "admin"), *((c, "customer") for c in CUSTOMERS)]:
        if email not in existing:
            run([*flask, "--email", email, "--role", role, "--name", email.split("@")[0], "--password", PASSWORD],
                env, stdout=subprocess.DEVNULL)
    rng = random.Random(20)
    with psycopg.connect(database_url, autocommit=True) as conn:
        set_low_stock(conn)
        # What autovacuum does in a store open a while, done here because a bench server may run
        # without it (this machine's does): each run leaves ~100,000 dead rows in cache_tag, which
        # every cache hit reads, and a run made after three others was slower on every page kind
        # than the same code run first.
        conn.execute("VACUUM (ANALYZE)")
        fetch = lambda sql, *a: [tuple(r) if len(r) > 1 else r[0] for r in conn.execute(sql, a)]  # noqa: E731
        data = {
            "products": fetch("SELECT slug FROM product WHERE status = 'active' ORDER BY random() LIMIT 5000"),
            "variants": fetch(
                "SELECT p.slug, v.id FROM variant v JOIN product p ON p.id = v.product_id"
                " WHERE p.status = 'active' AND v.stock > 20 ORDER BY random() LIMIT 2000"),
            "low_stock": fetch(
                "SELECT p.slug, v.id FROM variant v JOIN product p ON p.id = v.product_id"
                " WHERE p.status = 'active' AND v.stock BETWEEN 1 AND 3 ORDER BY v.id DESC LIMIT %s",
                2 * LOW_STOCK_VARIANTS),
            "articles": fetch(
                "SELECT slug FROM article WHERE status = 'published' AND published_at <= now()"
                " ORDER BY random() LIMIT 3000"),
            "collections": fetch("SELECT slug FROM collection ORDER BY position, id"),
            "tags": fetch("SELECT slug FROM diet_tag ORDER BY id"),
            "staff_variants": fetch(
                "SELECT p.id, v.id FROM variant v JOIN product p ON p.id = v.product_id"
                " WHERE p.status = 'active' AND v.stock > 20 ORDER BY random() LIMIT 50"),
            "staff_articles": fetch(
                "SELECT id FROM article WHERE status = 'published' AND published_at <= now()"
                " ORDER BY random() LIMIT 20"),
        }
    data["searches"] = SEARCHES + [w.lower() for w in rng.sample(_title_words(database_url), 30)]
    data.update(customers=CUSTOMERS, staff=STAFF, password=PASSWORD)
    return data


def set_low_stock(conn) -> None:
    """The newest 2 x LOW_STOCK_VARIANTS active variants down to 1-3 units: the crowd sells their
    last units, the warm-up one half, the measured run the other (`split_low_stock`). A measured run
    after a long warm-up then still sells last units, with no restock between (which would bring
    sold-out products back in stock all at once, an event of its own)."""
    conn.execute(
        "UPDATE variant SET stock = 1 + variant.id %% 3 FROM (SELECT v.id FROM variant v JOIN product p"
        " ON p.id = v.product_id WHERE p.status = 'active' ORDER BY v.id DESC LIMIT %s) AS low"
        " WHERE variant.id = low.id",
        (2 * LOW_STOCK_VARIANTS,),
    )


def split_low_stock(data: dict) -> tuple[dict, dict]:
    """(the warm-up's crowd data, the measured run's): each sells its own low-stock variants."""
    low = data["low_stock"]
    return {**data, "low_stock": low[LOW_STOCK_VARIANTS:]}, {**data, "low_stock": low[:LOW_STOCK_VARIANTS]}


def _has_table(conn, name: str) -> bool:
    return conn.execute("SELECT to_regclass(%s)", (name,)).fetchone()[0] is not None


def _title_words(database_url: str) -> list[str]:
    import psycopg

    with psycopg.connect(database_url) as conn:
        titles = [r[0] for r in conn.execute("SELECT title FROM product ORDER BY random() LIMIT 300")]
    words = {w.strip(",.()").lower() for t in titles for w in t.split() if len(w) > 4 and w.isalpha()}
    return sorted(words)


def locust(base: str, users: int, spawn_rate: float, seconds: int, workdir: Path, data_file: Path,
           cache_out: Path, edit_seconds: float, window: dict | None = None) -> subprocess.CompletedProcess:
    """A crowd for `seconds`. `window` (a run of one crowd): the settings of its measured window,
    which opens inside the run (bench/measured_window.py)."""
    env = {**os.environ, "LARDER_MIXED_DATA": str(data_file), "LARDER_MIXED_CACHE_OUT": str(cache_out),
           "LARDER_MIXED_SEEN": str(data_file.with_name("seen.json")),
           "LARDER_MIXED_EDIT_SECONDS": str(edit_seconds), "PYTHONPATH": str(ROOT), **(window or {})}
    cmd = [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
           "--host", base, "-u", str(users), "-r", str(spawn_rate), "-t", f"{seconds}s",
           "--csv", str(workdir / "mixed"), "--only-summary", "--reset-stats", "--stop-timeout", "10",
           "--loglevel", "WARNING"]
    return subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)


def read_stats(workdir: Path) -> list[dict]:
    with open(workdir / "mixed_stats.csv") as f:
        return list(csv.DictReader(f))


def _num(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def _page_ttl() -> int:
    """The lifetime the server runs with: its config, read from the same environment."""
    from storefront.config import Config

    return Config.PAGE_CACHE_TTL


def _redis_size(client) -> str:
    """What the cache costs in memory: its stored pages and fragments, and Redis's whole use."""
    from storefront.caching.fragments import FRAGMENT_PREFIX
    from storefront.caching.store import PAGE_CACHE_PREFIX

    pages = sum(1 for _ in client.scan_iter(PAGE_CACHE_PREFIX + "*", count=1000))
    fragments = sum(1 for _ in client.scan_iter(FRAGMENT_PREFIX + "*", count=1000))
    used = client.info("memory")["used_memory"]
    return f"{pages:,} pages and {fragments:,} fragments stored, {used / 2**20:,.0f} MiB used"


class JobWorker:
    """The Procfile's Celery worker on the bench's broker (its Redis): a store's jobs are worked
    while it serves, on the same CPUs."""

    def __init__(self, env: dict, logdir: Path) -> None:
        self.log_path = logdir / "celery-worker.log"
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [str(BIN / "celery"), "-A", "storefront.worker", "worker", "--pool=solo", "--loglevel=warning",
             "--without-gossip", "--without-mingle"],
            env=env, cwd=ROOT, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True,
        )

    def stop(self) -> None:
        stop_group(self.process)
        self.log_file.close()


def render(args, started, seed_seconds, catalog, stats, cache, outcomes, loads, seconds, redis_hits, stale=None,
           redis_size="", worker_times=None, speeds=()) -> str:
    lines = [
        f"# Larder mixed-load benchmark, {started.strftime('%Y-%m-%d %H:%M UTC')}",
        "",
        f"Catalog (products, articles): {catalog}. PostgreSQL, gunicorn {_workers(args)}, production config"
        " with the Redis page cache (+ demo gateway, plain-HTTP cookies, no rate limits: bench/mixed_app.py);"
        f" Locust {args.users} users (spawn {args.spawn_rate}/s), {_window(args, seconds)}, product / article / search /"
        " collection / facet popularity Zipf s=1; customers sign in afresh every 8-24 tasks,"
        f" on 127.0.0.1; {os.cpu_count()} CPUs shared by Locust, gunicorn, PostgreSQL and Redis"
        + ("." if args.no_worker else ", and a Celery worker (solo pool) working the outbox."),
        f"Commit: {args.commit}. Label: {args.label or '-'}.",
    ]
    if seed_seconds is not None:
        lines.append(f"Seeding (create tables, demo data, bulk data): {seed_seconds:.0f} s.")
    lines.append("Machine load (1-minute load average): " + ", ".join(f"{n} {v:.1f}" for n, v in loads) + ".")
    if speeds:
        lines.append("Machine speed (one Argon2id password check, as a sign-in makes, median of 5 in the bench's own"
                     " process, before the server starts and after it stops): "
                     + ", ".join(f"{n} {v:.0f} ms" for n, v in speeds) + ".")
    lines += ["", "## Per page kind", "",
              "| Page kind | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | cache hit | hit, repeat visits |"
              " hits / misses / first visits |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    aggregated = None
    anon_hits = anon_misses = anon_first = 0
    for row in stats:
        if row["Name"] == "Aggregated":
            aggregated = row
            continue
        if not int(row["Request Count"]):
            continue  # e.g. the staff sign-in, made before the stats were reset
        counts = cache.get(row["Name"], {})
        hits, misses, first = counts.get("hit", 0), counts.get("miss", 0), counts.get("first visit", 0)
        if "(signed in)" not in row["Name"]:  # the target is the anonymous pages' rate
            anon_hits, anon_misses, anon_first = anon_hits + hits, anon_misses + misses, anon_first + first
        lines.append(
            f"| {row['Name']} | {int(row['Request Count']):,} | {_num(row['Requests/s']):.1f} | {_num(row['50%']):.0f} | "
            f"{_num(row['95%']):.0f} | {_num(row['99%']):.0f} | {_num(row['Max Response Time']):.0f} | "
            f"{row['Failure Count']} | {_rate(hits, hits + misses + first)} | {_rate(hits, hits + misses)} | "
            f"{_counts(hits, misses, first)} |"
        )
    if aggregated:
        lines.append(
            f"| **All** | {int(aggregated['Request Count']):,} | {_num(aggregated['Requests/s']):.1f} | "
            f"{_num(aggregated['50%']):.0f} | {_num(aggregated['95%']):.0f} | {_num(aggregated['99%']):.0f} | "
            f"{_num(aggregated['Max Response Time']):.0f} | {aggregated['Failure Count']} | "
            f"**{_rate(anon_hits, anon_hits + anon_misses + anon_first)}** | **{_rate(anon_hits, anon_hits + anon_misses)}** | "
            f"{_counts(anon_hits, anon_misses, anon_first)} |"
        )
    lines += [
        "",
        "Cache hit: the share of page requests answered from the Redis page cache (`X-Larder-Cache: hit`"
        " against `miss`), per kind, and overall for the anonymous kinds. \"Hit, repeat visits\" leaves out the first request of each URL"
        " (in the run or its warm-up): a miss whatever the invalidation, so that column is what invalidation decides. Kinds \"(signed in)\""
        " are served from the same stored pages since issue 20's third round (their header's account links are a hole; before, no header);"
        " the cart, checkout, payment and admin pages never are (no header). Percentiles are Locust's (rounded to its buckets, ms).",
        f"Redis keyspace over the run (every Redis GET: pages, fragments, sessions of the rate limiter...): "
        f"{redis_hits}.",
        f"Stored pages and fragments live {_page_ttl()} s at most (`PAGE_CACHE_TTL`); Redis at the end of the run: {redis_size}.",
        "",
    ]
    locust_p99 = {row["Name"]: _num(row["99%"]) for row in stats}
    lines += worker_time.section(worker_times, locust_p99)
    lines += [
        "## What happened to the store during the run",
        "",
    ]
    lines += [f"- {k}: {v:,}" for k, v in sorted(outcomes.items())] or ["- (nothing recorded)"]
    lines.append("")
    if stale:
        lines += [
            "## Why repeat visits were rendered again",
            "",
            "Per page kind, the tags stamped since the stored copy was made (`X-Larder-Stale`, ids left out; a miss"
            " may name several), or `no-stored-copy` under the page's key (expired, or a new catalog version, day or"
            " time marker).",
            "",
        ]
        for kind in sorted(stale):
            reasons = ", ".join(f"{family} {n:,}" for family, n in sorted(stale[kind].items(), key=lambda kv: -kv[1]))
            lines.append(f"- {kind}: {reasons}")
        lines.append("")
    return "\n".join(lines)


def machine_speed(checks: int = 5) -> float:
    """Milliseconds of one password check, the CPU-only work of a sign-in: this machine's speed
    moves with its neighbours' load (1.7 times between two runs of one session), and a report
    that gives it tells a slower store from a slower machine."""
    import statistics
    import time

    from storefront.accounts.passwords import hash_password, verify_password

    stored = hash_password("bench-machine-speed")
    times = []
    for _ in range(checks):
        started = time.perf_counter()
        verify_password(stored, "bench-machine-speed")
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _one_crowd(args) -> bool:
    """Whether the warm-up and the measured window are one crowd (with no warm-up, there is one
    crowd measured from its ramp-up on, as with --fresh-crowd)."""
    return bool(args.warmup) and not args.fresh_crowd


def _window(args, seconds: int) -> str:
    if _one_crowd(args):
        return f"one crowd: {seconds} s measured after {args.warmup} s of warm-up and its ramp-up"
    return (f"stats reset once all are running, {seconds} s measured after a {args.warmup} s warm-up of the same"
            " crowd (a second crowd, arriving all at once: --fresh-crowd)")


def _workers(args) -> str:
    return f"{args.workers} gthread workers of {args.threads} threads" if args.threads > 1 else f"{args.workers} sync workers"


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "-"


def _counts(hits: int, misses: int, first: int) -> str:
    return f"{hits:,} / {misses:,} / {first:,}" if hits + misses + first else "-"


def _git_commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return out.stdout.strip() or "?"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=int(os.environ.get("BENCH_PRODUCTS", 10_000)))
    parser.add_argument("--articles", type=int, default=int(os.environ.get("BENCH_ARTICLES", 1_000)))
    parser.add_argument("--duration", type=int, default=90, help="seconds measured after the ramp-up")
    parser.add_argument("--warmup", type=int, default=30,
                        help="seconds of the same crowd before the measured run (its figures are discarded)")
    parser.add_argument("--fresh-crowd", action="store_true",
                        help="a second crowd for the measured run, arriving all at once (the bench before issue 20's"
                             " sixteenth round), instead of one crowd whose last --duration seconds are measured")
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--spawn-rate", type=float, default=20)
    parser.add_argument("--edit-seconds", type=float, default=3, help="the staff member's pace")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=int(os.environ.get("GUNICORN_THREADS") or 1),
                        help="threads per worker (more than 1: gunicorn's gthread workers)")
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE", "larder_bench"))
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432"))
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"))
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded bench database")
    parser.add_argument("--no-worker", action="store_true",
                        help="no Celery worker: jobs wait in the queue (the bench before its thirteenth round)")
    parser.add_argument("--label", default="", help="a note for the report, e.g. 'before narrow invalidation'")
    # bench.run's own options (--memory-requests, --connections...) may come along from `make bench`.
    args, _ = parser.parse_known_args(argv)
    args.commit = _git_commit()

    import redis

    database_url = f"{args.pg}/{args.database}"
    env = {
        **os.environ, "PYTHONPATH": str(ROOT), "FLASK_APP": "wsgi:app", "DATABASE_URL": database_url,
        "LARDER_ENV": "production", "SECRET_KEY": secrets.token_hex(32), "PAYMENT_GATEWAY": "stripe",
        "STRIPE_SECRET_KEY": "sk_test_bench_dummy", "STRIPE_WEBHOOK_SECRET": "whsec_bench_dummy",
        "MAIL_BACKEND": "console", "SITE_URL": "http://127.0.0.1",
        "LARDER_INSTANCE_PATH": str(ROOT / "instance" / "bench"),
    }
    env.pop("TEST_DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    started = datetime.now(UTC)
    workdir = Path(tempfile.mkdtemp(prefix="larder-mixed-"))
    seed_seconds = None
    if args.reuse and database_exists(f"{args.pg}/postgres", args.database):
        log(f"Reusing database {args.database}")
    else:
        log(f"Creating {args.database}: demo data + {args.products:,} products, {args.articles:,} articles")
        recreate_database(f"{args.pg}/postgres", args.database)
        seed_seconds = seed(env, args.products, args.articles)
        log(f"Seeded in {seed_seconds:.0f} s")
    one_crowd = _one_crowd(args)
    warmup_data, data = split_low_stock(prepare(env, database_url))
    data_file = workdir / "data.json"
    warmup_file = workdir / "warmup-data.json"
    if one_crowd:  # the warm-up's half of the low-stock variants first, the window's after
        data_file.write_text(json.dumps({**warmup_data, "measured_low_stock": data["low_stock"]}))
    else:
        data_file.write_text(json.dumps(data))
        warmup_file.write_text(json.dumps(warmup_data))
    log(f"Crowd data: {len(data['products']):,} products, {len(data['articles']):,} articles, "
        f"{len(data['low_stock'])} low-stock variants")
    catalog = run([PYTHON, "-c", "import psycopg,sys; c=psycopg.connect(sys.argv[1]);"
                   "print(c.execute('select (select count(*) from product), (select count(*) from article)').fetchone())",
                   database_url], env, capture_output=True, text=True).stdout.strip()

    client = redis.Redis.from_url(args.redis, socket_connect_timeout=1)
    client.flushdb()
    access_log = workdir / "access.log"
    server_env = {**env, "REDIS_URL": args.redis, "LARDER_PAGE_CACHE": "on", **worker_time.gunicorn_args(access_log),
                  "GUNICORN_THREADS": str(args.threads)}
    speeds = [("start", machine_speed())]
    server = Server("larder-mixed", "bench.mixed_app:app", server_env, args.workers, workdir)
    worker = None if args.no_worker else JobWorker(server_env, workdir)
    loads = [("start", os.getloadavg()[0])]
    try:
        server.wait("/healthz")
        ramp = args.users / args.spawn_rate
        if args.warmup and not one_crowd:
            log(f"Warm-up: the same crowd for {args.warmup} s (discarded)")
            warm = workdir / "warmup"
            warm.mkdir()
            locust(server.base, args.users, args.spawn_rate, int(args.warmup + ramp), warm,
                   warmup_file, warm / "cache.json", args.edit_seconds)
        before = client.info("stats")
        measured_from = access_log.stat().st_size if access_log.exists() else 0
        window_file = workdir / "window.json"
        if one_crowd:
            window = measured_window.settings(args.warmup + ramp, window_file, access_log, args.redis)
            log(f"Locust: {args.users} users, {args.warmup} s warm-up (+ ramp-up), then {args.duration} s measured"
                f" on {server.base}")
            result = locust(server.base, args.users, args.spawn_rate, int(args.warmup + ramp + args.duration),
                            workdir, data_file, workdir / "cache.json", args.edit_seconds, window)
        else:
            log(f"Locust: {args.users} users for {args.duration} s (+ ramp-up) on {server.base}")
            result = locust(server.base, args.users, args.spawn_rate, int(args.duration + ramp), workdir,
                            data_file, workdir / "cache.json", args.edit_seconds)
        after = client.info("stats")
        if one_crowd:
            mark = measured_window.read_mark(window_file)
            if mark is None:
                print(result.stdout[-3000:], result.stderr[-3000:], file=sys.stderr)
                log("The crowd ended before its measured window opened")
                return 1
            before = mark.get("redis", before)
            measured_from = mark.get("access_log_offset", measured_from)
        redis_size = _redis_size(client)
        loads.append(("end of the run", os.getloadavg()[0]))
    finally:
        server.stop()
        if worker is not None:
            worker.stop()
    speeds.append(("end of the run", machine_speed()))
    if not (workdir / "mixed_stats.csv").exists():
        print(result.stdout[-3000:], result.stderr[-3000:], file=sys.stderr)
        return 1
    hits = after["keyspace_hits"] - before["keyspace_hits"]
    misses = after["keyspace_misses"] - before["keyspace_misses"]
    redis_hits = f"{hits:,} hits, {misses:,} misses ({hits / max(hits + misses, 1):.0%})"
    counts = json.loads((workdir / "cache.json").read_text()) if (workdir / "cache.json").exists() else {}
    report = render(args, started, seed_seconds, catalog, read_stats(workdir), counts.get("cache", {}),
                    counts.get("outcomes", {}), loads, args.duration, redis_hits, counts.get("stale"), redis_size,
                    worker_time.read(access_log, measured_from), speeds)
    if result.returncode not in (0, 1):  # Locust exits 1 when any request failed
        report += f"\nLocust exited {result.returncode}:\n\n```\n{result.stderr[-2000:]}\n```\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"{stamp}-mixed.md").write_text(report)
    print(report)
    log(f"Written to bench/results/{stamp}-mixed.md (server log: {server.log_path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
