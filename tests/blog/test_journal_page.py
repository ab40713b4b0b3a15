"""The journal's index and tag pages kept per page of articles (blog.journal_page): every URL of
a page reads its articles once, each reader's "Older" link keeps their own query, and an article
published, unpublished or retitled shows at once."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import text

from storefront.extensions import db
from tests.blog.helpers import make_article

ARTICLE_READ = re.compile(r"\bFROM article\b")
PAGE_STATE = "SELECT 'site_settings'"  # the one read of every request (its due-time markers name article)


@pytest.fixture
def journal(app, fragment_store, monkeypatch):
    monkeypatch.setattr("blog.journal_page.PER_PAGE", 2)
    return [make_article(f"guide-{n}", title=f"Guide {n}", days_ago=n + 1) for n in range(3)]


def _get(client, url: str, count_queries) -> tuple[str, int]:
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True), sum(
        1 for s in counter.statements if ARTICLE_READ.search(s) and not s.startswith(PAGE_STATE)
    )


def _titles(page: str) -> list[str]:
    return re.findall(r'<h2 class="teaser-title"><a href="[^"]+">([^<]+)</a>', page)


def _older(page: str) -> str:
    return unescape(re.search(r'<a href="([^"]+)" rel="next">Older', page).group(1))


def test_every_url_of_a_page_reads_the_articles_once_and_keeps_each_readers_query(client, journal, count_queries):
    first, reads_first = _get(client, "/blog/?utm_source=newsletter", count_queries)
    other, reads_other = _get(client, "/blog/?utm_source=social&utm_medium=post", count_queries)

    assert reads_first > 0 and reads_other == 0
    assert _titles(other) == ["Guide 0", "Guide 1"]
    assert _older(first) == "/blog/?utm_source=newsletter&page=2"
    assert _older(other) == "/blog/?utm_source=social&utm_medium=post&page=2"
    second, _ = _get(client, _older(other), count_queries)
    assert _titles(second) == ["Guide 2"]
    assert "larder-" not in first + other + second


def test_an_article_published_or_retitled_by_raw_sql_shows_at_once(client, journal, count_queries):
    _get(client, "/blog/", count_queries)
    make_article("fresh-news", title="Fresh news", days_ago=0)
    page, reads = _get(client, "/blog/", count_queries)
    assert reads > 0
    assert _titles(page) == ["Fresh news", "Guide 0"]

    db.session.execute(text("UPDATE article SET title = 'Guide zero, revised' WHERE slug = 'guide-0'"))
    db.session.commit()
    page, _ = _get(client, "/blog/", count_queries)
    assert _titles(page) == ["Fresh news", "Guide zero, revised"]


def test_an_edit_to_an_article_on_another_page_leaves_this_page_kept(client, journal, count_queries):
    """A page follows the articles it lists and those joining it, not every save in the journal."""
    _get(client, "/blog/", count_queries)
    _get(client, "/blog/?page=2", count_queries)

    db.session.execute(text("UPDATE article SET title = 'Guide two, revised' WHERE slug = 'guide-2'"))
    db.session.commit()
    first, reads_first = _get(client, "/blog/", count_queries)
    second, reads_second = _get(client, "/blog/?page=2", count_queries)
    assert reads_first == 0 and _titles(first) == ["Guide 0", "Guide 1"]
    assert reads_second > 0 and _titles(second) == ["Guide two, revised"]

    # Moved to the top by its date: it joins page 1, which is rendered again.
    db.session.execute(text("UPDATE article SET published_at = published_at + interval '60 hours' WHERE slug = 'guide-2'")
                       if db.engine.dialect.name == "postgresql" else
                       text("UPDATE article SET published_at = datetime(published_at, '+60 hours') WHERE slug = 'guide-2'"))
    db.session.commit()
    first, _ = _get(client, "/blog/", count_queries)
    assert _titles(first) == ["Guide two, revised", "Guide 0"]


def test_a_page_past_the_last_and_an_unknown_tag_are_404s_and_nothing_is_kept(client, journal, fragment_store):
    client.get("/blog/")
    kept = set(fragment_store.scan_iter("larder:fragment:*"))
    for url in ("/blog/?page=9", "/blog/?page=9", "/blog/tag/no-such-tag", "/blog/tag/no-such-tag"):
        assert client.get(url).status_code == 404, url
    assert set(fragment_store.scan_iter("larder:fragment:*")) == kept
