"""`make bench`: one run that seeds PostgreSQL, serves Larder and two ceilings with gunicorn,
load-tests every public page with wrk on 127.0.0.1 and writes bench/results/<time>.md.

    python -m bench.run                       # default: 10,000 products, 1,000 articles
    python -m bench.run --products 100000 --articles 10000
    python -m bench.run --reuse               # keep the seeded database from the last run

Every page is measured in the same run as the ceilings (a bare Flask "hello world" and a
minimal Flask 24-item grid from one query on the same database), with the same gunicorn
settings: production config, 2 sync workers. Larder is measured twice: rendering every
request ("no page cache") and with the Redis page cache on. Query counts come from the
Flask test client against the same database; memory from /proc of the gunicorn workers.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
BIN = Path(PYTHON).parent

PAGES = [
    ("Home", "/"),
    ("Collection, 2 facets", "/collections/supplements?certified=1&tag=vegan&sort=price"),
    ("Product", "/products/magnesium-glycinate"),
    ("Article with CTAs", "/blog/magnesium-for-back-pain"),
    ("Article lite view", "/blog/magnesium-for-back-pain/lite"),
    ("Search", "/search?q=magnesium"),
    ("Cart (anonymous)", "/cart"),
    ("Blog index", "/blog/"),
    ("All products", "/products"),
]
CEILINGS = [("Ceiling: Flask hello world", "/hello"), ("Ceiling: Flask 24-item grid, 1 query", "/grid")]


def selected_pages(spec: str) -> list[tuple[str, str]]:
    """The pages --pages names (all of them when empty)."""
    words = [w.strip().lower() for w in spec.split(",") if w.strip()]
    if not words:
        return list(PAGES)
    return [(name, path) for name, path in PAGES if any(w in name.lower() or w in path.lower() for w in words)]


@dataclass
class Result:
    name: str
    path: str
    rps: float = 0.0
    p50: float = 0.0
    p99: float = 0.0
    errors: int = 0
    requests: int = 0
    status: int = 0
    queries: int | None = None


def log(message: str) -> None:
    print(f"[bench {datetime.now().strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kwargs)


# ---------------------------------------------------------------- database


def recreate_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def database_exists(admin_url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


CREATE_TABLES = (
    "from storefront import create_app\n"
    "from storefront.extensions import db\n"
    "app = create_app()\n"
    "with app.app_context():\n"
    "    db.create_all()\n"
)


def seed(env: dict, products: int, articles: int) -> float:
    started = time.monotonic()
    run([PYTHON, "-c", CREATE_TABLES], env)
    run([str(BIN / "flask"), "--app", "wsgi:app", "larder", "seed-demo"], env, stdout=subprocess.DEVNULL)
    run(
        [str(BIN / "flask"), "--app", "wsgi:app", "larder", "seed-bulk",
         "--products", str(products), "--articles", str(articles), "--batch-size", "5000"],
        env,
    )
    return time.monotonic() - started


# ---------------------------------------------------------------- servers


class Server:
    def __init__(self, name: str, app: str, env: dict, workers: int, logdir: Path) -> None:
        self.name = name
        self.port = free_port()
        self.log_path = logdir / f"{name}.log"
        env = {**env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": str(workers),
               "GUNICORN_MAX_REQUESTS": "0", "GUNICORN_LOG_LEVEL": "warning"}
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"), app],
            env=env, cwd=ROOT, stdout=self.log_file, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.log_path}:\n{self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not answer {path} within {timeout}s")

    def worker_pids(self) -> list[int]:
        children = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.process.pid:
                children.append(int(entry.name))
        return sorted(children)

    def stop(self) -> None:
        stop_group(self.process)
        self.log_file.close()


def stop_group(process: subprocess.Popen) -> None:
    """Stop a process started in a session of its own, and its children: politely, then not."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# ---------------------------------------------------------------- wrk

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value.strip())
    return float(match.group(1)) * _UNITS[match.group(2)] if match else float("nan")


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def wrk(url: str, duration: int, connections: int, threads: int, script: Path | None = None) -> dict:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    total = re.search(r"(\d+) requests in", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(x) for x in socket_errors.groups())
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50": _ms(p50.group(1)) if p50 else float("nan"),
        "p99": _ms(p99.group(1)) if p99 else float("nan"),
        "requests": int(total.group(1)) if total else 0,
        "errors": errors,
        "raw": out,
    }


def measure(name: str, base: str, path: str, args) -> Result:
    url = base + path
    status = status_of(url)
    result = Result(name, path, status=status)
    if status != 200:
        log(f"  {name}: HTTP {status}, not measured")
        return result
    wrk(url, 1, args.connections, args.threads)  # warm-up: connections, caches, JIT-less Python
    stats = wrk(url, args.duration, args.connections, args.threads)
    result.rps, result.p50, result.p99 = stats["rps"], stats["p50"], stats["p99"]
    result.errors, result.requests = stats["errors"], stats["requests"]
    log(f"  {name}: {result.rps:.0f} req/s, p50 {result.p50:.1f} ms, p99 {result.p99:.1f} ms")
    return result


MIX_SCRIPT = """
local paths = {%s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
"""


def memory_growth(server: Server, paths: list[str], total: int, args, workdir: Path) -> dict:
    """RSS of each worker before and after `total` requests spread over every page."""
    script = workdir / "mix.lua"
    script.write_text(MIX_SCRIPT % ", ".join(f'"{p}"' for p in paths))
    # Warm every worker on every page first: imports, template compilation, connection pools.
    wrk(server.base + "/", 3, args.connections, args.threads, script)
    pids = server.worker_pids()
    before = {pid: rss_kib(pid) for pid in pids}
    started = time.monotonic()
    done = errors = 0
    while done < total and time.monotonic() - started < 900:
        # wrk runs for a duration, not a count: short rounds until the count is reached.
        stats = wrk(server.base + "/", 5, args.connections, args.threads, script)
        done += stats["requests"]
        errors += stats["errors"]
    elapsed = time.monotonic() - started
    after = {pid: rss_kib(pid) for pid in pids if Path(f"/proc/{pid}").exists()}
    return {"before": before, "after": after, "requests": done, "seconds": elapsed, "errors": errors}


# ---------------------------------------------------------------- query counts

QUERY_COUNT = r"""
import json, sys
from sqlalchemy import event
from sqlalchemy.engine import Engine
from storefront import create_app
from storefront.extensions import db
app = create_app({"LARDER_ENV": "development", "RATELIMIT_ENABLED": False, "PAGE_CACHE": "off"})
paths = json.loads(sys.argv[1])
counts = {}
with app.app_context():
    statements = []
    event.listen(Engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for path in paths:
        client = app.test_client(use_cookies=False)
        client.get(path)  # warm
        db.session.remove()
        statements.clear()
        response = client.get(path)
        counts[path] = [response.status_code, len(statements)]
print(json.dumps(counts))
"""


def query_counts(env: dict, paths: list[str]) -> dict[str, tuple[int, int]]:
    import json

    out = run([PYTHON, "-c", QUERY_COUNT, json.dumps(paths)], {**env, "LARDER_ENV": "development"},
              capture_output=True, text=True).stdout
    return {k: tuple(v) for k, v in json.loads(out.strip().splitlines()[-1]).items()}


# ---------------------------------------------------------------- report


def table(rows: list[Result], hello: Result, grid: Result) -> str:
    lines = [
        "| Page | URL | req/s | p50 ms | p99 ms | vs hello | vs 24-grid | SQL queries | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r.status != 200:
            lines.append(f"| {r.name} | `{r.path}` | HTTP {r.status} | | | | | | |")
            continue
        vs_hello = f"{r.rps / hello.rps:.0%}" if hello.rps else "-"
        vs_grid = f"{r.rps / grid.rps:.0%}" if grid.rps else "-"
        queries = "-" if r.queries is None else str(r.queries)
        lines.append(
            f"| {r.name} | `{r.path}` | {r.rps:,.0f} | {r.p50:.1f} | {r.p99:.1f} | {vs_hello} | "
            f"{vs_grid} | {queries} | {r.errors} |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=int(os.environ.get("BENCH_PRODUCTS", 10_000)))
    parser.add_argument("--articles", type=int, default=int(os.environ.get("BENCH_ARTICLES", 1_000)))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 10)))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory-requests", type=int, default=20_000)
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE", "larder_bench"))
    parser.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432"))
    parser.add_argument("--redis", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"))
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded bench database")
    parser.add_argument("--no-cache-pass", action="store_true", help="skip the Redis page-cache pass")
    parser.add_argument(
        "--pages", default="",
        help="measure only these pages: comma-separated words, each matching a page's name or URL "
             "(case-insensitive), e.g. --pages search (add --memory-requests 0 to skip the memory pass)",
    )
    args = parser.parse_args(argv)
    pages = selected_pages(args.pages)
    if not pages:
        print(f"--pages {args.pages!r} matches no page", file=sys.stderr)
        return 2

    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    database_url = f"{args.pg}/{args.database}"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "FLASK_APP": "wsgi:app",
        "DATABASE_URL": database_url,
        "LARDER_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "PAYMENT_GATEWAY": "stripe",
        "STRIPE_SECRET_KEY": "sk_test_bench_dummy",
        "STRIPE_WEBHOOK_SECRET": "whsec_bench_dummy",
        "MAIL_BACKEND": "console",
        "SITE_URL": "http://127.0.0.1",
        "LARDER_INSTANCE_PATH": str(ROOT / "instance" / "bench"),
    }
    env.pop("TEST_DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    started = datetime.now(UTC)
    workdir = Path(tempfile.mkdtemp(prefix="larder-bench-"))

    seed_seconds = None
    if args.reuse and database_exists(f"{args.pg}/postgres", args.database):
        log(f"Reusing database {args.database}")
    else:
        log(f"Creating database {args.database} and seeding demo data + {args.products:,} products, {args.articles:,} articles")
        recreate_database(f"{args.pg}/postgres", args.database)
        seed_seconds = seed(env, args.products, args.articles)
        log(f"Seeded in {seed_seconds:.0f} s")

    paths = [p for _, p in pages]
    counts = query_counts(env, paths)
    catalog_size = run(
        [PYTHON, "-c", "import psycopg,sys; c=psycopg.connect(sys.argv[1]);"
         "print(c.execute('select (select count(*) from product), (select count(*) from article)').fetchone())",
         database_url], env, capture_output=True, text=True,
    ).stdout.strip()

    redis_ok = False
    try:
        import redis

        client = redis.Redis.from_url(args.redis, socket_connect_timeout=1)
        client.ping()
        client.flushdb()
        redis_ok = True
    except Exception as exc:  # noqa: BLE001
        log(f"Redis unavailable at {args.redis} ({exc}); the page-cache pass is skipped")

    servers: list[Server] = []
    sections: dict[str, list[Result]] = {}
    memory = None
    loads = [("start", os.getloadavg()[0])]
    try:
        ceiling = Server("ceiling", "bench.ceiling:app", env, args.workers, workdir)
        servers.append(ceiling)
        ceiling.wait("/hello")
        log("Ceilings")
        hello = measure(CEILINGS[0][0], ceiling.base, CEILINGS[0][1], args)
        grid = measure(CEILINGS[1][0], ceiling.base, CEILINGS[1][1], args)
        loads.append(("ceilings", os.getloadavg()[0]))
        ceiling.stop()
        servers.remove(ceiling)

        passes = [("no page cache (every request rendered)", {"LARDER_PAGE_CACHE": "off"})]
        if redis_ok and not args.no_cache_pass:
            passes.append(("Redis page cache", {"LARDER_PAGE_CACHE": "on"}))
        for label, extra in passes:
            larder_env = {**env, **extra}
            if redis_ok:
                larder_env["REDIS_URL"] = args.redis  # rate limits (and the page cache if on)
            name = "larder-cache" if extra["LARDER_PAGE_CACHE"] == "on" else "larder"
            server = Server(name, "wsgi:app", larder_env, args.workers, workdir)
            servers.append(server)
            server.wait("/healthz")
            log(f"Larder, {label}")
            rows = []
            for name, path in pages:
                result = measure(name, server.base, path, args)
                status, n = counts.get(path, (0, None))
                result.queries = n if status == 200 else None
                rows.append(result)
            sections[label] = rows
            loads.append((label, os.getloadavg()[0]))
            if memory is None and args.memory_requests:
                live = [p for _, p in pages if counts.get(p, (0,))[0] == 200]
                log(f"Memory: {args.memory_requests:,} requests over {len(live)} pages")
                memory = memory_growth(server, live, args.memory_requests, args, workdir)
            server.stop()
            servers.remove(server)
    finally:
        for server in servers:
            server.stop()

    report = render_report(args, started, seed_seconds, catalog_size, hello, grid, sections, memory, loads)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"{stamp}.md").write_text(report)
    (RESULTS / "latest.md").write_text(report)
    print()
    print(report)
    log(f"Written to bench/results/{stamp}.md and bench/results/latest.md")
    return 0


def render_report(args, started, seed_seconds, catalog_size, hello, grid, sections, memory, loads) -> str:
    cpu = os.cpu_count()
    lines = [
        f"# Larder benchmark, {started.strftime('%Y-%m-%d %H:%M UTC')}",
        "",
        f"Catalog (products, articles): {catalog_size}. PostgreSQL, gunicorn {args.workers} sync workers, "
        f"production config; wrk {args.threads} threads, {args.connections} connections, {args.duration} s per page, "
        f"on 127.0.0.1; {cpu} CPUs shared by wrk, gunicorn and PostgreSQL.",
    ]
    if seed_seconds is not None:
        lines.append(f"Seeding (create tables, demo data, bulk data): {seed_seconds:.0f} s.")
    lines.append(
        "Machine load (1-minute load average) at each step: "
        + ", ".join(f"{name} {value:.1f}" for name, value in loads)
        + f". The benchmark alone (wrk, the workers, PostgreSQL) keeps it near {cpu}-{cpu + 1};"
        " well above that, other work shared the CPUs and the figures are low."
    )
    lines += [
        "",
        "## Ceilings (same gunicorn settings, same database)",
        "",
        table([hello, grid], hello, grid),
    ]
    for label, rows in sections.items():
        lines += ["", f"## Larder: {label}", "", table(rows, hello, grid)]
    if memory:
        lines += ["", f"## Worker memory over {memory['requests']:,} requests ({memory['seconds']:.0f} s, every page in turn, "
                  f"{memory['errors']} errors; no page cache)", ""]
        lines += ["| worker | RSS before (MiB) | RSS after (MiB) | growth |", "|---|---:|---:|---:|"]
        for pid, before in memory["before"].items():
            after = memory["after"].get(pid)
            if after is None:
                lines.append(f"| {pid} | {before / 1024:.1f} | exited | |")
            else:
                lines.append(f"| {pid} | {before / 1024:.1f} | {after / 1024:.1f} | {(after - before) / before:+.1%} |")
    lines += [
        "",
        "SQL queries: per anonymous first visit, counted through the Flask test client on the same database.",
        "Errors: non-2xx/3xx responses plus socket errors reported by wrk.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
