"""A customer who bought a product, and reviews in any state, for the reviews tests."""

from __future__ import annotations

from datetime import timedelta

from storefront.clock import now
from storefront.extensions import db
from storefront.reviews.models import Review
from tests.factories import make_paid_order, make_product

GOOD_BODY = "Gentle on my stomach, and I sleep better since I started taking two a night."


def bought(user=None, product=None, email="shopper@example.com"):
    """(product, order) of a paid order for one unit of `product` (made if not given)."""
    product = product or make_product("magnesium-glycinate", title="Magnesium Glycinate", price=1999, stock=50)
    order = make_paid_order([(product.variants[0], 1)], user=user, email=email)
    return product, order


def add_review(product, *, rating=5, status="approved", body=GOOD_BODY, title="", name="Ann K.", helpful=0,
               days_ago=0, order_line=None) -> Review:
    review = Review(product_id=product.id, order_line_id=order_line.id if order_line else None, author_name=name,
                    rating=rating, title=title, body=body, status=status, helpful_count=helpful,
                    created_at=now() - timedelta(days=days_ago))
    db.session.add(review)
    db.session.commit()
    return review
