"""Search runs on each database's own full-text engine and ranks title matches first."""

from storefront.catalog.queries import ListingFilters, list_products
from storefront.extensions import db
from tests.factories import make_product


def search(q):
    return [c.slug for c in list_products(ListingFilters(q=q, sort="relevance"), 24).cards]


def test_search_matches_title_brand_description_and_tags(app):
    make_product("magnesium-glycinate", title="Magnesium Glycinate", brand="Larder Labs")
    make_product("calm-tea", title="Calm Tea", description="A blend with a little magnesium.")
    make_product("oat-bar", title="Oat Bar", brand="Fodwise", tags=["vegan"])
    make_product("rice-crackers", title="Rice Crackers", description="Plain and crisp.")
    assert search("magnesium") == ["magnesium-glycinate", "calm-tea"]
    assert search("fodwise") == ["oat-bar"]
    assert search("vegan") == ["oat-bar"]
    assert search("cracker") == ["rice-crackers"]  # stemming / prefix
    assert search("magnes") == ["magnesium-glycinate", "calm-tea"]  # typing in progress
    assert search("nothing-like-this") == []


def test_search_index_follows_edits(app):
    product = make_product("tea", title="Peppermint Tea")
    assert search("peppermint") == ["tea"]
    product.title = "Ginger Tea"
    db.session.commit()
    assert search("peppermint") == []
    assert search("ginger") == ["tea"]
    db.session.delete(product)
    db.session.commit()
    assert search("ginger") == []


def test_archived_products_are_not_found(app):
    make_product("old", title="Old Magnesium", status="archived")
    assert search("magnesium") == []


def test_search_page_ranks_and_shows_results(client, app):
    make_product("magnesium-citrate", title="Magnesium Citrate")
    html = client.get("/search?q=magnesium").get_data(as_text=True)
    assert "Magnesium Citrate" in html
    assert "1 product" in html


def test_operator_characters_are_plain_words(app):
    make_product("x", title="Ginger & Lemon Tea")
    assert search('ginger & "lemon" | !tea:*') == ["x"]
