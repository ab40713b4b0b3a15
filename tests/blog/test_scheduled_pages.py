"""A scheduled article goes live at its moment on cached pages too: nothing is written to the
database then, so the page-state read's time marker, not the catalog version, changes the key."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import redis

from blog.services import ArticleDraft, publish_article, save_article
from storefront.caching.store import PageCache
from storefront.clock import now
from storefront.state import larder_state
from tests.blog.helpers import make_article
from tests.fixtures.redis_server import redis_url

REDIS_URL = redis_url(11)


@pytest.fixture
def page_cache(app):
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    client.flushdb()
    original = larder_state(app).page_cache
    larder_state(app).page_cache = PageCache(REDIS_URL, ttl=60)
    yield client
    larder_state(app).page_cache = original
    client.flushdb()


def schedule(slug: str, seconds: float):
    article = save_article(None, ArticleDraft(source="Soon.\n\n## Part\n\nText.", title="Coming Soon", slug=slug)).article
    publish_article(article, at=now() + timedelta(seconds=seconds))
    return article


def test_cached_journal_index_shows_a_scheduled_article_when_due(client, page_cache):
    make_article("already-out", title="Already Out")
    schedule("coming-soon", 1.5)
    first = client.get("/blog/")
    assert "Already Out" in first.get_data(as_text=True)
    assert "Coming Soon" not in first.get_data(as_text=True)
    assert client.get("/blog/").headers["X-Larder-Cache"] == "hit"
    time.sleep(1.6)
    due = client.get("/blog/")
    assert due.headers["X-Larder-Cache"] == "miss"
    assert "Coming Soon" in due.get_data(as_text=True)
    assert client.get("/blog/coming-soon").status_code == 200


def test_conditional_get_and_last_modified_move_with_the_due_article(app, client):
    make_article("already-out", title="Already Out")
    schedule("coming-soon", 1.5)
    first = client.get("/blog/")
    assert client.get("/blog/", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    time.sleep(1.6)
    after = client.get("/blog/", headers={"If-None-Match": first.headers["ETag"]})
    assert after.status_code == 200
    assert "Coming Soon" in after.get_data(as_text=True)
    # A crawler without cookies asking "changed since the first visit?" hears yes.
    crawler = app.test_client(use_cookies=False)
    since = first.headers["Last-Modified"]
    assert crawler.get("/blog/", headers={"If-Modified-Since": since}).status_code == 200
