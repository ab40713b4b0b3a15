"""What a first visit costs: every page kind rendered for URLs nothing has rendered yet.

    python -m bench.first_visits --database larder_bench_100k --redis redis://127.0.0.1:6379/7
    python -m bench.first_visits --label "before" --output bench/results/first-visits-before.md

The mixed-load crowd (bench/mixed.py) spends most of its tail on first visits: a product, an
article or a facet choice no one asked for since the last change is rendered from the database,
its fragments and cards included. This measures exactly that, in process (the Flask test client,
the bench's production config, the page cache off, Redis for fragments as in production): the
fragment cache's entries are deleted, then each of a fixed, seeded sample of distinct URLs per
kind is requested once. It reports per kind the milliseconds per first visit (p50 / p90 / p99),
the SQL statements per visit and the milliseconds spent in them (cursor execute to fetched).

Each run deletes only the fragment cache's keys (`larder:fragment:*`) of the `--redis` database.
The same seed gives the same URLs on the same seeded database, so two versions of the code can be
compared run for run.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.profile import StatementClock, build_app

ROOT = Path(__file__).resolve().parent.parent
SEARCH_TERMS = ("magnesium", "tea", "protein", "vegan", "ginger", "oat", "bar", "sleep", "gut", "fibre",
                "enzyme", "rice", "chocolate", "snack", "pasta", "sauce")
COLLECTION_FILTERS = [f"tag={tag}&sort={sort}&page={page}" for tag in ("vegan", "gluten-free", "dairy-free", "")
                      for sort in ("price", "-price", "new") for page in (1, 2)]


def _sample_urls(app, products: int, articles: int, seed: float) -> dict[str, list[str]]:
    from sqlalchemy import text

    from storefront.extensions import db

    with app.app_context():
        db.session.execute(text("SELECT setseed(:seed)"), {"seed": seed})
        product_slugs = db.session.scalars(text(
            "SELECT slug FROM product WHERE status = 'active' ORDER BY random() LIMIT :n"), {"n": products}).all()
        article_slugs = db.session.scalars(text(
            "SELECT slug FROM article WHERE status = 'published' ORDER BY random() LIMIT :n"), {"n": articles * 2}).all()
        collections = db.session.scalars(text("SELECT slug FROM collection ORDER BY slug")).all()
        db.session.rollback()
    picker = random.Random(seed)
    half = len(article_slugs) // 2
    return {
        "Product": [f"/products/{slug}" for slug in product_slugs],
        "Article": [f"/blog/{slug}" for slug in article_slugs[:half]],
        "Article lite view": [f"/blog/{slug}/lite" for slug in article_slugs[half:]],
        "Collection": [f"/collections/{picker.choice(collections)}?{query}" for query in COLLECTION_FILTERS],
        "Search": [f"/search?q={a}+{b}" for a in SEARCH_TERMS for b in SEARCH_TERMS[:4] if a != b][:60],
    }


def _forget_fragments(redis_url: str) -> int:
    import redis

    from storefront.caching.fragments import FRAGMENT_PREFIX

    client = redis.Redis.from_url(redis_url)
    deleted = 0
    for keys in _batches(client.scan_iter(match=FRAGMENT_PREFIX + "*", count=1000), 1000):
        deleted += client.delete(*keys)
    return deleted


def _batches(items, size: int):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(app, urls: dict[str, list[str]]) -> list[dict]:
    client = app.test_client(use_cookies=False)
    client.get("/", base_url="http://127.0.0.1")  # the app's own first request (imports, templates)
    rows = []
    for kind, paths in urls.items():
        times = []
        with StatementClock() as clock:
            for path in paths:
                started = time.perf_counter()
                response = client.get(path, base_url="http://127.0.0.1")
                times.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    sys.exit(f"{path} answered {response.status_code}: not a page to measure")
        rows.append({
            "kind": kind, "visits": len(paths),
            "p50": statistics.median(times), "p90": _percentile(times, 0.9), "p99": _percentile(times, 0.99),
            "statements": clock.count / len(paths),
            "sql_ms": clock.total_seconds() * 1000 / len(paths),
        })
        print(f"  {kind}: p50 {rows[-1]['p50']:.1f} ms over {len(paths)} first visits", file=sys.stderr)
    return rows


def report(rows: list[dict], label: str, args) -> str:
    lines = [
        f"# First visits, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC{f': {label}' if label else ''}",
        "",
        f"Database `{args.database}`, fragment cache (`{args.redis}`) emptied first, seed {args.seed}; "
        "each URL requested once, in process (Flask test client, production config, page cache off).",
        "",
        "| Page kind | first visits | p50 ms | p90 ms | p99 ms | SQL statements per visit | SQL ms per visit |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(f"| {r['kind']} | {r['visits']} | {r['p50']:.1f} | {r['p90']:.1f} | {r['p99']:.1f} "
                     f"| {r['statements']:.1f} | {r['sql_ms']:.1f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="larder_bench")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/7", help="the bench's own Redis database")
    parser.add_argument("--products", type=int, default=300)
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument("--seed", type=float, default=0.42)
    parser.add_argument("--label", default="")
    parser.add_argument("--output", help="also write the table here (a path under bench/results/)")
    args = parser.parse_args()
    if not -1 <= args.seed <= 1:
        parser.error("--seed must be between -1 and 1 (PostgreSQL's setseed)")

    app = build_app(f"{args.pg.rstrip('/')}/{args.database}", args.redis)
    urls = _sample_urls(app, args.products, args.articles, args.seed)
    print(f"Deleted {_forget_fragments(args.redis)} fragments; measuring...", file=sys.stderr)
    text = report(measure(app, urls), args.label, args)
    print(text)
    if args.output:
        Path(args.output).write_text(text)


if __name__ == "__main__":
    main()
