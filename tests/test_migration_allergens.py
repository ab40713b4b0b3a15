"""Revision e6b8d0f2a4c6 reads the allergens' free text and certificates' serving text into the
new structured columns, and its downgrade puts the allergens back into the text."""

from __future__ import annotations

from decimal import Decimal

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from storefront import create_app
from storefront.catalog.allergens import mask_of
from storefront.extensions import db
from tests.test_migrations import empty_database_url  # noqa: F401

BEFORE, REVISION = "a7c9e1f3b5d8", "e6b8d0f2a4c6"
PRODUCTS = {
    "none": "None of the 14 major allergens.",
    "bar": "Contains: peanuts, milk, barley (gluten). May contain: tree nuts.",
    "crackers": "Contains: wheat (spelt), gluten. May contain: sesame.",
    "odd": "Made beside a bakery.",
    "blank": "",
}


def _insert(conn) -> None:
    for i, (slug, allergens) in enumerate(PRODUCTS.items(), 1):
        conn.execute(text(
            "INSERT INTO product (id, slug, title, brand, summary, description, ingredients, allergens, status, "
            "seo_title, seo_description, price_from, search_keywords, search_body, created_at, updated_at) "
            "VALUES (:id, :slug, :slug, '', '', '', '', :allergens, 'active', '', '', 0, '', '', "
            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"id": i, "slug": slug, "allergens": allergens})
    for i, serving in enumerate(("2 capsules (1.1 g)", "1/2 cup (125 g)", "1 serving", "a handful"), 1):
        conn.execute(text(
            "INSERT INTO certification (id, product_id, body, licence_number, serving_size_tested, valid_from, "
            "valid_until, evidence_url) VALUES (:id, 1, 'Monash', '', :serving, '2026-01-01', '2027-01-01', '')"),
            {"id": i, "serving": serving})


def test_the_revision_converts_existing_text_and_downgrades_back(empty_database_url, tmp_path):  # noqa: F811
    app = create_app({"LARDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url,
                      "UPLOAD_FOLDER": str(tmp_path)})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            _insert(conn)
        upgrade(revision=REVISION)
        with db.engine.connect() as conn:
            products = {r.slug: (r.allergen_mask, r.allergens) for r in conn.execute(
                text("SELECT slug, allergen_mask, allergens FROM product"))}
            servings = conn.execute(text(
                "SELECT serving_quantity, serving_unit, serving_metric_quantity, serving_metric_unit "
                "FROM certification ORDER BY id")).all()
        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            restored = dict(conn.execute(text("SELECT slug, allergens FROM product")).all())
        db.engine.dispose()
    assert products == {
        "none": (0, ""),
        "bar": (mask_of(["peanuts", "milk", "gluten"]), "May contain: tree nuts."),
        "crackers": (mask_of(["wheat", "gluten"]), "May contain: sesame."),
        "odd": (None, "Made beside a bakery."),
        "blank": (None, ""),
    }
    assert [(Decimal(str(q)) if q is not None else None, u, Decimal(str(m)) if m is not None else None, mu)
            for q, u, m, mu in servings] == [
        (Decimal("2"), "capsules", Decimal("1.1"), "g"),
        (Decimal("0.5"), "cup", Decimal("125"), "g"),
        (Decimal("1"), "serving", None, ""),
        (None, "", None, ""),
    ]
    assert restored["bar"] == "Contains: gluten, milk, peanuts. May contain: tree nuts."
    assert restored["none"] == "None of the 14 major allergens."
    assert restored["odd"] == "Made beside a bakery."
