"""Search runs on each database's own full-text engine and ranks title matches first."""

import re

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


def served_order(client, q):
    html = client.get("/search", query_string={"q": q}).get_data(as_text=True)
    return re.findall(r'class="card-title"><a href="/products/([^"?]+)"', html)


def test_a_title_match_comes_first_however_often_a_description_repeats_the_word(client):
    """Both engines' scores grow with how often a word appears; a product named for the word
    still comes first, then one whose brand has it, then descriptions."""
    make_product("calm-blend", title="Calm Blend", brand="Tea Co",
                 description=" ".join(["Ginger root, then more ginger."] * 40))
    make_product("spice-jar", title="Spice Jar", brand="Ginger People", description="A jar.")
    make_product("chews", title="Ginger Chews", brand="Sweet Co", description="Soft, chewy sweets.")
    make_product("warm-blend", title="Warm Blend", brand="Tea Co", description="Ginger and lemon.")
    order = served_order(client, "ginger")
    assert order[:2] == ["chews", "spice-jar"]
    assert sorted(order[2:]) == ["calm-blend", "warm-blend"]
    # Two words: the product named for both still leads a description full of both.
    make_product("lemon-sweets", title="Ginger Lemon Sweets", description="Boiled sweets.")
    make_product("zest-blend", title="Zest Blend", description=" ".join(["Ginger lemon ginger lemon."] * 30))
    assert served_order(client, "ginger lemon")[0] == "lemon-sweets"
