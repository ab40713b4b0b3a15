import json
import re

from tests.factories import make_collection, make_product


def test_home_shows_banner_collections_and_new_products(client, app):
    make_collection("low-fodmap-certified", title="Low FODMAP Certified", rule="certified")
    make_product("newest-thing", title="Newest Thing")
    html = client.get("/").get_data(as_text=True)
    assert "Low FODMAP Certified. Shop Now For Gut Health" in html
    assert 'href="/collections/low-fodmap-certified"' in html
    assert "Newest Thing" in html


def test_banner_text_and_link_come_from_settings(client, app):
    from storefront.site_settings import save_site_settings

    save_site_settings({"banner_text": "Free shipping this week", "banner_link": "/products"})
    html = client.get("/").get_data(as_text=True)
    assert "Free shipping this week" in html
    assert '<a href="/products">Free shipping this week</a>' in html


def test_product_page_shows_everything_a_shopper_needs(client, app):
    product = make_product(
        "mag",
        title="Magnesium Glycinate",
        certified=True,
        variants=[{"price": 1899, "compare_at_price": 2299, "stock": 5, "option": "60 capsules"}, {"price": 2999, "stock": 0, "option": "120 capsules"}],
        ingredients="Magnesium bisglycinate, capsule shell.",
    )
    product.nutrition = {"serving_size": "2 capsules", "rows": [{"nutrient": "Magnesium", "amount": "200 mg", "daily_value": "48%"}]}
    from storefront.extensions import db

    db.session.commit()
    html = client.get("/products/mag").get_data(as_text=True)
    assert "$18.99" in html and "$22.99" in html  # price and compare-at price
    assert "60 capsules" in html and "120 capsules" in html
    assert "Only 5 left" in html and "Sold out" in html
    assert product.certifications[0].licence_number in html
    assert "Serving size tested" in html and "Valid until" in html
    assert "Magnesium bisglycinate" in html
    assert "48%" in html
    assert 'aria-label="Breadcrumb"' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Product"
    assert data["offers"][0]["price"] == "18.99"
    assert data["offers"][0]["availability"] == "https://schema.org/InStock"
    assert data["offers"][1]["availability"] == "https://schema.org/OutOfStock"


def test_product_description_markdown_is_sanitised(client, app):
    make_product("x", description="**Bold** <script>alert(1)</script> [bad](javascript:alert(1))")
    html = client.get("/products/x").get_data(as_text=True)
    assert "<strong>Bold</strong>" in html
    assert "<script>alert(1)" not in html
    assert "href=\"javascript:" not in html


def test_sitemap_and_robots(client, app):
    make_collection("teas")
    make_product("listed")
    make_product("hidden", status="archived")
    xml = client.get("/sitemap.xml")
    assert xml.mimetype == "application/xml"
    body = xml.get_data(as_text=True)
    assert "/products/listed" in body and "/collections/teas" in body
    assert "/products/hidden" not in body
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Disallow: /admin" in robots and "Sitemap: http" in robots


def test_listing_and_home_cards_have_add_to_cart_buttons(client, app):
    make_product("buyable", stock=5)
    make_product("gone", stock=0)
    for url in ("/", "/products"):
        html = client.get(url).get_data(as_text=True)
        assert html.count('action="/cart/add"') == 1, url  # in-stock product only
