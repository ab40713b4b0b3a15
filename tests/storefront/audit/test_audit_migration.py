"""The migration folding stock_adjustment into audit_entry keeps every recorded stock change,
and its downgrade puts them back."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from storefront import create_app
from storefront.audit import AuditEntry
from storefront.clock import now
from storefront.extensions import db
from tests.test_migrations import empty_database_url  # noqa: F401

BEFORE = "c7e2a4b6d8f0"


def _reflected(name: str) -> sa.Table:
    return sa.Table(name, sa.MetaData(), autoload_with=db.session.connection())


def test_stock_adjustments_become_audit_entries_and_come_back(empty_database_url, tmp_path):  # noqa: F811
    app = create_app(
        {"LARDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": empty_database_url, "UPLOAD_FOLDER": str(tmp_path)}
    )
    with app.app_context():
        upgrade(revision=BEFORE)
        # Rows written to the tables as they are at that revision, not through today's models.
        product, variant, account, adjustment = (_reflected(n) for n in ("product", "variant", "user_account",
                                                                          "stock_adjustment"))
        conn = db.session.connection()
        product_id = conn.execute(sa.insert(product).values(
            slug="mag", title="Mag", brand="", summary="", description="", ingredients="", allergens="",
            status="active", seo_title="", seo_description="", price_from=0, search_keywords="", search_body="",
            created_at=now(), updated_at=now()).returning(product.c.id)).scalar_one()
        variant_id = conn.execute(sa.insert(variant).values(
            product_id=product_id, sku="MAG-60", option_label="60", price=1899, stock=30, weight_grams=0,
            position=0).returning(variant.c.id)).scalar_one()
        user_id = conn.execute(sa.select(account.c.id).limit(1)).scalar()
        conn.execute(sa.insert(adjustment), [
            {"variant_id": variant_id, "sku": "MAG-60", "delta": 10, "stock_after": 30, "reason": "Delivery",
             "user_id": user_id, "user_email": "owner@example.com", "at": now()},
            {"variant_id": None, "sku": "GONE-1", "delta": -2, "stock_after": 0, "reason": "Damaged",
             "user_id": None, "user_email": "", "at": now()},
        ])
        db.session.commit()

        upgrade()
        kept = [(e.object_type, e.object_id, e.object_label, e.parent_id, e.action, e.before, e.after, e.note,
                 e.actor_email) for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        db.session.remove()  # end the reading transaction: the downgrade drops the table it read

        downgrade(revision=BEFORE)
        table = _reflected("stock_adjustment")
        back = [tuple(r) for r in db.session.execute(sa.select(
            *(table.c[n] for n in ("variant_id", "sku", "delta", "stock_after", "reason", "user_email"))
        ).order_by(table.c.id))]
        db.session.remove()
        db.engine.dispose()

    assert kept == [
        ("variant", str(variant_id), "MAG-60", str(product_id), "stock.adjust", {"stock": 20}, {"stock": 30},
         "Delivery", "owner@example.com"),
        ("variant", "GONE-1", "GONE-1", None, "stock.adjust", {"stock": 2}, {"stock": 0}, "Damaged", ""),
    ]
    assert back == [(variant_id, "MAG-60", 10, 30, "Delivery", "owner@example.com"),
                    (None, "GONE-1", -2, 0, "Damaged", "")]
