"""Demo discount codes: one to try at checkout (WELCOME10, in the README and the magnesium article),
one for free delivery, one expired (its article card says so and `check-ctas` would report it)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storefront.clock import now
from storefront.discounts.models import Discount, DiscountKind
from storefront.extensions import db


def demo_discounts() -> list[dict]:
    moment = now()
    return [
        {"code": "WELCOME10", "kind": DiscountKind.PERCENTAGE.value, "value": 10, "min_subtotal": 2500,
         "per_customer_limit": 1, "note": "Welcome code offered in the magnesium article"},
        {"code": "FREESHIP", "kind": DiscountKind.FREE_DELIVERY.value, "value": 0, "min_subtotal": 4000,
         "note": "Free standard or express delivery on larger orders"},
        {"code": "SPRING5", "kind": DiscountKind.FIXED.value, "value": 500, "min_subtotal": 3000,
         "starts_at": moment - timedelta(days=90), "ends_at": moment - timedelta(days=30),
         "note": "Last spring's newsletter code (expired)"},
    ]


def seed_discounts() -> int:
    """Add the demo codes that are missing; returns how many were added."""
    present = set(db.session.scalars(select(Discount.code)))
    added = 0
    for fields in demo_discounts():
        if fields["code"] not in present:
            db.session.add(Discount(**fields))
            added += 1
    db.session.commit()
    return added
