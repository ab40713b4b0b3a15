"""Article views are buffered in Redis and reach article_view only when flushed: exactly once,
never lost, and straight to the database when Redis is missing.

Uses the real Redis (tests/fixtures/redis_server.py), database 14 (emptied around each test), with the app set
up as deployed: REDIS_URL set and the page cache on.
"""

from __future__ import annotations

import logging
import re
import time

import pytest
import redis
from flask import g
from sqlalchemy import event, func, select

import blog.view_counter as view_counter_module
from blog.models import ArticleView
from blog.services import unpublish_article
from blog.view_counter import EXTENSION, FLUSH_LOCK, PENDING, count_view, flush_views, view_counter
from storefront.caching.store import PageCache
from storefront.clock import today
from storefront.extensions import db
from storefront.state import larder_state
from tests.blog.helpers import make_article
from tests.factories import make_user
from tests.fixtures.redis_server import redis_url

REDIS_URL = redis_url(14)


def _use_redis(app, url: str, push_seconds: int = 0):
    """Point the counter and the page cache at `url`; returns a function that undoes it.
    push_seconds: how long the process tallies views before sending them (0: each view at once,
    the Redis side's protocol as these tests check it)."""
    saved = (app.config.get("REDIS_URL"), larder_state(app).page_cache,
             app.extensions.pop(EXTENSION, None), app.config.get("VIEW_PUSH_SECONDS"))
    app.config["REDIS_URL"] = url
    app.config["VIEW_PUSH_SECONDS"] = push_seconds
    larder_state(app).page_cache = PageCache(url, ttl=60)

    def restore() -> None:
        app.config["REDIS_URL"], larder_state(app).page_cache = saved[0], saved[1]
        app.config["VIEW_PUSH_SECONDS"] = saved[3]
        app.extensions.pop(EXTENSION, None)
        if saved[2] is not None:
            app.extensions[EXTENSION] = saved[2]

    return restore


@pytest.fixture
def store():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    client.flushdb()
    # As if another instance had just flushed: no automatic flush is due during the test.
    client.set(FLUSH_LOCK, "1", ex=600)
    yield client
    client.flushdb()


@pytest.fixture
def buffered(app, store):
    restore = _use_redis(app, REDIS_URL)
    yield store
    restore()


@pytest.fixture
def tallied(app, store):
    """As deployed: each process tallies views for a second before sending them."""
    restore = _use_redis(app, REDIS_URL, push_seconds=1)
    yield store
    restore()


def read(client, url: str, **kwargs):
    """GET a page and close the response, as a server does once it has sent it."""
    response = client.get(url, **kwargs)
    response.close()
    g.pop("csrf_token", None)  # the test's app context outlives requests; a server's does not
    return response


def stored_views(article) -> int:
    """What the dashboard would read: the article's views today, straight from the database."""
    total = db.session.scalar(
        select(func.sum(ArticleView.views)).where(
            ArticleView.article_id == article.id, ArticleView.day == today()
        )
    )
    return int(total or 0)


def test_views_wait_in_redis_until_a_flush_then_count_exactly_once(client, buffered):
    article = make_article("counted")
    assert read(client, "/blog/counted").headers["X-Larder-Cache"] == "miss"
    hit = read(client, "/blog/counted")
    assert hit.headers["X-Larder-Cache"] == "hit"
    assert read(client, "/blog/counted/lite").status_code == 200
    assert read(client, "/blog/counted/lite").headers["X-Larder-Cache"] == "hit"
    not_modified = read(client, "/blog/counted", headers={"If-None-Match": hit.headers["ETag"]})
    assert not_modified.status_code == 304
    assert stored_views(article) == 0

    result = flush_views()

    assert (result.views, result.articles, result.dropped, result.error) == (5, 1, 0, None)
    assert stored_views(article) == 5


def test_a_cached_read_writes_nothing_to_the_database(client, buffered, count_queries):
    make_article("cached")
    first = read(client, "/blog/cached")
    with count_queries() as on_hit:
        hit = read(client, "/blog/cached")
    assert hit.headers["X-Larder-Cache"] == "hit"
    with count_queries() as on_304:
        not_modified = read(client, "/blog/cached", headers={"If-None-Match": first.headers["ETag"]})
    assert not_modified.status_code == 304
    for counter in (on_hit, on_304):
        writes = [s for s in counter.statements if re.match(r"\s*(INSERT|UPDATE)", s, re.I)]
        assert writes == [], writes
        assert counter.count == 1, counter.statements  # the catalog version, nothing else


def test_a_rendered_read_writes_nothing_to_the_database(client, buffered, count_queries):
    make_article("rendered")
    with count_queries() as counter:
        response = read(client, "/blog/rendered")
    assert response.headers["X-Larder-Cache"] == "miss"
    assert not [s for s in counter.statements if re.match(r"\s*(INSERT|UPDATE)", s, re.I)]


def test_a_failed_database_write_keeps_the_views_for_the_next_flush(client, buffered):
    article = make_article("kept")
    for _ in range(3):
        read(client, "/blog/kept")
    dbapi = db.engine.dialect.loaded_dbapi

    def refuse(conn, cursor, statement, *args):
        if "article_view" in statement and statement.lstrip().upper().startswith("INSERT"):
            raise dbapi.OperationalError("the disk is full")

    event.listen(db.engine, "before_cursor_execute", refuse)
    try:
        failed = flush_views()
    finally:
        event.remove(db.engine, "before_cursor_execute", refuse)
    assert failed.error and failed.views == 0
    assert stored_views(article) == 0

    read(client, "/blog/kept")
    assert flush_views().views == 4
    assert stored_views(article) == 4


def test_flushing_twice_never_counts_a_view_twice(client, buffered):
    article = make_article("twice")
    read(client, "/blog/twice")
    read(client, "/blog/twice")
    assert flush_views().views == 2
    assert flush_views().views == 0
    assert stored_views(article) == 2
    read(client, "/blog/twice")
    assert flush_views().views == 1
    assert stored_views(article) == 3


def test_a_flush_killed_midway_loses_nothing_and_is_not_retaken_too_soon(
    app, client, buffered, monkeypatch
):
    article = make_article("crashed")
    read(client, "/blog/crashed")
    read(client, "/blog/crashed")

    def killed(counts):
        raise SystemExit("worker killed")

    with monkeypatch.context() as patch:
        patch.setattr(view_counter_module, "add_article_views_by_slug", killed)
        with pytest.raises(SystemExit):
            flush_views()
    # It may still be writing: the next flush leaves its views alone...
    assert flush_views().views == 0
    # ...until it is clearly abandoned; then they are written, once.
    view_counter().STALE_AFTER = 0
    assert flush_views().views == 2
    assert flush_views().views == 0
    assert stored_views(article) == 2


def test_views_of_unknown_or_unpublished_articles_are_dropped_at_flush(app, client, buffered):
    staying, going = make_article("staying"), make_article("going")
    read(client, "/blog/staying")
    read(client, "/blog/going")
    read(client, "/blog/going")
    unpublish_article(going)
    with app.test_request_context("/blog/no-such-article"):
        count_view("no-such-article")  # a cached answer is counted by slug, unchecked

    result = flush_views()

    assert (result.views, result.articles, result.dropped) == (1, 1, 3)
    assert (stored_views(staying), stored_views(going)) == (1, 0)


def dashboard_views_after_three_reads(client, auth, slug: str) -> str:
    """Read the article three times, then what an admin's dashboard says of its views."""
    make_article(slug)
    for _ in range(3):
        read(client, f"/blog/{slug}")
    auth.login(make_user(role="admin"))
    page = client.get("/admin/").get_data(as_text=True)
    row = re.search(rf'<tr data-article="{slug}">(.*?)</tr>', page, re.S)
    assert row, "the article's views are missing from the dashboard"
    return re.findall(r'<td class="num">(.*?)</td>', row.group(1))[0]


def test_the_dashboard_shows_views_not_yet_flushed(client, auth, buffered):
    assert dashboard_views_after_three_reads(client, auth, "on-the-dashboard") == "3"


def test_a_flush_follows_the_response_of_the_first_read_after_the_interval(client, buffered):
    article = make_article("auto")
    buffered.delete(FLUSH_LOCK)  # the interval has passed
    read(client, "/blog/auto")
    assert stored_views(article) == 1
    assert 0 < buffered.ttl(FLUSH_LOCK) <= 60  # VIEW_FLUSH_INTERVAL's default
    read(client, "/blog/auto")
    assert stored_views(article) == 1  # within the interval: still pending
    buffered.delete(FLUSH_LOCK)
    read(client, "/blog/auto")
    assert stored_views(article) == 3


def test_unreachable_redis_counts_straight_in_the_database(app, client, caplog):
    article = make_article("no-redis")
    restore = _use_redis(app, "redis://127.0.0.1:1/0")
    try:
        with caplog.at_level(logging.WARNING, logger="blog.view_counter"):
            first = read(client, "/blog/no-redis")
        second = read(client, "/blog/no-redis/lite")
        assert flush_views().error  # nothing to take; nothing lost either
    finally:
        restore()
    assert first.status_code == second.status_code == 200
    assert "Some text." in first.get_data(as_text=True)
    assert "View counter: Redis unavailable" in caplog.text
    assert stored_views(article) == 2


def test_flush_views_command_prints_what_it_wrote(runner, client, buffered):
    make_article("first-article")
    make_article("second-article")
    read(client, "/blog/first-article")
    read(client, "/blog/first-article/lite")
    read(client, "/blog/second-article")

    result = runner.invoke(args=["larder", "flush-views"])

    assert result.exit_code == 0, result.output
    assert "Flushed 3 view(s) of 2 article(s)." in result.output
    again = runner.invoke(args=["larder", "flush-views"])
    assert "Flushed 0 view(s) of 0 article(s)." in again.output


def test_flush_views_command_without_redis_says_there_is_nothing_to_flush(runner):
    result = runner.invoke(args=["larder", "flush-views"])
    assert result.exit_code == 0
    assert "REDIS_URL is not set" in result.output


def pending(store) -> dict[str, int]:
    return {field.decode(): int(n) for field, n in store.hgetall(PENDING).items()}


def test_views_are_tallied_for_a_second_then_sent_by_the_next_request_in_one_go(client, tallied):
    article = make_article("tallied")
    read(client, "/blog/tallied")
    read(client, "/blog/tallied/lite")
    assert pending(tallied) == {}  # no round trip to Redis per view
    time.sleep(1.1)

    read(client, "/blog/")  # any page ends the second

    assert pending(tallied) == {f"{today().isoformat()}|tallied": 2}
    assert flush_views().views == 2
    assert stored_views(article) == 2


def test_a_flush_and_the_dashboard_include_the_views_this_process_holds(client, auth, tallied):
    assert dashboard_views_after_three_reads(client, auth, "held") == "3"
    assert pending(tallied) == {}  # flushed into the database, not left behind in Redis


def test_a_tally_redis_does_not_take_is_written_to_the_database(app, client, tallied, caplog):
    article = make_article("redis-went-away")
    read(client, "/blog/redis-went-away")
    read(client, "/blog/redis-went-away")
    counter = view_counter()
    counter.url, counter._client = "redis://127.0.0.1:1/0", None  # Redis stops before the push

    with caplog.at_level(logging.WARNING, logger="blog.view_counter"):
        counter.push_tally()

    assert stored_views(article) == 2
    assert pending(tallied) == {}


def test_a_stopping_worker_sends_what_it_holds(client, tallied):
    make_article("last-views")
    read(client, "/blog/last-views")

    view_counter().push_at_exit()

    assert pending(tallied) == {f"{today().isoformat()}|last-views": 1}
