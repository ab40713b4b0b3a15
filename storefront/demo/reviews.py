"""Demo product reviews from reviews.json: approved ones on the demo products (their average on
cards, their text on product pages) and a couple pending in the staff queue.

Each review is tied to a paid demo order line of its product when one is still free (one review
per product per order line, as for real reviews). Idempotent: a review is found again by
(product, author name), so re-running seed-demo changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import or_, select

from storefront.catalog.models import Product, Variant
from storefront.clock import now
from storefront.demo import DEMO_DIR
from storefront.demo.orders import DEMO_NUMBER_PREFIX
from storefront.extensions import db
from storefront.orders.models import Order, OrderLine
from storefront.reviews.models import Review, ReviewStatus
from storefront.reviews.services import REVIEWABLE_ORDER_STATUSES

DEMO_FILE = DEMO_DIR / "reviews.json"


@dataclass
class ReviewsReport:
    created: int = 0
    existing: int = 0
    skipped: int = 0

    def __str__(self) -> str:
        text = f"{self.created} reviews added, {self.existing} already present"
        return text + (f", {self.skipped} skipped (product missing)" if self.skipped else "")


def load_demo_reviews(path: Path = DEMO_FILE) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["reviews"]


def _free_demo_line(product: Product) -> int | None:
    """A paid demo order line of `product` nobody has reviewed yet."""
    reviewed = select(Review.order_line_id).where(Review.order_line_id.is_not(None))
    return db.session.scalar(
        select(OrderLine.id).join(Order, Order.id == OrderLine.order_id)
        .where(or_(OrderLine.product_slug == product.slug,
                   OrderLine.variant_id.in_(select(Variant.id).where(Variant.product_id == product.id))),
               Order.number.startswith(DEMO_NUMBER_PREFIX),
               Order.status.in_(REVIEWABLE_ORDER_STATUSES), OrderLine.id.not_in(reviewed))
        .order_by(OrderLine.id).limit(1)
    )


def seed_demo_reviews(entries: list[dict] | None = None) -> ReviewsReport:
    report = ReviewsReport()
    moment = now()
    for entry in load_demo_reviews() if entries is None else entries:
        product = db.session.scalar(select(Product).where(Product.slug == entry["product"]))
        if product is None:
            report.skipped += 1
            continue
        if db.session.scalar(select(Review.id).where(Review.product_id == product.id,
                                                     Review.author_name == entry["author"])):
            report.existing += 1
            continue
        created = moment - timedelta(days=int(entry.get("days_ago", 0)))
        status = entry.get("status", ReviewStatus.APPROVED.value)
        approved = status == ReviewStatus.APPROVED.value
        db.session.add(Review(
            product_id=product.id, order_line_id=_free_demo_line(product), author_name=entry["author"],
            rating=int(entry["rating"]), title=entry.get("title", ""), body=entry["body"], status=status,
            source="email", helpful_count=int(entry.get("helpful", 0)), created_at=created,
            moderated_at=created + timedelta(hours=5) if approved else None,
            moderated_by="demo-staff" if approved else None,
        ))
        db.session.flush()
        report.created += 1
    db.session.commit()
    return report
