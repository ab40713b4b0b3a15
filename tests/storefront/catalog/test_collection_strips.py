"""Collection strips (the products an article's collection CTA shows) follow the same
membership rules as the collection's own page: a strip offers what the page lists in stock."""

from __future__ import annotations

import pytest

from storefront.catalog.queries import (
    CollectionStrip,
    ListingFilters,
    collection_strips,
    get_collection,
    list_products,
)
from tests.factories import make_collection, make_product


@pytest.fixture
def collections(app):
    teas = make_collection("teas", title="Teas")
    make_collection("low-fodmap-certified", title="Certified", rule="certified")
    make_collection("vegan", title="Vegan", rule="tag:vegan")
    make_product("tea-certified-vegan", certified=True, tags=["vegan"], collection=teas)
    make_product("tea-plain", collection=teas)
    make_product("tea-sold-out", stock=0, certified=True, tags=["vegan"], collection=teas)
    make_product("tea-draft", status="draft", certified=True, tags=["vegan"], collection=teas)
    make_product("snack-vegan", tags=["vegan"])
    make_product("snack-certified", certified=True, tags=["gluten-free"])
    make_product("snack-plain")
    return ["teas", "low-fodmap-certified", "vegan"]


def test_each_strip_offers_what_its_collection_page_lists_in_stock(collections):
    strips = collection_strips([*collections, "no-such-collection"], size=50)
    assert sorted(strips) == sorted(collections)
    for strip in strips.values():
        page = list_products(
            ListingFilters(in_stock=True, sort="newest"), per_page=50, collection=get_collection(strip.slug)
        )
        assert strip.slugs == [card.slug for card in page.cards], strip.slug
    assert strips["teas"].slugs == ["tea-plain", "tea-certified-vegan"]
    assert strips["low-fodmap-certified"].slugs == ["snack-certified", "tea-certified-vegan"]
    assert strips["vegan"].slugs == ["snack-vegan", "tea-certified-vegan"]


def test_a_strip_shows_at_most_its_size_newest_first(collections):
    assert collection_strips(["teas", "vegan"], size=1) == {
        "teas": CollectionStrip("teas", "Teas", ["tea-plain"]),
        "vegan": CollectionStrip("vegan", "Vegan", ["snack-vegan"]),
    }

