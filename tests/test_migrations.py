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
                            name.startswith(("product_fts", "ix_product_search"))
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
    assert any(name.startswith("larder_version_collection_product") for _, name in wanted)
    assert got == wanted, f"missing after migrating: {sorted(wanted - got)}; extra: {sorted(got - wanted)}"
