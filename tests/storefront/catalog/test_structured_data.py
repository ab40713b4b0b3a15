"""The Product JSON-LD on a product page states each price as the exact decimal of its minor
units (what search engines read), never a float's rendering of it."""

from __future__ import annotations

import json
import re

import pytest

from tests.factories import make_product


def served_offers(client, slug: str) -> list[dict]:
    html = client.get(f"/products/{slug}").get_data(as_text=True)
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found, "no JSON-LD on the product page"
    data = json.loads(found.group(1))
    assert data["@type"] == "Product"
    return data["offers"]


@pytest.mark.parametrize(
    "currency,minor,price",
    [
        ("USD", 1000, "10.00"),
        ("USD", 50, "0.50"),
        ("USD", 100000, "1000.00"),
        ("USD", 1899, "18.99"),
        ("JPY", 1000, "1000"),  # no minor unit: no decimals
    ],
)
def test_offer_price_is_the_exact_decimal_of_the_minor_units(app, client, monkeypatch, currency, minor, price):
    monkeypatch.setitem(app.config, "STORE_CURRENCY", currency)
    make_product("priced", price=minor)
    (offer,) = served_offers(client, "priced")
    assert offer["price"] == price
    assert offer["priceCurrency"] == currency


def test_each_variant_offer_has_its_own_price(client):
    make_product("sizes", variants=[{"price": 1000, "option": "Small"}, {"price": 100000, "option": "Bulk"}])
    offers = served_offers(client, "sizes")
    assert [(o["name"], o["price"]) for o in offers] == [("Small", "10.00"), ("Bulk", "1000.00")]
