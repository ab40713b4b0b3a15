"""Who may review what, writing a review, moderating it, helpful votes and the "How was it?" email.

Public functions own their transaction (they commit). A review is plain text: nothing here turns
it into HTML, and templates escape it, so markup a reviewer types shows as the characters typed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from storefront import audit, jobs
from storefront.catalog.availability import is_on_sale
from storefront.catalog.models import Product, Variant
from storefront.clock import now
from storefront.extensions import db
from storefront.mail import send_email
from storefront.orders.models import Order, OrderLine, OrderStatus
from storefront.reviews.models import (
    BODY_MAX,
    BODY_MIN,
    NAME_MAX,
    TITLE_MAX,
    Review,
    ReviewStatus,
    ReviewVote,
)
from storefront.reviews.tokens import review_token
from storefront.site_urls import absolute_url_for

REVIEW_REQUEST = "reviews.request"  # outbox job kind: the "How was it?" email
DEFAULT_REQUEST_DELAY_DAYS = 7
# Orders whose money the shop kept: a refunded or cancelled order entitles no review.
REVIEWABLE_ORDER_STATUSES = (OrderStatus.PAID.value, OrderStatus.FULFILLED.value,
                             OrderStatus.PARTIALLY_REFUNDED.value)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class ReviewError(Exception):
    """A review that cannot be written or changed; the message is for the person who tried."""


class AlreadyReviewed(ReviewError):
    def __init__(self) -> None:
        super().__init__("You have already reviewed this product for this order. Thank you!")


class NotEligible(ReviewError):
    def __init__(self) -> None:
        super().__init__("Only customers who bought this product can review it. Reviews open once "
                         "your order is paid.")


# ------------------------------------------------------------------ eligibility


def _lines_of_product(product: Product):
    """Order lines that bought `product` (by its variants, or by slug once a variant is deleted)."""
    return or_(OrderLine.variant_id.in_(select(Variant.id).where(Variant.product_id == product.id)),
               (OrderLine.variant_id.is_(None)) & (OrderLine.product_slug == product.slug))


def _reviewed_line_ids(line_ids: list[int], product_id: int) -> set[int]:
    if not line_ids:
        return set()
    return set(db.session.scalars(select(Review.order_line_id).where(
        Review.order_line_id.in_(line_ids), Review.product_id == product_id)))


@dataclass(frozen=True)
class Eligibility:
    line: OrderLine | None  # the purchase the next review is for
    bought: bool  # any paid order with the product at all

    @property
    def already_reviewed(self) -> bool:
        return self.bought and self.line is None


def eligibility_for_user(user_id: int, product: Product) -> Eligibility:
    """The oldest paid order line of `product` bought by `user_id` that has no review yet."""
    lines = list(db.session.scalars(
        select(OrderLine).join(Order, Order.id == OrderLine.order_id)
        .where(Order.user_id == user_id, Order.status.in_(REVIEWABLE_ORDER_STATUSES), _lines_of_product(product))
        .order_by(Order.created_at, OrderLine.id)
    ))
    reviewed = _reviewed_line_ids([line.id for line in lines], product.id)
    waiting = [line for line in lines if line.id not in reviewed]
    return Eligibility(waiting[0] if waiting else None, bool(lines))


def product_of_line(line: OrderLine) -> Product | None:
    """The product an order line bought (by its variant, else by the slug copied at purchase)."""
    if line.variant_id is not None:
        variant = db.session.get(Variant, line.variant_id)
        if variant is not None:
            return variant.product
    return db.session.scalar(select(Product).where(Product.slug == line.product_slug)) if line.product_slug else None


def line_is_reviewable(line: OrderLine) -> bool:
    return line.order.status in REVIEWABLE_ORDER_STATUSES


# ------------------------------------------------------------------ writing


def plain_text(value: str | None, limit: int) -> str:
    """Text as typed, normalised: NFC, no control characters, Windows newlines made plain, trimmed."""
    text = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text).strip()
    return re.sub(r"\n{3,}", "\n\n", text)[:limit]


@dataclass(frozen=True)
class Draft:
    rating: int
    body: str
    author_name: str
    title: str = ""


def _checked(draft: Draft) -> Draft:
    body = plain_text(draft.body, BODY_MAX + 1)
    name = plain_text(draft.author_name, NAME_MAX + 1).replace("\n", " ")
    title = plain_text(draft.title, TITLE_MAX + 1).replace("\n", " ")
    if draft.rating not in range(1, 6):
        raise ReviewError("Choose a rating from 1 to 5 stars.")
    if not BODY_MIN <= len(body) <= BODY_MAX:
        raise ReviewError(f"Your review must be between {BODY_MIN} and {BODY_MAX} characters.")
    if not name or len(name) > NAME_MAX:
        raise ReviewError(f"Give a name to show with your review (up to {NAME_MAX} characters).")
    if len(title) > TITLE_MAX:
        raise ReviewError(f"The title can be up to {TITLE_MAX} characters.")
    return Draft(draft.rating, body, name, title)


def submit_review(line: OrderLine, draft: Draft, *, user_id: int | None, source: str) -> Review:
    """Store a pending review of the product `line` bought. One per product per order line:
    a second is refused (checked, and held by the unique constraint against a double submit)."""
    product = product_of_line(line)
    if product is None or not line_is_reviewable(line):
        raise NotEligible()
    clean = _checked(draft)
    if _reviewed_line_ids([line.id], product.id):
        raise AlreadyReviewed()
    review = Review(product_id=product.id, order_line_id=line.id, user_id=user_id, author_name=clean.author_name,
                    rating=clean.rating, title=clean.title, body=clean.body, source=source)
    db.session.add(review)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AlreadyReviewed() from None
    return review


def suggested_name(line: OrderLine) -> str:
    """"Ann K." from the order's delivery name: a first name and an initial, never the full name."""
    parts = (line.order.ship_name or "").split()
    if not parts:
        return ""
    return f"{parts[0]} {parts[-1][0]}." if len(parts) > 1 else parts[0]


# ------------------------------------------------------------------ moderation

# action -> (statuses it applies to, the status it gives, the word for the flash and the log)
ACTIONS = {
    "approve": ((ReviewStatus.PENDING, ReviewStatus.REJECTED, ReviewStatus.REMOVED), ReviewStatus.APPROVED, "approved"),
    "reject": ((ReviewStatus.PENDING,), ReviewStatus.REJECTED, "rejected"),
    "remove": ((ReviewStatus.APPROVED,), ReviewStatus.REMOVED, "removed"),
}


def moderate(review: Review, action: str, actor: object, note: str = "") -> Review:
    """Approve, reject or remove; audited. Only approving or removing changes a public page."""
    if action not in ACTIONS:
        raise ReviewError("Choose approve, reject or remove.")
    allowed, becomes, done = ACTIONS[action]
    if review.status not in allowed:
        raise ReviewError(f"This review is {review.status} and cannot be {done}.")
    before = {"status": review.status}
    review.status = becomes.value
    review.moderated_at = now()
    review.moderated_by = str(getattr(actor, "email", None) or actor)[:254]
    review.moderation_note = plain_text(note, 300)
    audit.record_change(actor, "review", review.id, f"Review of {review.product.title} by {review.author_name}",
                        action, before, {"status": review.status}, note=review.moderation_note)
    db.session.commit()  # expires every loaded row: the product's trigger-kept review columns are read again
    return review


# ------------------------------------------------------------------ helpful votes


def vote_helpful(review: Review, voter: str) -> bool:
    """Count one vote per voter; False when this voter had voted already. The count is not a
    shown column for the page cache (storefront/reviews/aggregate.py): no page is invalidated."""
    if review.status != ReviewStatus.APPROVED:
        raise ReviewError("This review is not published.")
    db.session.add(ReviewVote(review_id=review.id, voter=voter[:80]))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return False
    db.session.execute(update(Review).where(Review.id == review.id)
                       .values(helpful_count=Review.helpful_count + 1).execution_options(synchronize_session=False))
    db.session.commit()
    return True


# ------------------------------------------------------------------ the "How was it?" email


def record_review_request(order: Order) -> None:
    """Called in the transaction that fulfils `order` (orders' fulfilment hook): one email, some
    days later (REVIEW_REQUEST_DELAY_DAYS), keyed by the order so it is never sent twice."""
    days = int(current_app.config.get("REVIEW_REQUEST_DELAY_DAYS", DEFAULT_REQUEST_DELAY_DAYS))
    jobs.record(REVIEW_REQUEST, {"order_id": order.id}, key=f"review-request:{order.id}", delay=timedelta(days=days))


@dataclass(frozen=True)
class RequestLine:
    title: str
    link: str


def _request_lines(order: Order) -> list[RequestLine]:
    """One link per product still on sale and not reviewed yet (a product bought twice: once)."""
    lines, seen = [], set()
    for line in order.lines:
        product = product_of_line(line)
        if product is None or product.id in seen or not is_on_sale(product.status):
            continue
        seen.add(product.id)
        if not _reviewed_line_ids([line.id], product.id):
            lines.append(RequestLine(product.title, absolute_url_for("reviews.write", token=review_token(line.id))))
    return lines


@jobs.handler(REVIEW_REQUEST)
def send_review_request(payload: dict) -> None:
    """The worker's half: nothing for an order refunded or cancelled meanwhile, or all reviewed."""
    order = db.session.get(Order, payload["order_id"])
    if order is None or order.status not in REVIEWABLE_ORDER_STATUSES:
        return
    lines = _request_lines(order)
    if not lines:
        return
    send_email(order.email, f"How was your {current_app.config['STORE_NAME']} order?", "review_request",
               order=order, lines=lines)
