"""The search page's own HTML kept per query and filters (storefront.search.search_page): every
URL with that query reads no product once kept, each visitor's links keep their own arguments, a
sale shows at once, and the article group (a late part) follows article edits, the page around it
rendered again when the number of articles found moves."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select, text

from blog.models import Article
from blog.services import ArticleDraft, publish_article, save_article
from storefront.clock import now
from storefront.extensions import db
from tests.blog.helpers import make_article, make_author
from tests.factories import make_product
from tests.fixtures.pieces import (
    fetch,
    sell_last_unit_by_sql,
    tile_of,
)


@pytest.fixture
def shelf(app, fragment_store, monkeypatch):
    monkeypatch.setitem(app.config, "PRODUCTS_PER_PAGE", 2)
    for slug, price in (("magnesium-glycinate", 1999), ("magnesium-citrate", 1299), ("magnesium-oil", 999)):
        make_product(slug, title=slug.replace("-", " ").title(), price=price, stock=5)
    author = make_author().slug
    make_article("magnesium-basics", "Why magnesium matters.", title="Magnesium basics", author=author)
    make_article("sleep-notes", "Wind down early.", title="Sleep notes", author=author)


def _jump_counts(page: str) -> list[str]:
    return re.findall(r'<a href="#search-(?:products|articles)">(\w+ \(\d+\))</a>', page)


def test_every_url_with_the_same_query_reads_the_catalog_once(client, shelf, count_queries):
    first, reads_first = fetch(client, "/search?q=magnesium&utm_source=news", count_queries)
    db.session.remove()
    other, reads_other = fetch(client, "/search?utm_campaign=spring&q=magnesium", count_queries)

    assert reads_first > 0 and reads_other == 0
    assert _jump_counts(other) == ["Products (3)", "Articles (1)"]
    assert "Magnesium basics" in other
    next_links = [unescape(h) for h in re.findall(r'<a rel="next" href="([^"]+)"', other)]
    assert next_links == ["/search?utm_campaign=spring&q=magnesium&page=2"]
    assert "larder-" not in first + other  # no hole left unfilled
    assert len(set(re.findall(r'name="csrf_token" value="([^"]+)"', other))) == 1


def test_the_last_unit_sold_shows_at_once(client, shelf, count_queries):
    fetch(client, "/search?q=magnesium&sort=price", count_queries)

    sell_last_unit_by_sql("magnesium-oil", 899)
    page, reads = fetch(client, "/search?q=magnesium&sort=price", count_queries)
    assert reads > 0
    tile = tile_of(page, "Magnesium Oil")
    assert "$8.99" in tile and "Sold out" in tile
    assert "$9.99" not in page


def test_an_article_edit_shows_and_a_new_count_renders_the_page_again(client, shelf, count_queries):
    fetch(client, "/search?q=magnesium", count_queries)
    basics = db.session.execute(text("SELECT id FROM article WHERE slug = 'magnesium-basics'")).scalar_one()

    # The same number of articles found: the article group is new, the kept pieces stay.
    db.session.execute(text("UPDATE article SET title = 'Magnesium, the basics' WHERE id = :id"), {"id": basics})
    db.session.commit()
    page, reads = fetch(client, "/search?q=magnesium", count_queries)
    assert "Magnesium, the basics" in page and reads == 0
    assert _jump_counts(page) == ["Products (3)", "Articles (1)"]

    # One more article found: the jump links and headings were built on the old count.
    sleep = db.session.execute(select(Article).where(Article.slug == "sleep-notes")).scalar_one()
    save_article(sleep, ArticleDraft(
        source="Magnesium before bed.", title="Sleep notes", slug="sleep-notes", author="",
    ))
    page, _ = fetch(client, "/search?q=magnesium", count_queries)
    assert _jump_counts(page) == ["Products (3)", "Articles (2)"]
    assert '<span class="count">(2)</span>' in page
    assert "Sleep notes" in page


def test_the_empty_search_page_is_kept_too(client, shelf, count_queries):
    first, _ = fetch(client, "/search?utm_source=news", count_queries)
    again, reads = fetch(client, "/search", count_queries)
    assert "<h1>Search</h1>" in again and "Featured products" in again
    assert again.count("product-card") == first.count("product-card")
    assert reads == 0


def test_more_articles_links_keep_each_visitors_own_arguments(client, shelf, count_queries):
    author = make_author("writer").slug
    for n in range(5):
        make_article(f"magnesium-note-{n}", "Magnesium, again.", title=f"Magnesium note {n}", author=author)
    first, _ = fetch(client, "/search?q=magnesium&utm_source=a", count_queries)
    other, _ = fetch(client, "/search?q=magnesium&utm_source=b", count_queries)
    again, _ = fetch(client, "/search?q=magnesium&utm_source=a", count_queries)

    more = r'<a href="([^"]+)#search-articles">More articles</a>'
    assert [unescape(h) for h in re.findall(more, first)] == ["/search?q=magnesium&utm_source=a&apage=2"]
    assert [unescape(h) for h in re.findall(more, other)] == ["/search?q=magnesium&utm_source=b&apage=2"]
    assert re.findall(more, again) == re.findall(more, first)


def test_a_scheduled_article_joins_the_article_group_when_due(client, shelf, count_queries):
    article = save_article(None, ArticleDraft(source="Magnesium soon.", title="Magnesium soon",
                                              slug="magnesium-soon")).article
    publish_article(article, at=now() + timedelta(seconds=1.5))
    before, _ = fetch(client, "/search?q=magnesium", count_queries)
    assert "Magnesium soon" not in before and _jump_counts(before)[1] == "Articles (1)"

    time.sleep(1.6)
    due, _ = fetch(client, "/search?q=magnesium", count_queries)
    assert "Magnesium soon" in due and _jump_counts(due)[1] == "Articles (2)"
