"""A product's certificate window follows its certificates, whoever writes them.

Listings filter and count "certified today" on the product row (certified_from, certified_until,
certified_gaps). psql, import tools and bulk loads write certificates with raw SQL, past the ORM:
the shopper's "Certified" filter, its count and the card's badge must follow them all the same.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import text

from storefront.catalog.models import Product
from storefront.clock import today
from storefront.extensions import db
from tests.factories import make_certification, make_product

BADGE = "Low FODMAP Certified"


def _window(product: Product) -> tuple[date | None, date | None, bool]:
    row = db.session.execute(
        text("SELECT certified_from, certified_until, certified_gaps FROM product WHERE id = :id"),
        {"id": product.id},
    ).one()
    since, until = (date.fromisoformat(d) if isinstance(d, str) else d for d in row[:2])
    return since, until, bool(row[2])


def _certify_by_sql(product: Product, first: int, last: int) -> None:
    day = today()
    db.session.execute(
        text(
            "INSERT INTO certification (product_id, body, licence_number, serving_size_tested, serving_unit, "
            "serving_metric_unit, valid_from, valid_until, evidence_url, listing_url) "
            "VALUES (:product, 'Monash University', 'LIC-RAW', '1 serving', '', '', :first, :last, '', '')"
        ),
        {"product": product.id, "first": day + timedelta(days=first), "last": day + timedelta(days=last)},
    )
    db.session.commit()


def _certified_listing(client) -> str:
    return client.get("/products?certified=1").get_data(as_text=True)


def test_a_certificate_written_by_raw_sql_lists_and_badges_the_product(app, client):
    make_product("oats", title="Plain Oats")
    honey = make_product("honey", title="Raw Honey")
    assert "Raw Honey" not in _certified_listing(client)

    _certify_by_sql(honey, -10, 300)

    html = _certified_listing(client)
    assert "Raw Honey" in html and "Plain Oats" not in html
    assert BADGE in client.get("/products/honey").get_data(as_text=True)
    day = today()
    assert _window(honey) == (day - timedelta(days=10), day + timedelta(days=300), False)

    db.session.execute(
        text("UPDATE certification SET valid_until = :day WHERE product_id = :id"),
        {"day": day - timedelta(days=1), "id": honey.id},
    )
    db.session.commit()
    assert "Raw Honey" not in _certified_listing(client)
    assert "Raw Honey" in client.get("/products").get_data(as_text=True)

    db.session.execute(text("DELETE FROM certification WHERE product_id = :id"), {"id": honey.id})
    db.session.commit()
    assert _window(honey) == (None, None, False)


def test_a_lapse_between_two_certificates_is_not_certified_until_a_renewal_covers_it(app, client):
    day = today()
    honey = make_product("honey", title="Raw Honey", commit=False)
    honey.certifications = [
        make_certification(day - timedelta(days=60), day - timedelta(days=1)),
        make_certification(day + timedelta(days=2), day + timedelta(days=90)),
    ]
    db.session.commit()
    # Today lies inside the window, in its hole: the certificates decide, and say no.
    assert _window(honey) == (day - timedelta(days=60), day + timedelta(days=90), True)
    assert "Raw Honey" not in _certified_listing(client)
    assert "Raw Honey" in client.get("/products").get_data(as_text=True)

    _certify_by_sql(honey, 0, 1)  # the renewal that fills the hole, day for day

    assert _window(honey) == (day - timedelta(days=60), day + timedelta(days=90), False)
    assert "Raw Honey" in _certified_listing(client)


def test_a_certificate_moved_to_another_product_moves_both_windows(app):
    day = today()
    oats = make_product("oats", title="Plain Oats")
    honey = make_product("honey", title="Raw Honey", certified=True)
    db.session.execute(
        text("UPDATE certification SET product_id = :oats WHERE product_id = :honey"),
        {"oats": oats.id, "honey": honey.id},
    )
    db.session.commit()
    assert _window(honey) == (None, None, False)
    assert _window(oats) == (day - timedelta(days=30), day + timedelta(days=300), False)


def test_a_certified_product_can_be_deleted(app):
    honey = make_product("honey", certified=True)
    db.session.delete(honey)
    db.session.commit()
    assert db.session.get(Product, honey.id) is None
