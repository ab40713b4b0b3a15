"""Product cards and related articles come from the fragment cache (issue 20), and are never
stale: a price edit or a sell-out made by raw SQL, or another article published, shows at once.

Uses the real Redis (tests/fixtures/redis_server.py), database 12 (the fragment_store fixture).
"""

from __future__ import annotations

import re

from sqlalchemy import text

from storefront.extensions import db
from tests.blog.helpers import make_article
from tests.factories import make_collection, make_product


def _get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _card_statements(statements) -> list[str]:
    """Card rows: one statement with the card's correlated sub-selects (price, stock, image...)."""
    return [s for s in statements if s.startswith("SELECT product.id, product.slug") and "AS price" in s]


def test_article_cards_and_related_articles_are_read_once_per_catalog_version(
    client, fragment_store, count_queries
):
    make_product("magnesium-glycinate", title="Magnesium Glycinate", price=1899, stock=40, certified=True)
    make_article("shop", "Read this.\n\n[[product:magnesium-glycinate]]\n", tags=["sleep"])
    make_article("other", "Also about sleep.", tags=["sleep"])
    first = _get(client, "/blog/shop")
    assert "$18.99" in first and "/blog/other" in first
    db.session.remove()
    with count_queries() as counter:
        again = _get(client, "/blog/shop/lite")
    assert "$18.99" in again and "/blog/other" in again
    assert _card_statements(counter.statements) == []
    assert not [s for s in counter.statements if "article_tag" in s and "count(" in s]


def test_a_raw_sql_price_edit_and_sell_out_show_on_cached_cards_at_once(client, fragment_store):
    shelf = make_collection("supplements")
    make_product("mag", certified=True, collection=shelf)
    make_product("zinc", title="Zinc", price=1200, stock=40, certified=True, collection=shelf)
    make_article("shop", "[[product:zinc]]\n")
    assert "$12.00" in _get(client, "/products/mag") and "$12.00" in _get(client, "/blog/shop")

    db.session.execute(text("UPDATE variant SET price = 1350 WHERE product_id ="
                            " (SELECT id FROM product WHERE slug = 'zinc')"))
    db.session.commit()
    assert "$13.50" in _get(client, "/products/mag") and "$12.00" not in _get(client, "/products/mag")
    assert "$13.50" in _get(client, "/blog/shop")

    db.session.execute(text("UPDATE variant SET stock = 0 WHERE product_id ="
                            " (SELECT id FROM product WHERE slug = 'zinc')"))
    db.session.commit()
    assert "Sold out" in _get(client, "/blog/shop")
    related = re.search(r'<section class="related-products".*?</section>', _get(client, "/products/mag"), re.S)
    assert related is None or "/products/zinc" not in related.group(0)  # sold out: no longer suggested


def test_a_newly_published_article_joins_the_related_list(client, fragment_store):
    make_article("shop", "About sleep.", tags=["sleep"])
    assert "/blog/later" not in _get(client, "/blog/shop")
    make_article("later", "Also about sleep.", tags=["sleep"])
    assert "/blog/later" in _get(client, "/blog/shop")


def test_a_listing_page_is_read_once_and_a_raw_sql_sell_out_shows_at_once(client, fragment_store, count_queries):
    shelf = make_collection("teas")
    make_product("green-tea", title="Green Tea", price=900, stock=40, collection=shelf)
    make_product("mint-tea", title="Mint Tea", price=800, stock=40, collection=shelf)
    assert "$9.00" in _get(client, "/collections/teas?sort=price")
    db.session.remove()
    with count_queries() as counter:
        again = _get(client, "/collections/teas?sort=price")
    assert "$9.00" in again and _card_statements(counter.statements) == []

    db.session.execute(text("UPDATE variant SET stock = 0 WHERE product_id ="
                            " (SELECT id FROM product WHERE slug = 'green-tea')"))
    db.session.commit()
    card = re.search(r'<a href="/products/green-tea".*?</article>', _get(client, "/collections/teas?sort=price"), re.S)
    assert card is not None and "Sold out" in card.group(0)


def test_search_result_cards_are_read_once_and_a_raw_sql_price_edit_or_sell_out_shows_at_once(
    client, fragment_store, count_queries
):
    make_product("mag-citrate", title="Magnesium Citrate", price=1500, stock=40)
    make_product("mag-oxide", title="Magnesium Oxide", price=900, stock=40)
    first = _get(client, "/search?q=magnesium")  # ranks, and keeps the page's slugs
    assert "$15.00" in first and "$9.00" in first
    _get(client, "/search?q=magnesium")  # reads the cards by slug, and keeps them
    db.session.remove()
    with count_queries() as counter:
        again = _get(client, "/search?q=magnesium")
    assert "$15.00" in again and _card_statements(counter.statements) == []

    db.session.execute(text("UPDATE variant SET price = 1650 WHERE product_id ="
                            " (SELECT id FROM product WHERE slug = 'mag-citrate')"))
    db.session.commit()
    edited = _get(client, "/search?q=magnesium")
    assert "$16.50" in edited and "$15.00" not in edited and "$9.00" in edited

    db.session.execute(text("UPDATE variant SET stock = 0 WHERE product_id ="
                            " (SELECT id FROM product WHERE slug = 'mag-oxide')"))
    db.session.commit()
    card = re.search(r'<article(?:(?!</article>).)*?/products/mag-oxide.*?</article>',
                     _get(client, "/search?q=magnesium"), re.S)
    assert card is not None and "Sold out" in card.group(0)


def test_home_collection_tiles_are_read_once_and_a_raw_sql_edit_shows_at_once(client, fragment_store, count_queries):
    shelf = make_collection("teas", title="Teas")
    db.session.execute(text("UPDATE collection SET featured = true, description = 'Calm blends' WHERE slug = 'teas'"))
    db.session.commit()
    assert "Calm blends" in _get(client, "/") and shelf.slug == "teas"
    db.session.remove()
    with count_queries() as counter:
        again = _get(client, "/")
    assert "Calm blends" in again and 'href="/collections/teas"' in again
    assert not [s for s in counter.statements if s.startswith("SELECT collection.id")]

    db.session.execute(text("UPDATE collection SET description = 'Bright blends' WHERE slug = 'teas'"))
    db.session.commit()
    edited = _get(client, "/")
    assert "Bright blends" in edited and "Calm blends" not in edited
    db.session.execute(text("UPDATE collection SET featured = false WHERE slug = 'teas'"))
    db.session.commit()
    assert 'href="/collections/teas"' not in _get(client, "/").split('id="collections-heading"')[-1].split("</section>")[0]
