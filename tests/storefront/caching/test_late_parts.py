"""A search page's article group is a late part: saving an article keeps the stored page (issue 20).

Behind the real Redis page cache (database 5): the stored search page is served again after an
article it shows is edited, with the article group rendered anew (the new title, a new ETag); an
edit that changes how many articles match (a new one, or one edited out of the results) renders
the whole page again (its jump links count them); a product edit still re-renders the page through the product group's own tags.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from storefront.extensions import db
from storefront.state import larder_state
from tests.blog.helpers import make_article
from tests.factories import make_collection, make_product
from tests.fixtures.page_cache import served_fixture
from tests.fixtures.redis_server import redis_url

REDIS_URL = redis_url(5)
SEARCH = "/search?q=magnesium"

served = served_fixture(REDIS_URL)


@pytest.fixture
def shelf():
    make_product("magnesium-glycinate", title="Magnesium Glycinate", price=1999, stock=5)
    sleep = make_article("sleep-guide", "Magnesium before bed.", title="Magnesium and Sleep", days_ago=3)
    cramps = make_article("cramp-notes", "Magnesium for cramps.", title="Magnesium for Cramps", days_ago=2)
    db.session.commit()
    return {"sleep": sleep.id, "cramps": cramps.id}


def _get(client, url: str = SEARCH, **headers):
    page = client.get(url, headers=headers)
    assert page.status_code in (200, 304), url
    return page


def test_an_article_edit_keeps_the_stored_search_page_and_shows_the_new_title(served, shelf):
    client = served.test_client()
    _get(client)
    stored = _get(client)
    assert stored.headers["X-Larder-Cache"] == "hit"
    assert "Magnesium and Sleep" in stored.get_data(as_text=True)
    assert "Articles (2)" in stored.get_data(as_text=True)

    db.session.execute(text("UPDATE article SET title = 'Magnesium and Better Sleep' WHERE id = :id"),
                       {"id": shelf["sleep"]})
    db.session.commit()

    page = _get(client)
    html = page.get_data(as_text=True)
    assert page.headers["X-Larder-Cache"] == "hit", "the product group did not change: the page stays stored"
    assert "Magnesium and Better Sleep" in html and "Magnesium and Sleep<" not in html
    assert html.count("Articles (2)") == 1
    assert _get(client, If_None_Match=stored.headers["ETag"]).status_code == 200, "the old copy shows the old title"
    assert _get(client, If_None_Match=page.headers["ETag"]).status_code == 304


def test_an_edit_changing_how_many_articles_match_renders_the_page_again(served, shelf):
    client = served.test_client()
    _get(client)
    assert _get(client).headers["X-Larder-Cache"] == "hit"

    make_article("iron-notes", "Magnesium and iron together.", title="Iron and Magnesium", days_ago=1)
    db.session.commit()

    page = _get(client)
    html = page.get_data(as_text=True)
    assert page.headers["X-Larder-Cache"] == "miss", "the jump links count the articles: the page is built again"
    assert "Articles (3)" in html and "Iron and Magnesium" in html
    assert _get(client).headers["X-Larder-Cache"] == "hit"


def test_a_product_edit_still_renders_the_search_page_again(served, shelf):
    client = served.test_client()
    _get(client)
    assert _get(client).headers["X-Larder-Cache"] == "hit"

    db.session.execute(text("UPDATE variant SET price = 2599"))
    db.session.commit()

    page = _get(client)
    assert page.headers["X-Larder-Cache"] == "miss"
    assert "$25.99" in page.get_data(as_text=True)


def test_an_edit_taking_an_article_out_of_the_results_renders_the_page_again(served, shelf):
    """An article edit keeps the stored page only while the article group keeps the shape the
    page was built around: its heading and jump links count the articles found."""
    client = served.test_client()
    _get(client)
    assert _get(client).headers["X-Larder-Cache"] == "hit"

    db.session.execute(text("UPDATE article SET title = 'Iron for Cramps', body_source = 'Iron for cramps.', "
                            "body_html = '<p>Iron for cramps.</p>' WHERE id = :id"), {"id": shelf["cramps"]})
    db.session.commit()

    page = _get(client)
    html = page.get_data(as_text=True)
    assert page.headers["X-Larder-Cache"] == "miss", "one article fewer: the page is built again"
    assert "Articles (1)" in html and "Articles (2)" not in html and "Iron for Cramps" not in html
    assert _get(client).headers["X-Larder-Cache"] == "hit"


class _RedisReads:
    """Every read of Redis by the page store and the fragment store: (store, command, keys)."""

    def __init__(self, app, monkeypatch) -> None:
        self.reads: list[tuple[str, str, int]] = []
        for label, store in (("pages", larder_state(app).page_cache), ("fragments", larder_state(app).fragment_cache)):
            self._count(label, store._redis(), monkeypatch)

    def _count(self, label, client, monkeypatch) -> None:
        get, mget = client.get, client.mget

        def counted_get(name):
            self.reads.append((label, "get", 1))
            return get(name)

        def counted_mget(names, *more):
            self.reads.append((label, "mget", len(names)))
            return mget(names, *more)

        monkeypatch.setattr(client, "get", counted_get)
        monkeypatch.setattr(client, "mget", counted_mget)


def test_a_stored_search_page_is_read_with_its_late_parts_in_one_round_trip(served, shelf, monkeypatch):
    client = served.test_client()
    _get(client)
    reads = _RedisReads(served, monkeypatch)
    page = _get(client)
    html = page.get_data(as_text=True)
    assert page.headers["X-Larder-Cache"] == "hit"
    assert "Articles (2)" in html and 'name="price_max"' in html  # both late parts are on the page
    assert reads.reads == [("pages", "mget", 3)], "the page, its price fields and its articles were read one by one"

    # A part read ahead, found stale and rendered again, is what the next request reads.
    db.session.execute(text("UPDATE article SET title = 'Magnesium and Better Sleep' WHERE id = :id"),
                       {"id": shelf["sleep"]})
    db.session.commit()
    assert "Magnesium and Better Sleep" in _get(client).get_data(as_text=True)
    assert "Magnesium and Better Sleep" in _get(client).get_data(as_text=True)


def test_a_listing_s_kept_pieces_are_read_with_their_price_fields_in_one_round_trip(served, monkeypatch):
    """A listing URL not stored yet (another campaign tag) renders from the kept pieces: the
    pieces and the price fields' late part come back in one read."""
    make_product("magnesium-glycinate", title="Magnesium Glycinate", price=1999, stock=5,
                 collection=make_collection("supplements"))
    db.session.commit()
    client = served.test_client()
    _get(client, "/collections/supplements?utm_source=first")
    reads = _RedisReads(served, monkeypatch)
    page = _get(client, "/collections/supplements?utm_source=second")
    html = page.get_data(as_text=True)
    assert page.headers["X-Larder-Cache"] == "miss"
    assert "Magnesium Glycinate" in html and 'name="price_max"' in html
    assert reads.reads == [("pages", "get", 1), ("fragments", "mget", 2)], (
        "the kept pieces and their price fields were read one by one"
    )

    # Pieces read ahead and found stale are rendered again, with the new price.
    db.session.execute(text("UPDATE variant SET price = 2599"))
    db.session.commit()
    assert "$25.99" in _get(client, "/collections/supplements?utm_source=third").get_data(as_text=True)
