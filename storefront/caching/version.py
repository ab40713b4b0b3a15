"""The catalog version and the page state: what a cached page's key is made of.

One row (`catalog_version`) is bumped by database triggers (storefront.caching.triggers) on
any write to a registered table: its `counter` (the version in every page key) by the tables
that empty every page, its `seq` (the change sequence) by the narrow tables, whose writes stamp
their dependency tags with it instead (storefront.caching.tags). The page state is that version, the rows packages asked to
read along with it (the site settings) and the time markers (the blog's "latest scheduled
article now due": it goes live with no write), all read in one statement per request, outside
any transaction: a cache hit then costs one round trip.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Float,
    Integer,
    String,
    bindparam,
    create_engine,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storefront.clock import now, today
from storefront.extensions import db
from storefront.state import larder_state, request_state


class CatalogVersion(db.Model):
    """Bumped by triggers on every change to what public pages show."""

    __tablename__ = "catalog_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    counter: Mapped[int] = mapped_column(Integer, default=0)
    # Random per row life: a wiped and re-seeded database never reuses an old key.
    epoch: Mapped[str] = mapped_column(String(32), default="")
    changed_at: Mapped[float] = mapped_column(Float, default=0.0)  # Unix seconds
    # The change sequence: +1 per transaction writing a narrow table (per row on SQLite). A
    # cached page records the sequence it was rendered at; a tag stamped later makes it stale.
    seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


# Row kinds in the page-state statement (its first column). Sources are named by packages
# (identifiers), so these never clash with one.
VERSION_ROW = "~version"
MARKER_ROW = "~marker"
MARKER_PREFIX = "~larder:due:"  # a time marker's name in page keys


def register_page_state_source(app: Flask, name: str, sql: str) -> None:
    """Read `sql` (a SELECT of (key, value) text rows) with the version, in the same statement:
    a package whose rows every page needs (the site settings) costs no query of its own.
    The rows are `page_state().source(name)`."""
    larder_state(app).page_state_sources[name] = sql


def register_time_marker(app: Flask, name: str, sql: str) -> None:
    """Make pages change when something becomes due with time alone, with no write at that
    moment: an article scheduled for 09:00 goes live at 09:00, though nothing touches the
    database then. `sql` is a scalar SELECT of the latest moment such a change happened up to
    `:now` (compared with the stored column, so its values are stored times), or of anything
    that changes exactly when such a change is due (`:today` is the UTC date, for what is valid
    by the day: storefront.catalog.certificate_days); it is read in the page-state statement,
    so it costs no extra query.
    """
    larder_state(app).time_markers[name] = sql


def _page_state_statement():
    """Sources, version and time markers in one statement, built once per app."""
    state = larder_state()
    if state.page_state_statement is None:
        parts = [
            f"SELECT '{name}', s.* FROM ({sql}) AS s" for name, sql in sorted(state.page_state_sources.items())
        ]
        parts.append(
            f"SELECT '{VERSION_ROW}', '', epoch || ':' || CAST(counter AS VARCHAR(20)) || ':' || "
            "CAST(seq AS VARCHAR(20)) || ':' || CAST(changed_at AS VARCHAR(40)) FROM catalog_version WHERE id = 1"
        )
        parts += [
            f"SELECT '{MARKER_ROW}', '{name}', CAST(({marker}) AS VARCHAR(64))"
            for name, marker in sorted(state.time_markers.items())
        ]
        sql = " UNION ALL ".join(parts)
        binds = {"now": DateTime(timezone=True), "today": Date}
        state.page_state_binds = tuple(name for name in binds if re.search(rf"(?<!:):{name}\b", sql))
        built = text(sql)
        if state.page_state_binds:
            built = built.bindparams(*(bindparam(name, type_=binds[name]) for name in state.page_state_binds))
        state.page_state_statement = built
    return state.page_state_statement


def _version_engine():
    """PostgreSQL: a small engine of its own in autocommit, without a ping on checkout.

    This read runs on every cacheable request, cache hits included, where it is most of the
    work: no transaction (no BEGIN / ROLLBACK round trips) and no pre-ping round trip. A
    connection the server dropped fails the read once; the pool is then invalidated and the
    read retried on a fresh connection (it changes nothing, so a retry is always safe).
    Other databases (SQLite in development) read through the app's engine.
    """
    state = larder_state()
    if state.version_engine is None:
        main = db.engine
        if main.dialect.name != "postgresql":
            state.version_engine = main
        else:
            state.version_engine = create_engine(
                main.url, isolation_level="AUTOCOMMIT", pool_pre_ping=False, pool_size=2, max_overflow=2
            )
    return state.version_engine


def _read_page_state_rows() -> list[tuple[str, str, str]]:
    engine = _version_engine()
    statement = _page_state_statement()
    # The moment and day the time markers are judged at (:now, :today), when they ask.
    binds = larder_state().page_state_binds
    params = {name: (now() if name == "now" else today()) for name in binds}
    if engine is db.engine:
        with engine.connect() as connection:
            rows = connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                statement, params
            )
            return [tuple(row) for row in rows]
    # Compiled once to the driver's own SQL: a third of this read's cost was SQLAlchemy
    # compiling and processing the statement on each of the most frequent requests.
    return _driver_read(engine, _compiled_once(statement, engine).string, params)


def read_first(statement, params: Mapping, postgres_statement=None) -> tuple | None:
    """The first row of a read-only statement, on the page state's connection (no transaction
    on PostgreSQL; retried once on a connection the server dropped).

    `postgres_statement`, when given, is what PostgreSQL runs instead: a statement whose SQL is
    the same for every `params` (no expanding parameters), compiled once to the driver's SQL."""
    engine = _version_engine()
    driver_sql = None
    if postgres_statement is not None and engine is not db.engine:
        driver_sql = _compiled_once(postgres_statement, engine)
        params = driver_sql.construct_params(params)
    if driver_sql is not None:
        rows = _driver_read(engine, driver_sql.string, params, limit=1)
        return tuple(rows[0]) if rows else None
    with engine.connect() as connection:
        if engine is db.engine:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        row = connection.execute(statement, params).first()
        return tuple(row) if row is not None else None


def _driver_read(engine, driver_sql: str, params: Mapping, limit: int | None = None) -> list[tuple]:
    """The rows of a read-only statement in the driver's own SQL, on a pooled connection of
    `engine` used as the driver gives it: these reads run on every cacheable request, and
    SQLAlchemy's connection and result objects around them doubled their cost (0.50 ms against
    0.26 on the bench machine). A connection the server dropped fails the read once; it is
    thrown away and the read retried on a fresh one (it changes nothing, so a retry is safe)."""
    dialect = engine.dialect
    for attempt in (1, 2):
        connection = engine.raw_connection()
        cursor = None
        try:
            cursor = connection.cursor()
            # The engine's statement listeners still see it (undeclared reads, counters).
            engine.dispatch.before_cursor_execute(None, cursor, driver_sql, params, None, False)
            cursor.execute(driver_sql, params)
            rows = cursor.fetchall() if limit is None else cursor.fetchmany(limit)
            engine.dispatch.after_cursor_execute(None, cursor, driver_sql, params, None, False)
            cursor.close()
            return [tuple(row) for row in rows]
        except dialect.loaded_dbapi.Error as exc:
            if attempt == 2 or not dialect.is_disconnect(exc, connection.dbapi_connection, cursor):
                raise
            connection.invalidate(exc)
        finally:
            connection.close()
    raise AssertionError("unreachable")


def _compiled_once(statement, engine):
    """`statement` compiled for `engine` once per app (the page state's read, the stale check)."""
    compiled = larder_state().driver_statements.get(statement)
    if compiled is None:
        compiled = larder_state().driver_statements[statement] = statement.compile(dialect=engine.dialect)
    return compiled


@dataclass(frozen=True)
class PageState:
    version: str  # "epoch:counter", or "none" before the first catalog write
    changed_at: datetime | None  # the later of the last write and the last time marker
    markers: str = ""  # the time markers' values, part of every key
    read_at: datetime | None = None  # when this state was read
    sources: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    seq: int = 0  # the change sequence when read (before the page's own reads)

    def source(self, name: str) -> dict[str, str]:
        """The (key, value) rows the source `name` registered, as read with this version."""
        return dict(self.sources.get(name, {}))


def _parse_stored_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    # SQLite stores UTC without an offset; PostgreSQL says its offset.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def page_state() -> PageState:
    """The catalog version, the registered sources' rows and the time markers: read once per
    request, in one statement."""
    cached = request_state()
    if cached.page_state is not None:
        return cached.page_state
    raw = None
    markers: dict[str, str | None] = {}
    sources: dict[str, dict[str, str]] = {}
    for kind, key, value in _read_page_state_rows():
        if kind == VERSION_ROW:
            raw = value
        elif kind == MARKER_ROW:
            markers[key] = value
        else:
            sources.setdefault(kind, {})[key] = value
    version, changed_at, seq = "none", None, 0
    if raw is not None:
        epoch, counter, seq_text, changed = raw.split(":", 3)
        version = f"{epoch}:{counter}"
        seq = int(seq_text)
        try:
            changed_at = datetime.fromtimestamp(float(changed), UTC)
        except ValueError:
            changed_at = None
    due = [t for t in (_parse_stored_time(v) for v in markers.values()) if t is not None]
    if due and changed_at is not None:
        changed_at = max(changed_at, *due)
    state = PageState(
        version,
        changed_at,
        "|".join(f"{MARKER_PREFIX}{k}={v}" for k, v in sorted(markers.items())),
        now(),
        sources,
        seq,
    )
    cached.page_state = state
    return state
