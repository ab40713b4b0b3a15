"""A product's diet tag bits follow its tag links, whoever writes them; collection entries follow
the product.

Listings filter by a diet tag on the product row (`diet_tag_bits`), and a manual collection on its
entries' copies of the bits and of the certificate window. psql, import tools and bulk loads
write links and certificates with raw SQL, past the ORM: the shopper's tag filters, in a
collection or not, must follow them all the same.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from storefront.catalog.diet_tag_bits import TAG_BITS
from storefront.catalog.models import DietTag, Product
from storefront.clock import today
from storefront.extensions import db
from tests.factories import make_certification, make_collection, make_product, make_tag


def _sql(statement: str, **params) -> None:
    db.session.execute(text(statement), params)
    db.session.commit()


def _bits(table: str, product: Product) -> int:
    column = "id" if table == "product" else "product_id"
    return db.session.execute(text(f"SELECT diet_tag_bits FROM {table} WHERE {column} = :id"), {"id": product.id}).scalar_one()


def _bit(slug: str) -> int | None:
    return db.session.execute(text("SELECT bit FROM diet_tag WHERE slug = :slug"), {"slug": slug}).scalar_one()


def _listed(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_tag_links_written_by_raw_sql_move_the_product_in_and_out_of_tag_filters(app, client):
    vegan, keto = make_tag("vegan"), make_tag("keto")
    make_product("oats", title="Plain Oats", tags=["keto"])
    honey = make_product("honey", title="Raw Honey")
    db.session.commit()
    assert "Raw Honey" not in _listed(client, "/products?tag=vegan")

    _sql("INSERT INTO product_diet_tag (product_id, diet_tag_id) VALUES (:p, :t)", p=honey.id, t=vegan.id)
    html = _listed(client, "/products?tag=vegan")
    assert "Raw Honey" in html and "Plain Oats" not in html
    assert _bits("product", honey) == 1 << _bit("vegan")

    _sql("UPDATE product_diet_tag SET diet_tag_id = :keto WHERE product_id = :p", keto=keto.id, p=honey.id)
    assert "Raw Honey" not in _listed(client, "/products?tag=vegan")
    assert "Raw Honey" in _listed(client, "/products?tag=keto")

    _sql("DELETE FROM product_diet_tag WHERE product_id = :p", p=honey.id)
    assert "Raw Honey" not in _listed(client, "/products?tag=keto")
    assert _bits("product", honey) == 0


def test_each_tag_takes_the_lowest_free_bit_and_a_deleted_tags_products_lose_it(app, client):
    make_tag("vegan"), make_tag("keto")
    _sql("INSERT INTO diet_tag (slug, name) VALUES ('paleo', 'Paleo')")  # raw SQL gets a bit too
    assert [_bit(s) for s in ("vegan", "keto", "paleo")] == [0, 1, 2]
    honey = make_product("honey", title="Raw Honey", tags=["keto", "paleo"])
    assert _bits("product", honey) == 0b110

    _sql("DELETE FROM diet_tag WHERE slug = 'keto'")
    assert _bits("product", honey) == 0b100
    # The freed bit goes to the next tag made; the deleted tag's products do not carry it.
    make_tag("nut-free")
    db.session.commit()
    assert _bit("nut-free") == 1
    assert "Raw Honey" not in _listed(client, "/products?tag=nut-free")
    assert "Raw Honey" in _listed(client, "/products?tag=paleo")


def test_a_store_has_at_most_62_diet_tags(app):
    for n in range(TAG_BITS):
        db.session.add(DietTag(slug=f"tag-{n}", name=f"Tag {n}"))
    db.session.commit()
    assert sorted(db.session.scalars(text("SELECT bit FROM diet_tag"))) == list(range(TAG_BITS))
    with pytest.raises(DBAPIError, match="at most 62 diet tags"):
        _sql("INSERT INTO diet_tag (slug, name) VALUES ('one-too-many', 'One Too Many')")
    db.session.rollback()
    assert db.session.scalar(text("SELECT count(*) FROM diet_tag")) == TAG_BITS


def test_a_tags_bit_moved_by_raw_sql_moves_its_products_bits(app, client):
    make_tag("vegan")
    honey = make_product("honey", title="Raw Honey", tags=["vegan"])
    _sql("UPDATE diet_tag SET bit = 40 WHERE slug = 'vegan'")
    assert _bits("product", honey) == 1 << 40
    assert "Raw Honey" in _listed(client, "/products?tag=vegan")


def test_a_collections_entries_follow_their_products_tags_and_certificates(app, client):
    """A manual collection filters on its entries' copies: tag links and certificates written by
    raw SQL reach them through the product row."""
    vegan = make_tag("vegan")
    shelf = make_collection("pantry", title="Pantry")
    honey = make_product("honey", title="Raw Honey", collection=shelf)
    make_product("oats", title="Plain Oats", tags=["vegan"], certified=True, collection=shelf)
    url = "/collections/pantry?certified=1&tag=vegan"
    html = _listed(client, url)
    assert "Plain Oats" in html and "Raw Honey" not in html

    _sql("INSERT INTO product_diet_tag (product_id, diet_tag_id) VALUES (:p, :t)", p=honey.id, t=vegan.id)
    assert _bits("collection_product", honey) == 1 << _bit("vegan")
    assert "Raw Honey" not in _listed(client, url), "tagged, not certified yet"
    day = today()
    _sql(
        "INSERT INTO certification (product_id, body, licence_number, serving_size_tested, serving_unit, "
        "serving_metric_unit, valid_from, valid_until, evidence_url, listing_url) VALUES (:p, 'Monash University', "
        "'LIC-RAW', '1 serving', '', '', :first, :last, '', '')",
        p=honey.id, first=day - timedelta(days=1), last=day + timedelta(days=30),
    )
    html = _listed(client, url)
    assert "Raw Honey" in html and "Plain Oats" in html
    assert 'data-facet-count="vegan">(2)' in html

    _sql("UPDATE certification SET valid_until = :gone WHERE product_id = :p", gone=day - timedelta(days=1), p=honey.id)
    assert "Raw Honey" not in _listed(client, url)
    _sql("UPDATE product SET status = 'draft' WHERE slug = 'oats'")
    assert "Plain Oats" not in _listed(client, url)


def test_an_entry_added_later_takes_the_products_copies(app, client):
    make_tag("keto")
    honey = make_product("honey", title="Raw Honey", tags=["keto"], certified=True)
    honey.certifications.append(make_certification(valid_from=today() + timedelta(days=400), valid_until=today() + timedelta(days=500)))
    db.session.commit()
    shelf = make_collection("pantry", title="Pantry")
    _sql("INSERT INTO collection_product (collection_id, product_id, position) VALUES (:c, :p, 0)", c=shelf.id, p=honey.id)
    row = db.session.execute(
        text("SELECT diet_tag_bits, certified_from, certified_until, certified_gaps FROM collection_product WHERE product_id = :p"),
        {"p": honey.id},
    ).one()
    product = db.session.execute(
        text("SELECT diet_tag_bits, certified_from, certified_until, certified_gaps FROM product WHERE id = :p"), {"p": honey.id}
    ).one()
    assert tuple(row) == tuple(product) and row[0] == 1 << _bit("keto") and bool(row[3]) is True
    assert "Raw Honey" in _listed(client, "/collections/pantry?certified=1&tag=keto")
