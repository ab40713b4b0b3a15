"""A product's "from" price follows its cheapest variant, whoever changes the variants.

psql, import tools and bulk loads write variants with raw SQL, past the ORM: the listing card's
"From" price and the price order must follow them all the same.
"""

from __future__ import annotations

from sqlalchemy import text

from storefront.extensions import db
from tests.factories import make_collection, make_product


def test_a_raw_sql_price_change_moves_the_card_price_and_the_price_order(app, client):
    collection = make_collection("pantry")
    make_product("oats", title="Plain Oats", price=500, collection=collection)
    honey = make_product(
        "honey", title="Raw Honey", variants=[{"price": 1500}, {"price": 2500}], collection=collection
    )
    for url in ("/products?sort=price", "/collections/pantry?sort=price"):
        html = client.get(url).get_data(as_text=True)
        assert html.index("Plain Oats") < html.index("Raw Honey"), url
        assert "From $15.00" in html, url

    db.session.execute(text("UPDATE variant SET price = 300 WHERE id = :id"), {"id": honey.variants[0].id})
    db.session.commit()

    for url in ("/products?sort=price", "/collections/pantry?sort=price"):
        html = client.get(url).get_data(as_text=True)
        assert "From $3.00" in html and "From $15.00" not in html, url
        assert html.index("Raw Honey") < html.index("Plain Oats"), url


def test_a_raw_sql_variant_delete_and_insert_reprice_the_product(app, client):
    honey = make_product("honey", title="Raw Honey", variants=[{"price": 900}, {"price": 2500}])
    db.session.execute(text("DELETE FROM variant WHERE id = :id"), {"id": honey.variants[0].id})
    db.session.commit()
    assert "$25.00" in client.get("/products").get_data(as_text=True)

    db.session.execute(
        text("INSERT INTO variant (product_id, sku, option_label, price, stock, weight_grams, position) "
             "VALUES (:product, 'HONEY-SMALL', 'Small', 700, 5, 0, 2)"),
        {"product": honey.id},
    )
    db.session.commit()
    html = client.get("/products").get_data(as_text=True)
    assert "From $7.00" in html and "$25.00" not in html
