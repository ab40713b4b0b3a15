"""A request that only read ends its transaction with COMMIT, so PostgreSQL keeps its plans (issue 20).

psycopg prepares a statement on the server once a connection has run it five times, and then
PostgreSQL parses it once and may reuse its plan. But psycopg forgets every prepared statement of
a connection on ROLLBACK (a rolled-back DDL could leave one pointing at a dropped object), and
Flask-SQLAlchemy ends every request's transaction with a rollback when it removes the session. So
no statement was ever prepared: every first visit had each of its statements parsed and planned
again (the product page's related cards: 2 ms of planning for 0.7 ms of work).

A transaction that wrote nothing commits to the same effect as it rolls back; committing it keeps
the connection's prepared statements. What counts as a write is decided per statement, on the
safe side: anything but a SELECT, WITH or SHOW without a data-changing keyword, or a SET LOCAL
(gone with the transaction either way). A request that raised, that wrote, or whose session holds
changes not yet flushed is left to Flask-SQLAlchemy's rollback, as before.

`generic_plan()` asks PostgreSQL to keep one plan for a statement whose best plan does not depend
on its values but which the planner would otherwise plan for each call.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Connection

from storefront.extensions import db

PLAN_SETTING = "SET LOCAL plan_cache_mode"  # how generic_plan's two statements begin
WROTE = "larder_wrote"  # in the DBAPI connection's info: this transaction sent a write
_READ_START = re.compile(r"\s*(?:SELECT|WITH|SHOW)\b|\s*SET\s+LOCAL\b", re.IGNORECASE)
_CHANGES_DATA = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE|TRUNCATE|NOTIFY|NEXTVAL|SETVAL|PG_NOTIFY)\b", re.IGNORECASE)


def is_read(statement: str) -> bool:
    """Whether `statement` surely changes nothing that a COMMIT would keep and a ROLLBACK drop
    (a SELECT ... FOR UPDATE counts as a write: committing would be harmless, but it is rare)."""
    return bool(_READ_START.match(statement)) and not _CHANGES_DATA.search(statement)


def init_transactions(app: Flask) -> None:
    """Track writes on the app's engine; end read-only requests with a commit. Registered after
    Flask-SQLAlchemy, so it runs before the session is removed (teardowns run in reverse)."""
    with app.app_context():
        engine = db.engine
    if not event.contains(engine, "before_cursor_execute", _note_write):
        event.listen(engine, "before_cursor_execute", _note_write)
        event.listen(engine, "begin", _forget_writes)
    app.teardown_appcontext(_commit_if_only_read)


def _note_write(conn: Connection, cursor, statement: str, parameters, context, executemany) -> None:
    if not conn.info.get(WROTE) and not is_read(statement):
        conn.info[WROTE] = True


def _forget_writes(conn: Connection) -> None:
    conn.info.pop(WROTE, None)


def _commit_if_only_read(exc: BaseException | None) -> None:
    if exc is not None or not db.session.registry.has():
        return
    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    try:
        if session.connection().info.get(WROTE):
            return
        session.commit()
    except Exception:  # a failed commit: the rollback is the old path
        session.rollback()


@contextmanager
def generic_plan() -> Iterator[None]:
    """Inside, PostgreSQL runs prepared statements on one generic plan instead of planning each
    call with its values; for a statement that costs far more to plan than to run and whose plan
    is the same for every value. Nothing elsewhere: SQLite, or before psycopg has prepared it."""
    if db.session.get_bind().dialect.name != "postgresql":
        yield
        return
    db.session.execute(text(f"{PLAN_SETTING} = force_generic_plan"))
    yield  # a failure inside aborts the transaction, and its rollback undoes the SET LOCAL
    db.session.execute(text(f"{PLAN_SETTING} = DEFAULT"))


def commit_keeping_loaded() -> None:
    """COMMIT without expiring what the session holds: for a request that goes on with rows it has
    just written itself (placing an order, then its payment). The default expiry made each next
    use read the order and its payments again, four statements in a checkout."""
    session = db.session()
    saved, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = saved
