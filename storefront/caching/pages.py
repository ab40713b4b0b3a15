"""Conditional GET and the Redis page store for public pages.

A page's key = catalog version (storefront.caching.version) + time markers (the blog's "latest
scheduled article now due": it goes live with no write; the certificate days: a certificate is
valid by the day) + the URL. The stored page also keeps the dependency tags it declared
while rendering and the change sequence read before it (storefront.caching.tags): a write to a
narrow table (a product, its stock) makes stale only the pages with one of its tags. Its ETag
adds that sequence and the visitor's session (CSRF token, cart count), because the page embeds
both: a 304 is only ever an answer about *this* visitor's copy. Without Redis (no stored tags)
the ETag holds the current sequence: any narrow write anywhere changes it.
Pages with flashed messages are never cached or answered with 304. Signed-in visitors are served
like everyone else: their ETag holds their session, their header's account links are a hole.

The Redis store (only when REDIS_URL is set) keeps the rendered page with three holes punched
in it (storefront.caching.holes) so one copy serves every visitor. Redis errors are
logged and the page is rendered as if there were no cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, datetime, time, timedelta
from functools import wraps

from flask import Flask, Response, current_app, g, make_response, request, session
from flask.globals import request_ctx

from storefront.caching import late
from storefront.caching.holes import fill_holes, holes, init_holes
from storefront.caching.store import PageCache, redis_url_unless_off
from storefront.caching.tags import collecting, fresh_at, stamped_since
from storefront.caching.version import PageState, page_state
from storefront.clock import now, today
from storefront.config import DEFAULT_PAGE_CACHE_TTL
from storefront.state import larder_state

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- who may be cached


def shared_page_allowed() -> bool:
    """A GET without flashed messages: the page is the same for every visitor, signed in or not.

    Public pages show nothing of the visitor but the three holes (CSRF token, cart count,
    account links), filled in per response; a signed-in customer is served the stored copy too.
    """
    if request.method not in ("GET", "HEAD"):
        return False
    return "_flashes" not in session


def page_key(state: PageState) -> str:
    """Same for every visitor of this URL while the catalog is unchanged.

    Time enters only where pages depend on it, through the time markers: an article scheduled
    for 09:00 is live from 09:00; a certificate starting or lapsing changes the keys on that
    day only (storefront.catalog.certificate_days), not every midnight. No clock buckets:
    every page's entry does not expire at the same instant, so no stampede of renders when a
    bucket rolls over.
    """
    raw = f"{state.version}|{state.markers}|{request.endpoint}|{request.full_path}"
    return hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest()


def _visitor_fingerprint() -> str:
    # The page embeds the visitor's CSRF token and cart count (both in the session); any
    # session change gives a new ETag. Cookies other than the session (e.g. a cart token) too.
    session_cookie = current_app.config.get("SESSION_COOKIE_NAME", "session")
    other_cookies = sorted((k, v) for k, v in request.cookies.items() if k != session_cookie)
    links = _account_links_state()  # first: a revoked login leaves the session
    payload = json.dumps([dict(session), other_cookies, links], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _account_links_state() -> list[bool]:
    """What the header's account links show (a signed-in session whose login was revoked, or whose
    account became staff, keeps its cookie but not its links). Loads the user only when the session
    names one."""
    if "_user_id" not in session:
        return []
    from flask_login import current_user

    return [bool(current_user.is_authenticated), bool(getattr(current_user, "is_staff", False))]


def page_etag(key: str, seq: int, parts: str = "") -> str:
    """The page as the visitor has it: its key, the sequence it was made at, what its late
    parts show (storefront.caching.late) and the visitor's session."""
    return hashlib.sha256(f"{key}|{seq}|{parts}|{_visitor_fingerprint()}".encode()).hexdigest()[:32]


def fresh_entry(entry, state: PageState) -> bool:
    """A stored page whose tags were stamped by no write after it read its data (no query when
    no narrow write happened at all since)."""
    try:
        seq, tags = int(entry["seq"]), entry["tags"]
    except (KeyError, TypeError, ValueError):
        return False  # an entry of an older shape
    return fresh_at(tags, seq, state)


def _why_stale(entry) -> str:
    """The tags stamped since a stored page was made, ids left out ("product:*"), for the bench
    (PAGE_CACHE_EXPLAIN): which writes make repeat visits miss. One more query per such miss."""
    try:
        tags = stamped_since(entry["tags"], int(entry["seq"]))
    except (KeyError, TypeError, ValueError):
        return "older entry"
    families = sorted({tag.split(":", 1)[0] + (":*" if ":" in tag else "") for tag in tags})
    return " ".join(families) or "expired marker"


# ---------------------------------------------------------------- the decorator

STORED_HEADERS = ("Content-Type", "X-Larder-Frameable", "Content-Language")


def _changed(state: PageState) -> datetime | None:
    """When the page last changed, to the microsecond: the last write or time marker, or
    midnight UTC if later (a certificate lapses at midnight with no write; its time marker is
    a day, not a moment, so every page says it may have changed since midnight)."""
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
    """Serve a public page with an ETag, 304 when unchanged, and via Redis if set.

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
        cache = page_cache()
        entry = None
        if cache.enabled:
            late.read_with_its_parts(cache, key)
            entry = cache.get(key)
        why_stale = None
        if entry is not None and not fresh_entry(entry, state):
            if current_app.config.get("PAGE_CACHE_EXPLAIN"):
                why_stale = _why_stale(entry)
            entry = None
        parts: list = []
        if entry is not None and entry.get("late"):
            parts = late.render_stored(entry["late"], read_with=(cache, key))
            if parts is None:  # a part no longer fits the page built around it
                why_stale, entry, parts = "late-part-shape", None, []
        # The sequence the visitor's copy was made at: the stored page's, else (about to be
        # rendered, or no Redis) the current one; and what its late parts show.
        seq = int(entry["seq"]) if entry is not None else state.seq
        etag = page_etag(key, seq, late.digest(parts))
        # (With no stored copy the parts are not known yet: this ETag has none, and a copy
        # rendered with late parts can only match it again once stored.)
        if _not_modified(state, etag):
            cached(kwargs)
            return _mark(Response(status=304), state, etag)

        if entry is not None:
            response = Response(fill_holes(late.fill(entry["body"], parts)), status=200)
            for name, value in entry["headers"].items():
                response.headers[name] = value
            response.headers["X-Larder-Cache"] = "hit"
            cached(kwargs)
            return _mark(response, state, etag)

        with collecting() as collector:
            if cache.enabled:
                g.csrf_token = holes()[0]  # generate_csrf() returns g.csrf_token when set
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
                    response.set_data(fill_holes(late.fill(response.get_data(as_text=True), late.rendered_parts())))
                return response
            body = response.get_data(as_text=True)
            parts = late.rendered_parts()
            if not request_ctx.flashes and "_flashes" not in session:
                headers = {h: response.headers[h] for h in STORED_HEADERS if h in response.headers}
                entry = {"body": body, "headers": headers, "seq": state.seq, "tags": sorted(collector.tags)}
                if parts:
                    entry["late"] = late.to_entry(parts)
                    late.remember_parts_of(cache, key, [(part.name, part.args) for part, _ in parts])
                cache.set(key, entry)
                response.headers["X-Larder-Cache"] = "miss"
                if why_stale is not None:
                    response.headers["X-Larder-Stale"] = why_stale
            response.set_data(fill_holes(late.fill(body, parts)))
        if response.status_code != 200:
            return response
        # The render may have set the session.
        return _mark(response, state, page_etag(key, seq, late.digest(parts)))

    wrapper.public_page = True  # read by the rate limiter's filter (storefront.extensions)
    return wrapper


def _default_cache_control(response: Response) -> Response:
    # Dynamic pages may hold session-bound parts: never let a shared cache keep them.
    if "Cache-Control" not in response.headers and response.mimetype == "text/html":
        response.headers["Cache-Control"] = "private, no-cache"
        response.vary.add("Cookie")
    return response


def page_cache() -> PageCache:
    return larder_state().page_cache


def init_pages(app: Flask) -> None:
    app.config.setdefault("PAGE_CACHE_TTL", DEFAULT_PAGE_CACHE_TTL)
    # PAGE_CACHE=off keeps Redis for rate limits but renders every page (the benchmark's
    # "no cache" pass); set from the environment as LARDER_PAGE_CACHE.
    url = redis_url_unless_off(app, app.config.get("PAGE_CACHE", "on"))
    larder_state(app).page_cache = PageCache(url, int(app.config["PAGE_CACHE_TTL"]))
    init_holes(app)
    app.after_request(_default_cache_control)
