"""Card statements are built once per process; the day they ask about is still today."""

from __future__ import annotations

from datetime import timedelta

from storefront.catalog import queries
from storefront.catalog.queries import product_cards_by_slugs, similar_certified_card
from storefront.clock import today
from storefront.extensions import db
from tests.factories import make_certification, make_product


def test_badge_follows_the_clock_with_a_statement_built_yesterday(app, client, monkeypatch):
    product = make_product("oat-bar")
    product.certifications.append(
        make_certification(valid_from=today() - timedelta(days=10), valid_until=today())
    )
    db.session.commit()
    assert product_cards_by_slugs(["oat-bar"])["oat-bar"].certified

    monkeypatch.setattr(queries, "today", lambda: today() + timedelta(days=1))
    assert not product_cards_by_slugs(["oat-bar"])["oat-bar"].certified


def test_similar_card_excludes_the_given_slugs_on_each_call(app, client):
    for slug in ("first", "second"):
        make_product(slug, certified=True)
    assert similar_certified_card(["second"], None).slug == "first"
    assert similar_certified_card(["first"], None).slug == "second"
    assert similar_certified_card(["first", "second"], None) is None
