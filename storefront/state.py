"""What Larder keeps on the app and on each request, as typed attributes of one object each.

`app.extensions["larder"]` holds a LarderState, `request.environ["larder"]` a RequestState:
a misspelt attribute fails at once (and in the type checker), where a misspelt string key
silently read a default. Per-request state lives on the WSGI environ, not on `g`: an app
context can outlive a request (tests, CLI commands that render pages).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app, request

if TYPE_CHECKING:
    from sqlalchemy import Engine, TextClause
    from werkzeug.routing import MapAdapter

    from storefront.caching.registry import VersionedTable
    from storefront.caching.store import PageCache
    from storefront.caching.version import PageState
    from storefront.site_settings import SiteSettings

APP_KEY = "larder"
REQUEST_KEY = "larder"


@dataclass
class LarderState:
    """Set up by create_app and the packages' init_app; read by requests."""

    # caching: the Redis stores (disabled without REDIS_URL) and the page holes' placeholders
    page_cache: PageCache | None = None
    fragment_cache: PageCache | None = None
    page_holes: tuple[str, str, str] = ("", "", "")
    # caching: what each package registered (tables whose writes bump the version, rows read
    # with the version, moments when pages change with time alone)
    versioned_tables: dict[str, VersionedTable] = field(default_factory=dict)
    page_state_sources: dict[str, str] = field(default_factory=dict)
    time_markers: dict[str, str] = field(default_factory=dict)
    # caching: parts of stored pages rendered again on every response (storefront.caching.late)
    late_parts: dict[str, Any] = field(default_factory=dict)
    late_parts_per_url: set[str] = field(default_factory=set)  # late parts whose links keep the URL's arguments
    # caching: built on first use
    version_engine: Engine | None = None
    page_state_statement: TextClause | None = None
    page_state_binds: tuple[str, ...] = ()  # which of :now and :today it takes
    driver_statements: dict[Any, Any] = field(default_factory=dict)  # statements compiled once (caching.version)
    # caching.late: per stored entry's key (a page's, kept pieces'), the late parts it held when
    # last read, read with it next time in one round trip; emptied when full
    late_parts_read_with: dict[str, list] = field(default_factory=dict)
    # caching.tags: stored entries found fresh at one page state, (version, seq, entries); replaced whole
    fresh_memo: tuple[str, int, set] = ("", -1, set())
    # storefront.catalog.card_html: product tiles remembered by content (TileMemo)
    tiles: Any = None
    # storefront.hooks: what other packages add to storefront pages and commands
    product_extras: list[Any] = field(default_factory=list)
    sitemap_sources: list[Any] = field(default_factory=list)
    # storefront.site_urls: (SITE_URL, the URL map bound to it)
    site_url_adapter: tuple[str, MapAdapter] | None = None
    # storefront.static_files: plain name -> fingerprinted name
    static_manifest: dict[str, str] = field(default_factory=dict)


@dataclass
class RequestState:
    """Read at most once per request."""

    page_state: PageState | None = None
    site_settings: SiteSettings | None = None
    site_settings_saved: bool = False  # saved in this request: read them again, not the page state
    # storefront.catalog.card_html: this page's CSRF token and way back, filled into remembered tiles
    tile_filling: tuple[str, str] | None = None
    # storefront.caching.pieces: while a page's pieces are rendered for every visitor, what turns
    # links to this page (`url_with`) and late parts into holes; None otherwise
    piece_holes: Any = None
    # storefront.caching.store: entries read ahead in one round trip (key -> raw value), each
    # taken by the next read of its key
    prefetched: dict[str, Any] = field(default_factory=dict)
    # storefront.caching.late: each late part's fragment key, worked out once (JSON call -> key)
    late_part_keys: dict[str, str] = field(default_factory=dict)


def larder_state(app: Flask | None = None) -> LarderState:
    """The app's state (the current app's by default), made on first use."""
    extensions = (app or current_app).extensions
    state = extensions.get(APP_KEY)
    if state is None:
        state = extensions[APP_KEY] = LarderState()
    return state


def request_state() -> RequestState:
    """This request's state, made on first use (needs a request context)."""
    environ = request.environ
    state = environ.get(REQUEST_KEY)
    if state is None:
        state = environ[REQUEST_KEY] = RequestState()
    return state
