"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from storefront import create_app
from storefront.extensions import db


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new empty database of the same kind as the test database."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base or not base.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    url = make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"larder_migr_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migrations_match_the_models(empty_database_url, tmp_path):
    app = create_app(
        {"LARDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url, "UPLOAD_FOLDER": str(tmp_path)}
    )
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "include_name": lambda name, type_, parents: not (
                        name
                        and (
                            name.startswith(("product_fts", "ix_product_search", "article_fts", "ix_article_search", "search_word_trigram", "ix_search_word_trgm"))
                            or name == "search_vector"
                        )
                    ),
                },
            )
            differences = compare_metadata(context, db.metadata)
            tables = set(inspect(conn).get_table_names())
        db.engine.dispose()
    assert differences == [], f"models and migrations differ: {differences}"
    assert {"product", "variant", "certification"} <= tables


def test_search_works_on_a_migrated_database(empty_database_url, tmp_path):
    from storefront.catalog.queries import ListingFilters, list_products
    from tests.factories import make_product

    app = create_app(
        {"LARDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url, "UPLOAD_FOLDER": str(tmp_path)}
    )
    with app.app_context():
        upgrade()
        make_product("mag", title="Magnesium Glycinate")
        found = list_products(ListingFilters(q="magnesium"), 24).cards
        db.session.remove()
        db.engine.dispose()
    assert [c.slug for c in found] == ["mag"]


def _triggers(connection) -> set[tuple[str, str]]:
    if connection.dialect.name == "postgresql":
        sql = "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal"
    else:
        sql = "SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'"
    return {tuple(row) for row in connection.execute(text(sql))}


def test_a_migrated_database_has_every_trigger_create_all_makes(app, empty_database_url, tmp_path):
    """Triggers keep the page cache's version and the listings' sort keys honest; a migration
    that rebuilt a table (SQLite batch mode) once dropped a table's version triggers silently."""
    with app.app_context(), db.engine.connect() as conn:
        wanted = _triggers(conn)
    migrated_app = create_app(
        {"LARDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url, "UPLOAD_FOLDER": str(tmp_path)}
    )
    with migrated_app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            got = _triggers(conn)
        db.engine.dispose()
    assert any(name.startswith("larder_tags_collection_product") for _, name in wanted)
    assert got == wanted, f"missing after migrating: {sorted(wanted - got)}; extra: {sorted(got - wanted)}"


def _raw_ddl(connection) -> dict[str, str]:
    """Every definition the models cannot express, by name: triggers, their functions, the
    search index and vector column, each as the database reports it (bodies included)."""
    if connection.dialect.name == "postgresql":
        queries = [
            "SELECT 'trigger ' || tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal",
            "SELECT 'function ' || p.proname, p.prosrc FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema()",
            "SELECT 'index ' || indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = current_schema() AND (indexname LIKE 'ix_product_search%' "
            "OR indexname LIKE 'ix_article_search%' OR indexname = 'ix_search_word_trgm')",
            "SELECT 'column ' || table_name || '.' || column_name, data_type || ' ' || coalesce(generation_expression, '') "
            "FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'search_vector'",
        ]
    else:
        queries = [
            "SELECT type || ' ' || name, sql FROM sqlite_master WHERE type = 'trigger' "
            "OR name IN ('product_fts', 'article_fts', 'search_word_trigram')"
        ]
    return {name: sql for query in queries for name, sql in connection.execute(text(query))}


def test_a_migrated_database_has_the_raw_ddl_create_all_makes(app, empty_database_url, tmp_path):
    """Revisions freeze the SQL they ran, so later revisions must bring every trigger body,
    function and search definition to what today's create_all makes, not only the names."""
    with app.app_context(), db.engine.connect() as conn:
        wanted = _raw_ddl(conn)
    migrated_app = create_app(
        {"LARDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url, "UPLOAD_FOLDER": str(tmp_path)}
    )
    with migrated_app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            got = _raw_ddl(conn)
        db.engine.dispose()
    assert any(name.endswith("larder_product_sort_keys") for name in wanted)
    differing = sorted(name for name in wanted.keys() | got.keys() if wanted.get(name) != got.get(name))
    assert differing == [], "\n\n".join(f"{n}\nwanted: {wanted.get(n)}\ngot:    {got.get(n)}" for n in differing)


def _state(connection) -> dict:
    """The schema and raw DDL of a database, to compare it before and after a round trip."""
    inspector = inspect(connection)
    tables = {
        table: (
            sorted((c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)),
            sorted((i["name"], tuple(i["column_names"]), i["unique"]) for i in inspector.get_indexes(table)),
        )
        for table in inspector.get_table_names()
        if not table.startswith(("product_fts", "article_fts", "search_word_trigram"))
    }
    return {"tables": tables, "raw": _raw_ddl(connection)}


def test_each_revision_downgrades_to_the_state_before_it(empty_database_url, tmp_path):
    """Upgrading one revision at a time, then downgrading one at a time, passes through the
    same states: every downgrade undoes exactly its upgrade (frozen SQL both ways)."""
    from alembic.script import ScriptDirectory
    from flask_migrate import downgrade

    app = create_app(
        {"LARDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url, "UPLOAD_FOLDER": str(tmp_path)}
    )
    with app.app_context():
        script = ScriptDirectory(app.extensions["migrate"].directory)
        revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
        states = {}
        for revision in revisions:
            upgrade(revision=revision)
            with db.engine.connect() as conn:
                states[revision] = _state(conn)
        for index in range(len(revisions) - 1, 0, -1):
            downgrade(revision=revisions[index - 1])
            with db.engine.connect() as conn:
                assert _state(conn) == states[revisions[index - 1]], f"downgrading {revisions[index]} left a different state"
        downgrade(revision="base")
        with db.engine.connect() as conn:
            left = set(inspect(conn).get_table_names()) - {"alembic_version"}
        upgrade()
        with db.engine.connect() as conn:
            assert _state(conn) == states[revisions[-1]]
        db.engine.dispose()
    assert left == set(), f"downgrading to base left tables: {sorted(left)}"


def test_no_revision_imports_the_app():
    """A revision that imports storefront or blog changes meaning when the app changes; each
    keeps the SQL it ran as literal text instead."""
    import ast
    from pathlib import Path

    versions = Path(__file__).resolve().parent.parent / "migrations" / "versions"
    offending = []
    for path in sorted(versions.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""] if node.level == 0 else ["." + (node.module or "")]
            else:
                continue
            offending += [
                f"{path.name}:{node.lineno} imports {m}"
                for m in modules
                if m.split(".")[0] in ("storefront", "blog") or m.startswith(".")
            ]
    assert len(list(versions.glob("*.py"))) >= 12
    assert offending == []
