"""The journal's article count comes from the fragment cache, so a page of the journal does not
count every article on each render; it is never stale: a new article, or a scheduled one
falling due, changes it at once.

Uses the real Redis through the fragment_store fixture (tests/conftest.py).
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest

from blog.services import ArticleDraft, publish_article, save_article
from storefront.clock import now
from storefront.extensions import db
from tests.blog.helpers import make_article


def pages(response) -> int:
    """How many pages the journal says it has ("Page 1 of 2"); 1 when it shows no pager."""
    found = re.search(r"Page \d+ of (\d+)", response.get_data(as_text=True))
    return int(found.group(1)) if found else 1


def counts(statements) -> list[str]:
    return [s for s in statements if "count(" in s.lower()]


@pytest.fixture
def journal(app):
    for n in range(11):  # ten to a page: two pages
        make_article(f"article-{n}", title=f"Article {n}", days_ago=n + 1)


def test_the_second_render_does_not_count_the_articles_again(client, fragment_store, journal, count_queries):
    first = client.get("/blog/?sort=anything")
    assert pages(first) == 2
    db.session.remove()
    with count_queries() as counter:
        again = client.get("/blog/?other=1")  # another URL: rendered, not a cached page
    assert again.status_code == 200
    assert pages(again) == 2
    assert counts(counter.statements) == []
    assert client.get("/blog/?page=2").status_code == 200


def test_a_new_article_changes_the_count_at_once(client, fragment_store, journal):
    assert pages(client.get("/blog/")) == 2
    for n in range(11, 21):
        make_article(f"article-{n}", title=f"Article {n}", days_ago=n + 1)
    assert pages(client.get("/blog/?fresh=1")) == 3
    assert client.get("/blog/?page=3").status_code == 200


def test_a_scheduled_article_falling_due_changes_the_count(client, fragment_store, journal):
    article = save_article(None, ArticleDraft(source="Soon.\n\n## Part\n\nText.", title="Coming Soon", slug="coming-soon")).article
    for n in range(11, 20):
        make_article(f"article-{n}", title=f"Article {n}", days_ago=n + 1)
    publish_article(article, at=now() + timedelta(seconds=1.5))  # the 21st article: a third page
    assert pages(client.get("/blog/")) == 2
    assert client.get("/blog/?page=3").status_code == 404
    time.sleep(1.6)
    assert pages(client.get("/blog/?after=1")) == 3
    assert client.get("/blog/?page=3").status_code == 200
