"""Shared fixtures: one app per session, a clean database per test, helpers for counting SQL.

The database is SQLite in a temporary file by default; set TEST_DATABASE_URL to run the
same suite on PostgreSQL (`.ci/run` does both).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from storefront import create_app
from storefront.extensions import db, limiter
from storefront.state import larder_state
from storefront.transactions import PLAN_SETTING
from tests.fixtures.redis_server import redis_url

pytest_plugins = ["tests.fixtures.browser", "tests.fixtures.staff"]


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "LARDER_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
            "UPLOAD_FOLDER": str(instance / "uploads"),
            "SERVER_NAME": None,
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
        version_engine = larder_state(app).version_engine
        if version_engine is not None:
            version_engine.dispose()


# PostgreSQL: every table's rows deleted in one round trip, then the id sequences set back to 1
# (as TRUNCATE ... RESTART IDENTITY would). TRUNCATE of the 41 tables took ~95 ms a test (new
# files for every table), this ~2 ms: over 3,000 tests, about five minutes of CI. The app's
# triggers (cache tags, stock alerts, price-from) and the foreign keys' are off for the wipe
# (session_replication_role, superuser only), so the order of the deletes does not matter and no
# trigger writes a row behind them.
_PG_RESET_SEQUENCES = (
    "SELECT setval(quote_ident(schemaname) || '.' || quote_ident(sequencename), 1, false)"
    " FROM pg_sequences WHERE schemaname = current_schema() AND last_value IS NOT NULL"
)


def _wipe_postgres(conn, tables: list[str]) -> None:
    deletes = "; ".join(f'DELETE FROM "{t}"' for t in tables)
    try:
        with conn.begin_nested():
            conn.exec_driver_sql(
                f"SET LOCAL session_replication_role = replica; {deletes}; {_PG_RESET_SEQUENCES}"
            )
    except DBAPIError:  # not a superuser: the slow way
        conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))


def _wipe(app) -> None:
    """Delete every row; cheap compared with re-creating the schema for each test."""
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                _wipe_postgres(conn, tables)
            else:
                for table in tables:
                    conn.execute(text(f'DELETE FROM "{table}"'))


@pytest.fixture(autouse=True)
def _rate_limits_stay_off():
    """Flask-Limiter's one Limiter object is shared by every app: a test that builds an app with
    limits on turns them on for the session's app too. Put them back off after each test, so a
    later test's sixth post is never a 429."""
    yield
    if limiter.enabled:
        limiter.enabled = False
        # A test whose limits lived on a Redis it stopped leaves nothing to reset.
        with contextlib.suppress(Exception):
            limiter.reset()


@pytest.fixture(autouse=True)
def _clean_database(request):
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        yield
        db.session.rollback()
    _wipe(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Log a test client in as a given user without going through the login form."""

    def __init__(self, client):
        self._client = client

    def login(self, user) -> None:
        with self._client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        self._forget_loaded_user()

    def logout(self) -> None:
        with self._client.session_transaction() as session:
            session.clear()
        self._forget_loaded_user()

    @staticmethod
    def _forget_loaded_user() -> None:
        # The test's app context outlives each request, so Flask-Login's cached user on `g`
        # would otherwise survive a change of session.
        from flask import g

        g.pop("_login_user", None)


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def each_request_loads_its_own_user(app):
    """For tests playing several browsers (test clients): the test's app context outlives their
    requests, so the user Flask-Login cached on `g` for one client's request would be reused by
    the next client's. Dropped at each request's start, as a real request starts without it."""
    from flask import g, request_started

    def forget(sender, **extra):
        g.pop("_login_user", None)

    with request_started.connected_to(forget, app):
        yield


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []
        # PostgreSQL's plan settings around a statement planned once (storefront.transactions.
        # generic_plan): round trips that read nothing, kept apart from the page's queries.
        self.plan_settings: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def counting_queries() -> Iterator[QueryCounter]:
    """Count SQL statements sent to the database inside the block."""
    counter = QueryCounter()
    # Every engine, not only db.engine: the page-state read has a small engine of its own
    # on PostgreSQL (storefront.caching.version._version_engine).
    engine = Engine

    def _record(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith(PLAN_SETTING):
            counter.plan_settings.append(statement)
        else:
            counter.statements.append(statement)

    event.listen(engine, "before_cursor_execute", _record)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", _record)


@pytest.fixture
def count_queries():
    return counting_queries


FRAGMENT_REDIS_URL = redis_url(12)


@pytest.fixture
def fragment_store(app):
    """The fragment cache on the real Redis (tests/fixtures/redis_server.py, database 12), emptied around the
    test; yields the Redis client so a test can look at what was stored."""
    import redis

    from storefront.caching.fragments import FRAGMENT_PREFIX
    from storefront.caching.store import PageCache

    client = redis.Redis.from_url(FRAGMENT_REDIS_URL, socket_connect_timeout=1)
    client.flushdb()
    original = larder_state(app).fragment_cache
    larder_state(app).fragment_cache = PageCache(FRAGMENT_REDIS_URL, ttl=60, prefix=FRAGMENT_PREFIX)
    yield client
    larder_state(app).fragment_cache = original
    client.flushdb()
