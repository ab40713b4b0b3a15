"""A Redis client for optional features: made on first use, and left alone a while after a failure.

The page cache, the fragment cache and the article view counter all treat Redis as optional:
with REDIS_URL unset they are off, and when Redis fails they fall back (a cache miss, a view
written to the database) instead of failing the request, then leave Redis alone for
RETRY_AFTER seconds rather than waiting on a dead server's timeout on every request.
"""

from __future__ import annotations

import logging
import time

log = logging.getLogger(__name__)


class GuardedRedis:
    """Subclasses set TIMEOUT (seconds per Redis call), and LABEL, FALLBACK (what happens
    instead) and LOG (their module's logger) for the warning a failure logs."""

    RETRY_AFTER = 30.0
    TIMEOUT = 0.1
    LABEL = "Redis client"
    FALLBACK = "carrying on without it"
    LOG = log

    def __init__(self, url: str | None) -> None:
        self.url = url
        self._client = None
        self._down_until = 0.0

    @property
    def enabled(self) -> bool:
        return bool(self.url)

    def _redis(self):
        if self._client is None:
            import redis

            self._client = redis.Redis.from_url(
                self.url, socket_timeout=self.TIMEOUT, socket_connect_timeout=self.TIMEOUT
            )
        return self._client

    def _available(self) -> bool:
        return self.enabled and time.monotonic() >= self._down_until

    def _failed(self, exc: Exception) -> None:
        self.LOG.warning("%s: Redis unavailable (%s); %s", self.LABEL, exc, self.FALLBACK)
        self._down_until = time.monotonic() + self.RETRY_AFTER
