"""Computed fragments of pages (a listing's facet counts) in Redis, keyed like the page cache.

The page cache keeps whole pages per URL; a fragment outlives the URL that computed it. A
listing's facet counts are the same for every sort order and every page of one set of filters,
and at 100,000 products they are most of the listing's SQL time (aggregates over every match),
so they are stored once per *catalog version and time markers*, with the dependency tags
declared while computing them and the change sequence read before (like pages,
storefront.caching.tags): a write to a product the fragment counts stamps one of its tags and
the fragment is computed again; a certificate starting or lapsing changes the time markers; a
stale count is never served. A page using a fragment depends on the fragment's tags, whether it
was computed or read.

Only with REDIS_URL (and LARDER_FRAGMENT_CACHE not "off"); every Redis failure is a miss and
the fragment is computed as if there were no cache.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, has_request_context

from storefront.caching.store import PageCache, redis_url_unless_off
from storefront.caching.tags import collecting, depend_on, fresh_at
from storefront.caching.version import page_state
from storefront.config import DEFAULT_PAGE_CACHE_TTL
from storefront.state import larder_state

T = TypeVar("T")
FRAGMENT_PREFIX = "larder:fragment:"


def fragment_key(name: str, parts: Any) -> str:
    """Same for every request asking for this fragment while the catalog and the time markers
    (a certificate starting or lapsing: storefront.catalog.certificate_days) are unchanged."""
    state = page_state()
    raw = json.dumps([state.version, state.markers, name, parts], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def cached_fragment(
    name: str,
    parts: Any,
    compute: Callable[[], T],
    dump: Callable[[T], Any],
    load: Callable[[Any], T],
    refresh: bool = False,
    ttl: int | None = None,
    key: str | None = None,
) -> T:
    """The fragment from Redis when stored under this version and these markers, else computed
    and stored.

    `parts` identifies the fragment within `name` (JSON-serialisable); `dump` / `load` turn the
    value into JSON data and back. `refresh`: compute and store it whatever is stored. `ttl`:
    seconds to keep it, for a fragment whose tags do not cover everything it depends on (the
    store's lifetime, PAGE_CACHE_TTL, when None). `key`: fragment_key(name, parts), when the
    caller has it already (hashing the parts twice was measurable on a kept page's every hit).
    """
    store = fragment_store()
    if not store.enabled or not has_request_context():
        return compute()
    key = key or fragment_key(name, parts)
    state = page_state()
    if not refresh:
        kept = _fresh(store.get(key), load)
        if kept is not None:
            return kept[0]
    with collecting() as collector:
        value = compute()
    depend_on(*collector.tags)
    store.set(key, _entry(dump(value), state.seq, collector.tags), ttl)
    return value


def kept_fragment(name: str, parts: Any, load: Callable[[Any], T]) -> tuple[T] | None:
    """The fragment as `cached_fragment` would give it when it is stored and fresh, as a 1-tuple;
    None when it would have to be computed (or there is no store)."""
    return _fresh(_stored_entry(name, parts), load)


def _fresh(stored: Any, load: Callable[[Any], T]) -> tuple[T] | None:
    """A stored entry's value (the page then depends on its tags) unless a tag was stamped since."""
    if stored is None:
        return None
    try:
        seq, tags = int(stored["seq"]), list(stored["tags"])
        if fresh_at(tags, seq, page_state()):
            value = load(stored["value"])
            depend_on(*tags)
            return (value,)
    except (KeyError, TypeError, ValueError):
        pass  # an entry of an older shape: compute it again
    return None


def _entry(data: Any, seq: int, tags) -> dict:
    """A stored fragment: its data, the change sequence read before computing it, its tags."""
    return {"value": data, "seq": seq, "tags": sorted(set(tags))}


def store_fragment(name: str, parts: Any, value: Any, tags: list[str]) -> None:
    """Store a fragment computed as a by-product of another read in this request (its data after
    `dump`, the tags it depends on): the next `cached_fragment(name, parts, ...)` reads it."""
    store = fragment_store()
    if store.enabled and has_request_context():
        store.set(fragment_key(name, parts), _entry(value, page_state().seq, tags))


def stored_fragment(name: str, parts: Any) -> Any:
    """The fragment's data as stored, fresh or not (None when none is): a hint for how to compute
    something else, never a value to show."""
    stored = _stored_entry(name, parts)
    return stored.get("value") if isinstance(stored, dict) else None


def _stored_entry(name: str, parts: Any) -> Any:
    """The entry stored under this fragment's key, as read (None without a store or request)."""
    store = fragment_store()
    if not store.enabled or not has_request_context():
        return None
    return store.get(fragment_key(name, parts))


def fragment_store() -> PageCache:
    """The Redis store for fragments (`.enabled` is False without Redis)."""
    return larder_state().fragment_cache


def init_fragments(app: Flask) -> None:
    url = redis_url_unless_off(app, app.config.get("FRAGMENT_CACHE", "on"))
    ttl = int(app.config.get("PAGE_CACHE_TTL", DEFAULT_PAGE_CACHE_TTL))
    larder_state(app).fragment_cache = PageCache(url, ttl, prefix=FRAGMENT_PREFIX)
