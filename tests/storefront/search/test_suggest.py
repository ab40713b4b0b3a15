"""/search/suggest: the best few products and articles for what is typed, typo tolerant, as JSON."""

from __future__ import annotations

import pytest

from tests.blog.helpers import make_article
from tests.factories import make_product


@pytest.fixture
def shop(app):
    make_product("magnesium-glycinate", title="Magnesium Glycinate")
    make_product("magnesium-citrate", title="Magnesium Citrate")
    make_product("oat-bar", title="Oat Bar")
    make_article("magnesium-for-sleep", "Magnesium and sleep.", title="Magnesium for sleep")


def test_suggestions_list_products_then_articles(client, shop):
    data = client.get("/search/suggest?q=magnes").get_json()
    assert [p["url"] for p in data["products"]] == ["/products/magnesium-citrate", "/products/magnesium-glycinate"]
    assert data["articles"] == [{"title": "Magnesium for sleep", "url": "/blog/magnesium-for-sleep"}]
    assert data["corrected"] is None and data["search_url"] == "/search?q=magnes"


def test_a_misspelling_is_corrected(client, shop):
    data = client.get("/search/suggest?q=magnesum").get_json()
    assert data["corrected"] == "magnesium"
    assert len(data["products"]) == 2 and data["search_url"] == "/search?q=magnesium"


def test_short_or_empty_input_asks_nothing(client, shop, count_queries):
    with count_queries() as counter:
        for q in ("", "m", "!!"):
            data = client.get("/search/suggest", query_string={"q": q}).get_json()
            assert data["products"] == [] and data["articles"] == []
    assert not [s for s in counter.statements if "product" in s.lower()]


def test_answers_are_json_revalidated_with_an_etag(client, shop):
    first = client.get("/search/suggest?q=oat")
    assert first.mimetype == "application/json" and first.headers.get("ETag")
    again = client.get("/search/suggest?q=oat", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code in (200, 304)


def test_hostile_input_is_harmless(client, shop):
    for q in ('"magnes*', "a" * 5000, "' OR 1=1 --", "magnesium:* & !"):
        assert client.get("/search/suggest", query_string={"q": q}).status_code == 200
