"""EXPLAIN ANALYZE every SQL statement a page runs, on the bench database (PostgreSQL).

    python -m bench.explain                      # DATABASE_URL or the bench database
    python -m bench.explain /search?q=magnesium  # one page

Statements are captured through the Flask test client with their real parameters, then
explained on the same connection, so the plans are the ones the pages get.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    ("Collection, 2 facets", "/collections/supplements?certified=1&tag=vegan&sort=price"),
    ("Search", "/search?q=magnesium"),
    ("Article with CTAs", "/blog/magnesium-for-back-pain"),
    ("Product", "/products/magnesium-glycinate"),
    ("Home", "/"),
]


def explain(paths: list[tuple[str, str]]) -> str:
    from storefront import create_app
    from storefront.extensions import db

    app = create_app({"LARDER_ENV": "development", "RATELIMIT_ENABLED": False, "PAGE_CACHE": "off"})
    out = []
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            raise SystemExit("EXPLAIN output is for PostgreSQL; set DATABASE_URL")
        captured: list[tuple[str, object]] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            captured.append((statement, parameters))

        for title, path in paths:
            client = app.test_client(use_cookies=False)
            client.get(path)  # warm
            db.session.remove()
            captured.clear()
            event.listen(Engine, "before_cursor_execute", record)
            try:
                status = client.get(path).status_code
            finally:
                event.remove(Engine, "before_cursor_execute", record)
            out.append(f"### {title}: `GET {path}` (HTTP {status}, {len(captured)} statements)\n")
            statements = list(captured)
            for n, (statement, parameters) in enumerate(statements, 1):
                if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                with db.engine.connect() as conn:
                    rows = conn.exec_driver_sql(
                        "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, parameters
                    ).all()
                plan = "\n".join(r[0] for r in rows)
                first_line = " ".join(statement.split())[:160]
                out.append(f"{n}. `{first_line}…`\n\n```\n{plan}\n```\n")
    return "\n".join(out)


def main(argv: list[str]) -> int:
    os.environ.setdefault("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/larder_bench")
    paths = [(p, p) for p in argv] or PAGES
    print(explain(paths))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
