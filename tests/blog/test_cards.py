"""Shoppable CTAs are live: filled at request time, in a fixed number of queries, degrading
gracefully when a product cannot be sold."""

from __future__ import annotations

import re

from sqlalchemy import select

from storefront.catalog.models import Product, Variant
from storefront.extensions import db
from tests.blog.helpers import make_article
from tests.factories import make_collection, make_product


def _page(client, slug="shop"):
    response = client.get(f"/blog/{slug}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_price_and_stock_changes_show_at_once_and_archiving_turns_the_card_into_a_fallback(client):
    collection = make_collection("supplements", title="Supplements")
    product = make_product("magnesium-glycinate", title="Magnesium Glycinate", price=1899,
                           stock=40, certified=True, collection=collection)
    make_product("magnesium-citrate", title="Magnesium Citrate", certified=True,
                 collection=collection)
    make_article("shop", "Read this.\n\n[[product:magnesium-glycinate]]\n")
    html = _page(client)
    assert "$18.99" in html and "In stock" in html and "Low FODMAP Certified" in html

    variant = db.session.scalar(select(Variant).where(Variant.product_id == product.id))
    variant.price = 2450
    variant.stock = 3
    product.refresh_denormalised()
    db.session.commit()
    html = _page(client)
    assert "$24.50" in html and "$18.99" not in html
    assert "Only 3 left" in html

    product.status = "archived"
    db.session.commit()
    html = _page(client)
    assert "This product is no longer available." in html
    assert "$24.50" not in html
    assert 'href="/products/magnesium-glycinate' not in html
    assert "Try Magnesium Citrate instead" in html
    assert 'href="/collections/supplements?ref=article:shop"' in html


def test_sold_out_product_says_so_and_offers_an_alternative(client):
    make_product("pumpkin-seeds", title="Pumpkin Seeds", stock=0)
    make_product("rice-crackers", title="Rice Crackers", certified=True)
    make_article("shop", "[[product:pumpkin-seeds]]\n")
    html = _page(client)
    assert "Sold out" in html and "out of stock for now" in html
    assert "Try Rice Crackers instead" in html


def test_deleted_product_never_breaks_the_page(client):
    product = make_product("fleeting", title="Fleeting")
    make_article("shop", "Before.\n\n[[products:fleeting]]\n\nInline [[shop-now:fleeting|Buy it]] here.\n")
    db.session.delete(db.session.get(Product, product.id))
    db.session.commit()
    html = _page(client)
    assert "Product no longer available" in html
    assert "Buy it" not in html
    assert "[[" not in html


def test_every_cta_link_and_cart_form_carries_the_article_as_its_source(client, app):
    make_product("magnesium-glycinate", title="Magnesium Glycinate")
    make_collection("teas", title="Teas")
    make_article("shop", "Try [[shop-now:magnesium-glycinate|Shop magnesium]] now.\n\n"
                         "[[product:magnesium-glycinate]]\n\n[[collection:teas]]\n")
    html = _page(client)
    body = html[html.index('class="prose article-body"'):html.index('class="lite-link')]
    links = re.findall(r'href="(/(?:products|collections)/[^"]+)"', body)
    assert len(links) >= 4
    for href in links:
        assert href.endswith("ref=article:shop"), href
    assert 'class="button shop-now" href="/products/magnesium-glycinate?ref=article:shop">Shop magnesium</a>' in html
    if "cart.add" in app.view_functions:
        assert '<input type="hidden" name="ref" value="article:shop">' in html


def test_collection_strip_shows_a_few_in_stock_cards(client):
    teas = make_collection("teas", title="Teas")
    for n in range(6):
        make_product(f"tea-{n}", title=f"Tea {n}", collection=teas)
    make_product("tea-empty", title="Tea Empty", stock=0, collection=teas)
    make_product("coffee", title="Coffee")
    make_article("shop", "[[collection:teas]]\n")
    html = _page(client)
    strip = html[html.index('class="cta cta-collection"'):]
    strip = strip[: strip.index("</section>")]
    assert strip.count('class="card product-card cta-card"') == 4
    assert "Tea Empty" not in strip and "Coffee" not in strip
    assert "Shop the Teas collection" in strip


def test_rule_collection_strip_uses_the_rule(client):
    make_collection("low-fodmap-certified", title="Certified", rule="certified")
    make_product("certain", title="Certain", certified=True)
    make_product("uncertain", title="Uncertain")
    make_article("shop", "[[collection:low-fodmap-certified]]\n")
    html = _page(client)
    assert "Certain" in html and "Uncertain" not in html


def _article_with_ctas(n: int, slug: str) -> None:
    lines = []
    for i in range(n):
        lines.append(f"Para {i} [[shop-now:p-{i}|Shop {i}]]\n\n[[product:p-{i}]]\n")
    lines.append("[[products:" + ",".join(f"p-{i}" for i in range(min(n, 8))) + "]]\n")
    lines.append("[[collection:teas]]\n\n[[collection:snacks]]\n")
    make_article(slug, "\n".join(lines), tags=["health"])


def test_query_count_is_the_same_with_1_and_25_ctas(client, count_queries):
    teas = make_collection("teas")
    make_collection("snacks", rule="certified")
    for i in range(25):
        make_product(f"p-{i}", stock=0 if i % 5 == 0 else 10, certified=i % 2 == 0,
                     collection=teas if i % 3 == 0 else None)
    _article_with_ctas(1, "one")
    _article_with_ctas(25, "many")
    client.get("/blog/one")  # warm-up: first request work is not part of the page
    counts = {}
    for slug in ("one", "many"):
        with count_queries() as counter:
            assert client.get(f"/blog/{slug}").status_code == 200
        counts[slug] = counter.count
    assert counts["one"] == counts["many"]
    assert counts["many"] <= 7  # with collection strips and a sold-out CTA: the worst case


def test_typical_article_page_stays_within_six_queries(client, count_queries):
    for slug in ("a", "b", "c"):
        make_product(slug, certified=True)
    make_product("sold", stock=0)
    make_article("other", tags=["health"])
    make_article("shop", "[[shop-now:a]]\n\n[[products:a,b,c]]\n\n[[product:sold]]\n", tags=["health"])
    client.get("/blog/other")
    with count_queries() as counter:
        client.get("/blog/shop")
    assert counter.count <= 6, counter.statements


def test_lite_view_query_count_is_flat_too(client, count_queries):
    for i in range(25):
        make_product(f"p-{i}")
    make_collection("teas")
    make_collection("snacks")
    _article_with_ctas(1, "one")
    _article_with_ctas(25, "many")
    client.get("/blog/one/lite")
    counts = []
    for slug in ("one", "many"):
        with count_queries() as counter:
            client.get(f"/blog/{slug}/lite")
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_tag_rule_collection_strip_uses_the_diet_tag(client):
    make_collection("vegan", title="Vegan", rule="tag:vegan")
    make_product("oat-bar", title="Oat Bar", tags=["vegan"])
    make_product("whey", title="Whey Shake", tags=["keto"])
    make_article("shop", "[[collection:vegan]]\n")
    html = _page(client)
    assert "Oat Bar" in html and "Whey Shake" not in html
