"""The Product JSON-LD carries AggregateRating and the reviews shown, as a parser reads them."""

from __future__ import annotations

import extruct

from tests.factories import make_product
from tests.storefront.reviews.helpers import add_review


def _product_json_ld(html: str) -> dict:
    data = extruct.extract(html, base_url="http://localhost/", syntaxes=["json-ld"], uniform=True)["json-ld"]
    [product] = [item for item in data if item.get("@type") == "Product"]
    return product


def test_aggregate_rating_and_reviews_are_in_the_product_json_ld(client):
    product = make_product("magnesium-glycinate", title="Magnesium Glycinate", price=1999, stock=5)
    add_review(product, rating=5, name="Ann K.", title="Calm nights", body="</script><b>Sleep</b> better within a week.")
    add_review(product, rating=4, name="Ben O.", days_ago=2)
    add_review(product, rating=1, status="pending", name="Not Yet")
    found = _product_json_ld(client.get("/products/magnesium-glycinate").get_data(as_text=True))
    assert found["aggregateRating"] == {"@type": "AggregateRating", "ratingValue": 4.5, "reviewCount": 2,
                                        "bestRating": 5, "worstRating": 1}
    reviews = found["review"]
    assert [r["author"]["name"] for r in reviews] == ["Ann K.", "Ben O."]
    assert reviews[0]["reviewRating"]["ratingValue"] == 5 and reviews[0]["name"] == "Calm nights"
    assert reviews[0]["reviewBody"] == "</script><b>Sleep</b> better within a week."  # escaped in the page, intact as data


def test_no_reviews_no_rating(client):
    make_product("zinc", title="Zinc", price=900, stock=3)
    found = _product_json_ld(client.get("/products/zinc").get_data(as_text=True))
    assert "aggregateRating" not in found and "review" not in found
