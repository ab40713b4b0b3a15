"""A request that only read ends with COMMIT (PostgreSQL keeps its prepared statements); one that
wrote, failed or left changes behind still rolls back, and nothing of it is stored."""

from __future__ import annotations

import pytest
from flask import abort
from sqlalchemy import event, select, text

from storefront import create_app
from storefront.catalog.models import DietTag, Product
from storefront.extensions import db
from storefront.transactions import generic_plan, is_read
from tests.factories import make_product
from tests.fixtures.postgres import on_postgresql, postgres_test_unavailable


@pytest.fixture
def probe(app):
    """A second app on the test database, with routes that read,
    write and fail; yields (client, endings): how each request's transaction ended."""
    probe = create_app({
        "LARDER_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 3, "max_overflow": 0},
    })

    @probe.get("/read")
    def read():
        return ",".join(db.session.scalars(select(Product.slug).order_by(Product.slug)))

    @probe.get("/write-raw-then-refuse")
    def write_raw_then_refuse():
        db.session.execute(text("INSERT INTO diet_tag (slug, name) VALUES ('raw', 'Raw')"))
        abort(400)

    @probe.get("/write-orm-then-refuse")
    def write_orm_then_refuse():
        db.session.add(DietTag(slug="flushed", name="Flushed"))
        db.session.flush()
        return "refused", 422

    @probe.get("/add-without-flush")
    def add_without_flush():
        db.session.add(DietTag(slug="pending", name="Pending"))
        return "left pending"

    @probe.get("/write-then-raise")
    def write_then_raise():
        db.session.execute(text("INSERT INTO diet_tag (slug, name) VALUES ('raised', 'Raised')"))
        raise RuntimeError("boom")

    endings: list[str] = []
    with probe.app_context():
        engine = db.engine
    event.listen(engine, "commit", lambda conn: endings.append("commit"))
    event.listen(engine, "rollback", lambda conn: endings.append("rollback"))
    yield probe.test_client(), endings
    with probe.app_context():
        db.session.remove()
        db.engine.dispose()


def _stored_tags(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(DietTag.slug).order_by(DietTag.slug)))


def test_a_request_that_only_read_ends_with_a_commit(app, probe):
    make_product("oat-bar")
    client, endings = probe
    response = client.get("/read")
    assert response.get_data(as_text=True) == "oat-bar"
    assert endings == ["commit"]


@pytest.mark.parametrize("path", ["/write-raw-then-refuse", "/write-orm-then-refuse", "/add-without-flush"])
def test_a_request_that_wrote_or_left_changes_rolls_them_back(app, probe, path):
    client, endings = probe
    client.get(path)
    assert "commit" not in endings
    assert _stored_tags(app) == []


def test_a_read_after_a_write_on_the_same_connection_commits(app, probe):
    client, endings = probe
    client.get("/write-raw-then-refuse")
    client.get("/read")
    assert endings[-1] == "commit"
    assert _stored_tags(app) == []


def test_a_request_that_raised_rolls_back(app, probe):
    client, endings = probe
    with pytest.raises(RuntimeError):
        client.get("/write-then-raise")
    assert "commit" not in endings
    assert _stored_tags(app) == []


@pytest.mark.parametrize(("statement", "read"), [
    ("SELECT id FROM product WHERE slug = %(slug)s", True),
    ("  with picks as (select 1) select * from picks", True),
    ("SHOW plan_cache_mode", True),
    ("SET LOCAL plan_cache_mode = force_generic_plan", True),
    ("SELECT * FROM variant WHERE id = 1 FOR UPDATE", False),
    ("WITH gone AS (DELETE FROM cart RETURNING id) SELECT count(*) FROM gone", False),
    ("SELECT nextval('product_id_seq')", False),
    ("SET plan_cache_mode = force_generic_plan", False),
    ("INSERT INTO diet_tag (slug, name) VALUES ('a', 'A')", False),
    ("SAVEPOINT sa_savepoint_1", False),
])
def test_only_statements_that_change_nothing_count_as_reads(statement, read):
    assert is_read(statement) is read


def test_a_column_named_like_a_keyword_is_still_a_read():
    assert is_read("SELECT product.updated_at, product.deleted_note FROM product")


def _postgres_only() -> None:
    if not on_postgresql():
        postgres_test_unavailable("prepared statements and plan_cache_mode are PostgreSQL's")


def test_postgres_keeps_prepared_statements_from_one_request_to_the_next(app, probe):
    _postgres_only()
    make_product("oat-bar")
    client, _ = probe
    for _ in range(7):  # psycopg prepares a statement on its fifth run on a connection
        client.get("/read")
    with client.application.app_context():
        prepared = db.session.scalars(text("SELECT statement FROM pg_prepared_statements")).all()
    assert any("product.slug" in statement for statement in prepared)


def test_generic_plan_holds_for_its_block_only(app):
    _postgres_only()
    with app.app_context():
        with generic_plan():
            assert db.session.scalar(text("SHOW plan_cache_mode")) == "force_generic_plan"
        assert db.session.scalar(text("SHOW plan_cache_mode")) == "auto"
        db.session.rollback()


def test_a_product_page_plans_its_related_cards_once_on_postgres(client, count_queries):
    """The related cards' statement runs on PostgreSQL's generic plan: two settings around it,
    kept out of the page's query count (they read nothing) but counted here."""
    make_product("oat-bar", tags=["vegan"], certified=True)
    make_product("rice-bar", tags=["vegan"], certified=True)
    client.get("/products/oat-bar")
    with count_queries() as counter:
        page = client.get("/products/oat-bar").get_data(as_text=True)
    assert "Rice Bar" in page
    expected = ["SET LOCAL plan_cache_mode = force_generic_plan", "SET LOCAL plan_cache_mode = DEFAULT"]
    assert counter.plan_settings == (expected if on_postgresql() else [])
