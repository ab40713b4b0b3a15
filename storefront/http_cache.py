"""Caching that never serves a stale price: conditional GET and an optional Redis page cache.

The key is a *catalog version*: one row (`catalog_version`) that database triggers bump on any
insert, update or delete of a table a public page shows (products, variants and their stock,
certifications, collections, tags, site settings, articles...). Triggers, not ORM events,
because checkout reserves stock with a raw conditional `UPDATE variant SET stock = stock - :q`
that bypasses the ORM; a trigger sees every writer, raw SQL and psql included.

On PostgreSQL the trigger is a DEFERRABLE INITIALLY DEFERRED constraint trigger: it runs at
COMMIT, once per transaction (a transaction-local flag skips the other rows), so the single
version row is locked only for the commit itself and never between two stock UPDATEs of a
checkout (no deadlocks, no long lock waits). SQLite serialises writers anyway; plain triggers.
Readers see the new version exactly when they can see the new data (same transaction), so a
page is never stored under a newer key than its data. One exception by design: a stock change
no page can show (both values at least VISIBLE_STOCK_CAP) bumps nothing, so selling one of 500
keeps every cached page.

A page's key = catalog version + today's UTC date (certificates are valid by the day) + time
markers (e.g. the blog's "latest scheduled article now due": it goes live with no write) +
the URL. Its ETag adds the visitor's session (CSRF token, cart
count), because the page embeds both: a 304 is only ever an answer about *this* visitor's copy.
Logged-in visitors and pages with flashed messages are never cached or answered with 304.

The Redis cache (only when REDIS_URL is set) stores the rendered page with two holes punched
in it (the CSRF token and the cart count) so one copy serves every anonymous visitor. Redis
errors are logged and the page is rendered as if there were no cache.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import wraps
from typing import Any

from flask import Flask, Response, current_app, g, make_response, request, session
from flask.globals import request_ctx
from sqlalchemy import DDL, Float, Integer, String, event, text
from sqlalchemy.orm import Mapped, mapped_column

from storefront.clock import now, today
from storefront.extensions import db
from storefront.redis_guard import GuardedRedis

log = logging.getLogger(__name__)

VERSION_ROW_KEY = "~larder:catalog_version"  # never a settings key (those are identifiers)
HOLE_PREFIX = "__larder_"  # holes are "__larder_<kind>_<secret>__"; see _holes()
PAGE_CACHE_PREFIX = "larder:page:"

# Tables whose rows appear on public pages get the version trigger. Listed by name: a table
# written on every page view (e.g. article_view) must stay out, or nothing would stay cached.
VERSIONED_TABLES = {
    "product",
    "variant",
    "product_image",
    "certification",
    "collection",
    "collection_product",
    "diet_tag",
    "product_diet_tag",
    "site_setting",
    "article",
    "author",
    "blog_tag",
    "article_tag",
    "article_product_link",
}


class CatalogVersion(db.Model):
    """Bumped by triggers on every change to what public pages show."""

    __tablename__ = "catalog_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    counter: Mapped[int] = mapped_column(Integer, default=0)
    # Random per row life: a wiped and re-seeded database never reuses an old key.
    epoch: Mapped[str] = mapped_column(String(32), default="")
    changed_at: Mapped[float] = mapped_column(Float, default=0.0)  # Unix seconds


# ---------------------------------------------------------------- triggers

# Public pages show a variant's stock as "Sold out", "Only N left" (under 10) and a quantity
# field whose maximum is the stock capped at 99 (templates/macros/catalog.html,
# catalog/product.html), and a card's total is only compared with 0 and 10. So a stock change
# between two values of at least this cap changes nothing any page shows: it must not empty the
# page cache, or every sale of a well-stocked product would make every page render again.
VISIBLE_STOCK_CAP = 99

# Variant columns the SQLite UPDATE trigger compares (PostgreSQL compares whole rows). A test
# holds this list to the model: a migration adding a variant column must add it here and
# re-create the SQLite trigger, or a change to that column alone would keep stale pages.
VARIANT_COLUMNS = (
    "id", "product_id", "sku", "option_label", "price", "compare_at_price", "weight_grams", "position",
    "option_values",
)

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION larder_bump_catalog_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('larder.catalog_bumped', true) = '1' THEN
        RETURN NULL;
    END IF;
    -- A sale's stock change no page can show (see VISIBLE_STOCK_CAP) keeps every cached page.
    IF TG_TABLE_NAME = 'variant' AND TG_OP = 'UPDATE' THEN
        IF (to_jsonb(OLD) - 'stock') = (to_jsonb(NEW) - 'stock')
           AND least(greatest(OLD.stock, 0), {cap}) = least(greatest(NEW.stock, 0), {cap}) THEN
            RETURN NULL;
        END IF;
    END IF;
    INSERT INTO catalog_version (id, counter, epoch, changed_at)
    VALUES (1, 1, md5(random()::text), extract(epoch FROM clock_timestamp()))
    ON CONFLICT (id) DO UPDATE
        SET counter = catalog_version.counter + 1,
            changed_at = extract(epoch FROM clock_timestamp());
    PERFORM set_config('larder.catalog_bumped', '1', true);
    RETURN NULL;
END
$$
""".replace("{cap}", str(VISIBLE_STOCK_CAP))

SQLITE_BUMP = (
    "INSERT INTO catalog_version (id, counter, epoch, changed_at) "
    "VALUES (1, 1, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0) "
    "ON CONFLICT(id) DO UPDATE SET counter = counter + 1, "
    "changed_at = (julianday('now') - 2440587.5) * 86400.0;"
)


def versioned_table_names(table_names) -> list[str]:
    return sorted(t for t in table_names if t in VERSIONED_TABLES)


def trigger_ddl(dialect: str, table: str) -> list[str]:
    """Statements that make writes to `table` bump the catalog version."""
    if dialect == "postgresql":
        name = f"larder_version_{table}"
        return [
            f'DROP TRIGGER IF EXISTS {name} ON "{table}"',
            f'CREATE CONSTRAINT TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            "EXECUTE FUNCTION larder_bump_catalog_version()",
        ]
    return [
        sqlite_variant_update_trigger(VARIANT_COLUMNS)
        if (table, op) == ("variant", "UPDATE")
        else f'CREATE TRIGGER IF NOT EXISTS larder_version_{table}_{op.lower()} AFTER {op} ON "{table}" '
        f"BEGIN {SQLITE_BUMP} END"
        for op in ("INSERT", "UPDATE", "DELETE")
    ]


def sqlite_variant_update_trigger(columns) -> str:
    """The SQLite twin of the PostgreSQL function's stock rule: skip invisible stock changes.

    `columns` are the variant's columns other than stock (migrations pass the list of their day).
    """
    unchanged = " AND ".join(f'OLD."{c}" IS NEW."{c}"' for c in columns)
    cap = VISIBLE_STOCK_CAP
    return (
        'CREATE TRIGGER IF NOT EXISTS larder_version_variant_update AFTER UPDATE ON "variant" '
        f"WHEN NOT ({unchanged} AND min(max(OLD.stock, 0), {cap}) = min(max(NEW.stock, 0), {cap})) "
        f"BEGIN {SQLITE_BUMP} END"
    )


def install_catalog_version_triggers(connection, table_names=None) -> list[str]:
    """Create the version triggers (create_all calls this; migrations should too)."""
    dialect = connection.dialect.name
    if table_names is None:
        table_names = db.metadata.tables.keys()
    tables = versioned_table_names(table_names)
    if dialect == "postgresql":
        connection.execute(text(PG_FUNCTION))
    for table in tables:
        for statement in trigger_ddl(dialect, table):
            connection.execute(text(statement))
    return tables


@event.listens_for(db.metadata, "after_create")
def _after_create_all(metadata, connection, tables=(), **kw) -> None:
    if connection.dialect.name not in ("postgresql", "sqlite"):
        return
    existing = {t.name for t in metadata.sorted_tables}
    install_catalog_version_triggers(connection, existing)


event.listen(
    CatalogVersion.__table__,
    "before_drop",
    DDL("DROP FUNCTION IF EXISTS larder_bump_catalog_version() CASCADE").execute_if(
        dialect="postgresql"
    ),
)


# ---------------------------------------------------------------- reading the version

PAGE_STATE_SQL = (
    'SELECT "key", value FROM site_setting UNION ALL '
    f"SELECT '{VERSION_ROW_KEY}', epoch || ':' || CAST(counter AS VARCHAR(20)) || ':' || "
    "CAST(changed_at AS VARCHAR(40)) FROM catalog_version WHERE id = 1"
)


TIME_MARKER_PREFIX = "~larder:due:"


def register_time_marker(app: Flask, name: str, sql: str) -> None:
    """Make pages change when something becomes due with time alone, with no write at that
    moment: an article scheduled for 09:00 goes live at 09:00, though nothing touches the
    database then. `sql` is a scalar SELECT of the latest moment such a change happened up to
    `:now` (compared with the stored column, so its values are stored times); it is read
    in the page-state statement, so it costs no extra query.
    """
    app.extensions.setdefault("larder.time_markers", {})[name] = sql


def _page_state_statement():
    """Settings, version and time markers in one statement, built once per app."""
    built = current_app.extensions.get("larder.page_state_statement")
    if built is None:
        from sqlalchemy import DateTime, bindparam

        markers = current_app.extensions.get("larder.time_markers", {})
        sql = PAGE_STATE_SQL + "".join(
            f" UNION ALL SELECT '{TIME_MARKER_PREFIX}{name}', CAST(({marker}) AS VARCHAR(64))"
            for name, marker in sorted(markers.items())
        )
        built = text(sql)
        if markers:
            built = built.bindparams(bindparam("now", type_=DateTime(timezone=True)))
        current_app.extensions["larder.page_state_statement"] = built
    return built


def _version_engine():
    """PostgreSQL: a small engine of its own in autocommit, without a ping on checkout.

    This read runs on every cacheable request, cache hits included, where it is most of the
    work: no transaction (no BEGIN / ROLLBACK round trips) and no pre-ping round trip. A
    connection the server dropped fails the read once; the pool is then invalidated and the
    read retried on a fresh connection (it changes nothing, so a retry is always safe).
    Other databases (SQLite in development) read through the app's engine.
    """
    engine = current_app.extensions.get("larder.version_engine")
    if engine is None:
        main = db.engine
        if main.dialect.name != "postgresql":
            engine = main
        else:
            from sqlalchemy import create_engine

            engine = create_engine(
                main.url, isolation_level="AUTOCOMMIT", pool_pre_ping=False, pool_size=2, max_overflow=2
            )
        current_app.extensions["larder.version_engine"] = engine
    return engine


def _read_page_state_rows() -> list[tuple[str, str]]:
    from sqlalchemy.exc import DBAPIError

    engine = _version_engine()
    statement = _page_state_statement()
    # The statement asks for :now exactly when some package registered a time marker.
    params = {"now": now()} if current_app.extensions.get("larder.time_markers") else {}
    if engine is db.engine:
        with engine.connect() as connection:
            rows = connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                statement, params
            )
            return [tuple(row) for row in rows]
    # Compiled once to the driver's own SQL: a third of this read's cost was SQLAlchemy
    # compiling and processing the statement on each of the most frequent requests.
    driver_sql = current_app.extensions.get("larder.page_state_driver_sql")
    if driver_sql is None:
        driver_sql = str(statement.compile(dialect=engine.dialect))
        current_app.extensions["larder.page_state_driver_sql"] = driver_sql
    for attempt in (1, 2):
        try:
            with engine.connect() as connection:
                return [tuple(row) for row in connection.exec_driver_sql(driver_sql, params)]
        except DBAPIError as exc:
            if attempt == 2 or not exc.connection_invalidated:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class PageState:
    version: str  # "epoch:counter", or "none" before the first catalog write
    changed_at: datetime | None  # the later of the last write and the last time marker
    markers: str = ""  # the time markers' values, part of every key
    read_at: datetime | None = None  # when this state was read


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
    """The catalog version, read in the same statement as the site settings (no extra query).

    Primes the site settings' per-request cache, which every page reads anyway.
    """
    cached = request.environ.get("larder.page_state")
    if cached is not None:
        return cached
    from storefront.site_settings import SETTING_KEYS, SiteSettings

    stored = dict(_read_page_state_rows())
    raw = stored.pop(VERSION_ROW_KEY, None)
    markers = {k: v for k, v in stored.items() if k.startswith(TIME_MARKER_PREFIX)}
    request.environ["larder.site_settings"] = SiteSettings(
        **{k: v for k, v in stored.items() if k in SETTING_KEYS}
    )
    version, changed_at = "none", None
    if raw is not None:
        epoch, counter, changed = raw.split(":", 2)
        version = f"{epoch}:{counter}"
        try:
            changed_at = datetime.fromtimestamp(float(changed), UTC)
        except ValueError:
            changed_at = None
    due = [t for t in (_parse_stored_time(v) for v in markers.values()) if t is not None]
    if due and changed_at is not None:
        changed_at = max(changed_at, *due)
    state = PageState(
        version, changed_at, "|".join(f"{k}={v}" for k, v in sorted(markers.items())), now()
    )
    request.environ["larder.page_state"] = state
    return state


# ---------------------------------------------------------------- who may be cached


def shared_page_allowed() -> bool:
    """Anonymous GET without flashed messages: the page is the same for every such visitor."""
    if request.method not in ("GET", "HEAD"):
        return False
    if "_user_id" in session or "_flashes" in session:
        return False
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return remember not in request.cookies


def page_key(state: PageState) -> str:
    """Same for every anonymous visitor of this URL while the catalog is unchanged.

    Time enters only where pages depend on it: the date (a certificate is valid by the day)
    and the time markers (an article scheduled for 09:00 is live from 09:00). No clock
    buckets: every page's entry does not expire at the same instant, so no stampede of
    renders when a bucket rolls over.
    """
    raw = (
        f"{state.version}|{today().isoformat()}|{state.markers}|"
        f"{request.endpoint}|{request.full_path}"
    )
    return hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()


def _visitor_fingerprint() -> str:
    # The page embeds the visitor's CSRF token and cart count (both in the session); any
    # session change gives a new ETag. Cookies other than the session (e.g. a cart token) too.
    session_cookie = current_app.config.get("SESSION_COOKIE_NAME", "session")
    other_cookies = sorted((k, v) for k, v in request.cookies.items() if k != session_cookie)
    payload = json.dumps([dict(session), other_cookies], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def page_etag(key: str) -> str:
    return hashlib.sha256(f"{key}|{_visitor_fingerprint()}".encode()).hexdigest()[:32]


# ---------------------------------------------------------------- Redis


class PageCache(GuardedRedis):
    """JSON entries in Redis (rendered pages, or fragments under another prefix); every
    failure is a miss, and a down server is left alone a while."""

    LABEL = "Page cache"
    FALLBACK = "rendering without it"
    LOG = log

    def __init__(self, url: str | None, ttl: int, prefix: str = PAGE_CACHE_PREFIX) -> None:
        super().__init__(url)
        self.ttl = ttl
        self.prefix = prefix

    def get(self, key: str) -> Any:
        if not self._available():
            return None
        try:
            raw = self._redis().get(self.prefix + key)
        except Exception as exc:  # noqa: BLE001 - any Redis trouble is a cache miss
            self._failed(exc)
            return None
        if raw is None:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return None

    def set(self, key: str, entry: Any) -> None:
        if not self._available():
            return
        try:
            self._redis().set(self.prefix + key, json.dumps(entry), ex=self.ttl)
        except Exception as exc:  # noqa: BLE001
            self._failed(exc)


def page_cache() -> PageCache:
    return current_app.extensions["larder.page_cache"]


# ---------------------------------------------------------------- the decorator

STORED_HEADERS = ("Content-Type", "X-Larder-Frameable", "Content-Language")


def _holes() -> tuple[str, str]:
    """Placeholders for the CSRF token and cart count, derived from SECRET_KEY: the same on
    every instance sharing Redis, and not guessable, so text a visitor can get onto a page
    (a search query) cannot make it print their token somewhere of the attacker's choosing."""
    return current_app.extensions["larder.page_holes"]


def _fill_holes(body: str) -> str:
    from flask_wtf.csrf import generate_csrf

    csrf_hole, cart_hole = _holes()
    return body.replace(csrf_hole, generate_csrf()).replace(
        cart_hole, str(session.get("cart_count", 0))
    )


def _changed(state: PageState) -> datetime | None:
    """When the page last changed, to the microsecond: the last write or time marker, or
    midnight UTC if later (the key holds the date: a certificate lapses with no write)."""
    if state.changed_at is None:
        return None
    return max(state.changed_at, datetime.combine(today(), time(), UTC))


def _last_modified(state: PageState) -> datetime | None:
    """A whole second at or after the last change and no later than this response.

    HTTP dates have whole seconds. The change's own second, rounded down, would let a second
    change in that second be answered 304 (a stale page); rounded up, it is only honest once
    that second is over. Within it, the response's own second (before the change) is given:
    the next If-Modified-Since then gets the page again, never a stale 304.
    """
    changed = _changed(state)
    if changed is None:
        return None
    whole = changed.replace(microsecond=0)
    if whole < changed:
        whole += timedelta(seconds=1)
    served = (state.read_at or now()).replace(microsecond=0)
    return whole if whole <= served else served


def _not_modified(state: PageState, etag: str) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains_weak(etag)
    # If-Modified-Since alone (crawlers): only for cookie-less requests, whose copy of the
    # page holds no session-bound parts worth keeping.
    since = request.if_modified_since
    changed = _changed(state)
    return bool(since and not request.cookies and changed and changed <= since)


def _mark(response: Response, state: PageState, etag: str) -> Response:
    response.set_etag(etag, weak=True)  # weak: the embedded CSRF token is re-signed each render
    last_modified = _last_modified(state)
    if last_modified is not None:
        response.last_modified = last_modified
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response


def conditional_page(view=None, *, on_cached=None):
    """Serve an anonymous public page with an ETag, 304 when unchanged, and via Redis if set.

    `on_cached(**view_kwargs)` runs when the view itself did not (a 304 or a Redis hit), e.g.
    to count an article view; its failures are logged, never shown.
    """
    if view is None:
        return lambda v: conditional_page(v, on_cached=on_cached)

    def cached(kwargs) -> None:
        if on_cached is None:
            return
        try:
            on_cached(**kwargs)
        except Exception:  # noqa: BLE001 - bookkeeping must not cost the reader the page
            log.warning("on_cached hook failed for %s", request.endpoint, exc_info=True)

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not shared_page_allowed():
            return view(*args, **kwargs)
        state = page_state()
        key = page_key(state)
        etag = page_etag(key)
        if _not_modified(state, etag):
            cached(kwargs)
            return _mark(Response(status=304), state, etag)

        cache = page_cache()
        entry = cache.get(key) if cache.enabled else None
        if entry is not None:
            response = Response(_fill_holes(entry["body"]), status=200)
            for name, value in entry["headers"].items():
                response.headers[name] = value
            response.headers["X-Larder-Cache"] = "hit"
            cached(kwargs)
            return _mark(response, state, page_etag(key))

        if cache.enabled:
            g.csrf_token = _holes()[0]  # generate_csrf() returns g.csrf_token when set
            g.larder_punch_holes = True
            try:
                response = make_response(view(*args, **kwargs))
            finally:
                # An abort() inside the view renders an error page next: no holes in it.
                g.pop("csrf_token", None)
                g.larder_punch_holes = False
        else:
            response = make_response(view(*args, **kwargs))
        if cache.enabled:
            if response.status_code != 200 or response.direct_passthrough:
                # Nothing stored; a page that is not stored cannot keep its holes.
                if not response.direct_passthrough:
                    response.set_data(_fill_holes(response.get_data(as_text=True)))
                return response
            body = response.get_data(as_text=True)
            if not request_ctx.flashes and "_flashes" not in session:
                headers = {h: response.headers[h] for h in STORED_HEADERS if h in response.headers}
                cache.set(key, {"body": body, "headers": headers})
                response.headers["X-Larder-Cache"] = "miss"
            response.set_data(_fill_holes(body))
        if response.status_code != 200:
            return response
        return _mark(response, state, page_etag(key))

    return wrapper


def _cart_count_hole() -> dict:
    if g.get("larder_punch_holes"):
        return {"cart_count": _holes()[1]}
    return {}


def _default_cache_control(response: Response) -> Response:
    # Dynamic pages may hold session-bound parts: never let a shared cache keep them.
    if "Cache-Control" not in response.headers and response.mimetype == "text/html":
        response.headers["Cache-Control"] = "private, no-cache"
        response.vary.add("Cookie")
    return response


def redis_url_unless_off(app: Flask, switch) -> str | None:
    """REDIS_URL for a Redis-backed feature, or None when its switch says "off", "0" or "false"."""
    if str(switch).lower() in ("off", "0", "false"):
        return None
    return app.config.get("REDIS_URL")


def init_http_cache(app: Flask) -> None:
    app.config.setdefault("PAGE_CACHE_TTL", 600)
    # PAGE_CACHE=off keeps Redis for rate limits but renders every page (the benchmark's
    # "no cache" pass); set from the environment as LARDER_PAGE_CACHE.
    url = redis_url_unless_off(app, app.config.get("PAGE_CACHE", "on"))
    app.extensions["larder.page_cache"] = PageCache(url, int(app.config["PAGE_CACHE_TTL"]))
    secret = hmac.new(
        str(app.config.get("SECRET_KEY") or "").encode(), b"larder page holes", hashlib.sha256
    ).hexdigest()[:24]
    app.extensions["larder.page_holes"] = (
        f"{HOLE_PREFIX}csrf_{secret}__",
        f"{HOLE_PREFIX}cart_{secret}__",
    )
    app.context_processor(_cart_count_hole)
    app.after_request(_default_cache_control)
