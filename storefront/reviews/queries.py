"""What other rooms (and the product page's hook) read of reviews: approved ones only, except the
staff queue. Each function is one query whatever the number of reviews."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select

from storefront.extensions import db
from storefront.pagination import PageNumbers
from storefront.reviews.models import Review, ReviewStatus

PER_PAGE = 10
SORTS = {"newest": "Newest first", "helpful": "Most helpful first"}
DEFAULT_SORT = "newest"
MAX_PAGE = 1000  # a made-up page number far past the end is a short empty page, not a deep OFFSET


@dataclass(frozen=True)
class ReviewsPage(PageNumbers):
    reviews: list[Review]
    total: int
    page: int
    per_page: int
    sort: str
    average: float | None


def _order(sort: str) -> tuple:
    if sort == "helpful":
        return (Review.helpful_count.desc(), Review.created_at.desc(), Review.id.desc())
    return (Review.created_at.desc(), Review.id.desc())


def approved_reviews(product, sort: str = DEFAULT_SORT, page: int = 1, per_page: int = PER_PAGE) -> ReviewsPage:
    """One page of `product`'s approved reviews; the count and average come from its own columns,
    so a product without reviews costs no query at all (most products; the page's budget holds)."""
    sort = sort if sort in SORTS else DEFAULT_SORT
    page = min(max(page, 1), MAX_PAGE)
    if not product.review_count:
        return ReviewsPage([], 0, page, per_page, sort, None)
    rows = list(db.session.scalars(
        select(Review).where(Review.product_id == product.id, Review.status == ReviewStatus.APPROVED.value)
        .order_by(*_order(sort)).limit(per_page).offset((page - 1) * per_page)
    ))
    return ReviewsPage(rows, product.review_count, page, per_page, sort, product.rating_average)


def newest_approved(product_id: int, limit: int = 3) -> list[Review]:
    return list(db.session.scalars(
        select(Review).where(Review.product_id == product_id, Review.status == ReviewStatus.APPROVED.value)
        .order_by(Review.created_at.desc(), Review.id.desc()).limit(limit)
    ))


# ------------------------------------------------------------------ staff

STATUS_ORDER = case(
    (Review.status == ReviewStatus.PENDING.value, 0),
    (Review.status == ReviewStatus.APPROVED.value, 1),
    else_=2,
)


@dataclass(frozen=True)
class QueuePage(PageNumbers):
    reviews: list[Review]
    total: int
    page: int
    per_page: int


def moderation_queue(status: str | None, page: int = 1, per_page: int = 25) -> QueuePage:
    """Pending first (oldest waiting at the top), then the rest newest first; or one status."""
    query = select(Review)
    count = select(func.count(Review.id))
    if status:
        query, count = query.where(Review.status == status), count.where(Review.status == status)
    total = db.session.scalar(count) or 0
    page = min(max(page, 1), MAX_PAGE)
    pending_first = case((Review.status == ReviewStatus.PENDING.value, Review.created_at), else_=None)
    rows = list(db.session.scalars(
        query.order_by(STATUS_ORDER, pending_first.asc(), Review.created_at.desc(), Review.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ))
    return QueuePage(rows, total, page, per_page)


def pending_count() -> int:
    return db.session.scalar(select(func.count(Review.id)).where(Review.status == ReviewStatus.PENDING.value)) or 0
