"""Redis stores for rendered pages and computed fragments: every failure is a miss.

Only when REDIS_URL is set (and the feature's switch is not "off"); a down server is left
alone a while (storefront.caching.guarded_redis) and pages render as if there were no cache.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import Flask, has_request_context

from storefront.caching.guarded_redis import GuardedRedis
from storefront.state import request_state

log = logging.getLogger(__name__)

PAGE_CACHE_PREFIX = "larder:page:"


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
        name = self.prefix + key
        prefetched = request_state().prefetched if has_request_context() else {}
        try:
            raw = prefetched.pop(name) if name in prefetched else self._redis().get(name)
        except Exception as exc:  # noqa: BLE001 - any Redis trouble is a cache miss
            self._failed(exc)
            return None
        if raw is None:
            return None
        try:
            return json.loads(raw)
        except ValueError:
            return None

    def prefetch(self, keys: list[str], others: tuple[PageCache, list[str]] | None = None) -> None:
        """Read these entries in one round trip; this request's next `get` of each takes it from
        there (once: a later `get` reads Redis again). `others`: another store's entries read in
        the same round trip when both are on one Redis database (else they are left unread).
        Entries already read ahead are not read again."""
        if not has_request_context() or not self._available():
            return
        prefetched = request_state().prefetched
        names = [self.prefix + key for key in keys]
        if others is not None and others[0].url == self.url:
            names += [others[0].prefix + key for key in others[1]]
        names = [name for name in dict.fromkeys(names) if name not in prefetched]
        if not names:
            return
        try:
            raws = self._redis().mget(names)
        except Exception as exc:  # noqa: BLE001
            self._failed(exc)
            return
        prefetched.update(zip(names, raws, strict=True))

    def set(self, key: str, entry: Any, ttl: int | None = None) -> None:
        """Store `entry` for `ttl` seconds (the store's own lifetime when None)."""
        if not self._available():
            return
        if has_request_context():
            request_state().prefetched.pop(self.prefix + key, None)  # read ahead of this write
        try:
            self._redis().set(self.prefix + key, json.dumps(entry), ex=ttl or self.ttl)
        except Exception as exc:  # noqa: BLE001
            self._failed(exc)


def redis_url_unless_off(app: Flask, switch) -> str | None:
    """REDIS_URL for a Redis-backed feature, or None when its switch says "off", "0" or "false"."""
    if str(switch).lower() in ("off", "0", "false"):
        return None
    return app.config.get("REDIS_URL")
