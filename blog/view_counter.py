"""Article views counted in Redis and written to article_view in batches.

An upsert and a COMMIT on every article read halved the article page's throughput, cached
reads included. With REDIS_URL set, a view is one round trip to Redis instead: HINCRBY on a
hash of pending counts (field "day|slug"; by slug, so a page served from cache needs no
query), plus a SET NX EX that elects the request which flushes next. No SQL at all; and with
the tally below, not even that round trip on most views.

Flushing moves the pending counts into article_view (one select of ids, one multi-row upsert:
blog.services.add_article_views_by_slug). It happens
  - after the response of the request that wins the flush lock, at most once every
    VIEW_FLUSH_INTERVAL seconds across all instances (the lock is never released: it expires);
  - before the dashboard reads the counts, so staff see current numbers;
  - on `flask larder flush-views`.

Nothing is lost or counted twice: a flush atomically renames the pending hash to a key of its
own (views arriving meanwhile start a fresh pending hash), writes it in one transaction, then
deletes it. A failed write adds the counts back to pending. The taken key is listed in an
in-flight index until deleted; one still there after STALE_AFTER seconds belongs to a worker
killed mid-flush and goes back to pending. (Redis failing in the instant between the COMMIT
and that delete would count a batch twice; losing every crashed flush is the worse trade.)

Each process tallies its views for VIEW_PUSH_SECONDS (1 s) before sending them: the round trip
per view was 13% of a rendered article's time (0.2 of 1.5 ms in-process). The tally is sent in
one pipeline by the first request to end after that (any page: a worker that stops serving
articles does not sit on its views), before a flush (the dashboard shows this process's views
at once) and when the process exits. A worker killed outright loses at most that second of its
views; views are an attribution figure, not money. With VIEW_PUSH_SECONDS = 0 every view is its
own round trip.

Without REDIS_URL, or while Redis fails (then left alone RETRY_AFTER seconds, as the page cache
does), a view is written straight to the database as before; a tally Redis does not take is
written there too.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date

from flask import Flask, after_this_request, current_app, has_request_context
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from blog.services import (
    add_article_views_by_slug,
    record_article_view,
    record_article_view_by_slug,
)
from storefront.caching.guarded_redis import GuardedRedis
from storefront.clock import today

log = logging.getLogger(__name__)

PREFIX = "larder:views:"
PENDING = PREFIX + "pending"  # hash "YYYY-MM-DD|slug" -> views not yet in the database
FLUSH_LOCK = PREFIX + "flush-lock"
IN_FLIGHT = PREFIX + "in-flight"  # sorted set: taken key -> Unix time it was taken
TAKEN = PREFIX + "taken:"
EXTENSION = "larder.view_counter"
# A process sends its tally early when it holds views of this many (day, article) pairs.
TALLY_LIMIT = 500

# Take the pending hash whole: rename it and note it as in flight, in one atomic step.
TAKE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return {} end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('ZADD', KEYS[3], ARGV[1], KEYS[2])
return redis.call('HGETALL', KEYS[2])
"""
# Add a taken hash back to pending and forget it, atomically (a failed or abandoned flush).
GIVE_BACK = """
local counts = redis.call('HGETALL', KEYS[1])
for i = 1, #counts, 2 do redis.call('HINCRBY', KEYS[2], counts[i], counts[i + 1]) end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[3], KEYS[1])
return #counts / 2
"""


@dataclass(frozen=True)
class FlushResult:
    views: int = 0  # written to article_view
    articles: int = 0
    dropped: int = 0  # views of slugs that are not public articles
    error: str | None = None  # why nothing was flushed; the counts are kept


class ViewCounter(GuardedRedis):
    """Pending view counts in Redis; a failing Redis is left alone RETRY_AFTER seconds."""

    # Above the page cache's 0.1 s: a busy Redis that times out costs the reader a database
    # write and may count that view twice (the increment may have landed).
    TIMEOUT = 0.25
    LABEL = "View counter"
    FALLBACK = "counting in the database"
    LOG = log
    STALE_AFTER = 3600.0  # far beyond any flush: gunicorn kills a worker after 30 s

    def __init__(
        self, url: str | None, interval: int, push_seconds: float = 0.0, app: Flask | None = None
    ) -> None:
        super().__init__(url)
        self.interval = max(int(interval), 1)
        self.push_seconds = max(float(push_seconds), 0.0)
        self._app = app
        self._tally: dict[str, int] = {}  # "day|slug" -> views this process has not sent yet
        self._tally_since = 0.0
        self._lock = threading.Lock()  # gthread workers count from several threads

    def count(self, slug: str) -> bool:
        """Add one view of `slug` today; False when Redis did not take it (count it elsewhere)."""
        if not self._available():
            return False
        field = f"{today().isoformat()}|{slug}"
        if self.push_seconds <= 0:
            sent, flush_due = self._send({field: 1})
            if flush_due:
                _flush_after_response()
            return sent
        with self._lock:
            if not self._tally:
                self._tally_since = time.monotonic()
            self._tally[field] = self._tally.get(field, 0) + 1
            full = len(self._tally) >= TALLY_LIMIT
        if full and self.push_tally():
            _flush_after_response()
        return True

    def push_due(self) -> bool:
        """This process holds views counted push_seconds ago or more."""
        return bool(self._tally) and time.monotonic() - self._tally_since >= self.push_seconds

    def push_tally(self) -> bool:
        """Send the views this process holds to Redis's pending hash, in one round trip; when Redis
        fails, write them to the database instead. True when this process should flush next."""
        with self._lock:
            counts, self._tally = self._tally, {}
        if not counts:
            return False
        if self._available():
            sent, flush_due = self._send(counts)
            if sent:
                return flush_due
        if self._app is None:
            _write_to_database(counts)
        else:  # a session of its own: never commit the request's
            with self._app.app_context():
                _write_to_database(counts)
        return False

    def _send(self, counts: dict[str, int]) -> tuple[bool, bool]:
        """HINCRBY each count into the pending hash, bid for the flush lock: (sent, flush due)."""
        try:
            pipe = self._redis().pipeline(transaction=False)
            for field, views in counts.items():
                pipe.hincrby(PENDING, field, views)
            pipe.set(FLUSH_LOCK, "1", nx=True, ex=self.interval)
            *_, flush_due = pipe.execute()
        except RedisError as exc:
            self._failed(exc)
            return False, False
        return True, bool(flush_due)

    def push_at_exit(self) -> None:
        """A worker stopping sends what it holds (gunicorn's graceful stop runs exit handlers)."""
        self.push_tally()

    def flush(self) -> FlushResult:
        """Move every pending count into article_view."""
        if not self.enabled:  # views went straight to the database: nothing is pending
            return FlushResult()
        self.push_tally()  # this process's own views first: the dashboard shows them at once
        if not self._available():
            return FlushResult(error="Redis is unavailable; pending views are kept")
        client = self._redis()
        taken = f"{TAKEN}{uuid.uuid4().hex}"
        try:
            self._give_back_abandoned(client)
            raw = client.eval(TAKE, 3, PENDING, taken, IN_FLIGHT, time.time())
        except RedisError as exc:
            self._failed(exc)
            return FlushResult(error=f"Redis is unavailable ({exc}); pending views are kept")
        if not raw:  # nothing pending: nothing was taken
            return FlushResult()
        counts = _parse(raw)
        total = sum(counts.values())
        try:
            written = add_article_views_by_slug(counts) if counts else {}
        except SQLAlchemyError as exc:
            log.warning("could not write %d buffered views; kept for later", total, exc_info=True)
            self._give_back(client, taken)
            return FlushResult(error=f"the database write failed ({type(exc).__name__}); kept")
        try:
            client.pipeline().delete(taken).zrem(IN_FLIGHT, taken).execute()
        except RedisError:
            log.error(
                "views of %s are in the database but still in Redis: delete the key, or they "
                "count again after %d s", taken, self.STALE_AFTER, exc_info=True,
            )
        views = sum(written.values())
        return FlushResult(views=views, articles=len(written), dropped=total - views)

    def _give_back(self, client, taken: str) -> None:
        try:
            client.eval(GIVE_BACK, 3, taken, PENDING, IN_FLIGHT)
        except RedisError as exc:
            # Still listed in flight: a later flush gives it back after STALE_AFTER.
            self._failed(exc)

    def _give_back_abandoned(self, client) -> None:
        for key in client.zrangebyscore(IN_FLIGHT, "-inf", time.time() - self.STALE_AFTER):
            returned = client.eval(GIVE_BACK, 3, key, PENDING, IN_FLIGHT)
            log.warning("gave %s counts of an abandoned flush (%s) back to pending", returned, key)


def _parse(raw: list[bytes]) -> dict[tuple[str, date], int]:
    """HGETALL's flat [field, value, ...] as {(slug, day): views}."""
    pairs = zip(raw[::2], raw[1::2], strict=True)
    return _parse_fields((field.decode(), value) for field, value in pairs)


def _parse_fields(items) -> dict[tuple[str, date], int]:
    """("day|slug", views) pairs as {(slug, day): views}."""
    counts: dict[tuple[str, date], int] = {}
    for field, value in items:
        day, _, slug = field.partition("|")
        try:
            key = (slug, date.fromisoformat(day))
            counts[key] = counts.get(key, 0) + int(value)
        except ValueError:
            log.warning("ignoring a malformed pending view count %r", field)
    return counts


def _flush_after_response() -> None:
    """Flush once this request's response has gone out (off the reader's critical path);
    outside a request, flush now."""
    if not has_request_context():
        view_counter().flush()
        return
    app = current_app._get_current_object()

    @after_this_request
    def _on_close(response):
        response.call_on_close(lambda: _flush_in_app(app))
        return response


def _flush_in_app(app: Flask) -> None:
    # Runs after the request's contexts are gone: a context (and session) of its own.
    try:
        with app.app_context():
            result = view_counter().flush()
    except Exception:  # noqa: BLE001 - the reader already has the page; just say so
        log.warning("flushing buffered article views failed", exc_info=True)
        return
    if result.error:
        log.warning("buffered article views not flushed: %s", result.error)


def view_counter() -> ViewCounter:
    """This app's counter, made on first use from REDIS_URL, VIEW_FLUSH_INTERVAL and
    VIEW_PUSH_SECONDS."""
    counter = current_app.extensions.get(EXTENSION)
    if counter is None:
        config = current_app.config
        counter = ViewCounter(
            config.get("REDIS_URL"),
            config.get("VIEW_FLUSH_INTERVAL", 60),
            config.get("VIEW_PUSH_SECONDS", 0),
            app=current_app._get_current_object(),
        )
        counter = current_app.extensions.setdefault(EXTENSION, counter)
        if counter.push_seconds > 0:
            atexit.register(counter.push_at_exit)
    return counter


def push_views_if_due(response):
    """After any request (after_request): send this process's tally once it is push_seconds
    old, so a worker that stops serving articles does not sit on its views."""
    counter = current_app.extensions.get(EXTENSION)
    if counter is not None and counter.push_due() and counter.push_tally():
        app = current_app._get_current_object()
        response.call_on_close(lambda: _flush_in_app(app))
    return response


def _write_to_database(counts: dict[str, int]) -> None:
    """Views Redis did not take, written now (as a view is without Redis)."""
    try:
        add_article_views_by_slug(_parse_fields(counts.items()))
    except SQLAlchemyError:
        views = sum(counts.values())
        log.error("could not write %d article views held by this process", views, exc_info=True)


def count_view(slug: str, article_id: int | None = None) -> None:
    """Count one view of a public article: in Redis when it can, else in the database now."""
    if view_counter().count(slug):
        return
    if article_id is not None:
        record_article_view(article_id)
    else:
        record_article_view_by_slug(slug)


def flush_views() -> FlushResult:
    """Write every pending view to the database (a no-op without REDIS_URL)."""
    return view_counter().flush()
