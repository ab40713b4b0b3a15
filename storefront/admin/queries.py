"""Staff-side reads for orders and articles: filtered, paginated, a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from blog.models import Article, ArticleStatus, Author
from storefront.extensions import db
from storefront.orders.models import Order, OrderStatus, Shipment

PER_PAGE = 25


@dataclass
class OrderFilters:
    q: str = ""
    status: str = ""
    start: date | None = None
    end: date | None = None
    page: int = 1
    needs_review: bool = False  # only orders a payment notification flagged for staff to look at


def order_page(filters: OrderFilters, per_page: int = PER_PAGE):
    """Orders newest first, filtered by number or email, status, the day they were placed and the review flag."""
    return db.paginate(filtered_orders(filters), page=filters.page, per_page=per_page, error_out=False)


def filtered_orders(filters: OrderFilters):
    """The list's filters as one SELECT, newest first: the page, the CSV export and bulk actions share it."""
    stmt = select(Order)
    if filters.needs_review:
        stmt = stmt.where(Order.flagged())
    if filters.status in {s.value for s in OrderStatus}:
        stmt = stmt.where(Order.status == filters.status)
    if filters.q:
        stmt = stmt.where(or_(Order.number == filters.q.upper(), func.lower(Order.email) == filters.q.lower()))
    if filters.start:
        stmt = stmt.where(Order.created_at >= datetime.combine(filters.start, time(), tzinfo=UTC))
    if filters.end:
        stmt = stmt.where(Order.created_at < datetime.combine(filters.end + timedelta(days=1), time(), tzinfo=UTC))
    return stmt.order_by(Order.created_at.desc(), Order.id.desc())


def flagged_order_count() -> int:
    """How many orders wait for staff review: one COUNT, for the orders list and the dashboard."""
    return db.session.scalar(
        select(func.count()).select_from(Order).where(Order.flagged())
    ) or 0


def get_order_with_history(order_id: int) -> Order | None:
    """An order with its lines, events and payments loaded up front."""
    return db.session.scalar(
        select(Order)
        .where(Order.id == order_id)
        .options(selectinload(Order.lines), selectinload(Order.events), selectinload(Order.payments),
                 selectinload(Order.shipments).selectinload(Shipment.lines))
    )


def orders_with_lines(ids: list[int]) -> list[Order]:
    """The given orders, newest first, with their lines (bulk actions, packing slips): two queries."""
    return list(db.session.scalars(
        select(Order).where(Order.id.in_(ids)).options(selectinload(Order.lines))
        .order_by(Order.created_at.desc(), Order.id.desc())
    ))


def article_page(status: str, q: str, page: int, per_page: int = PER_PAGE):
    """Articles most recently changed first, by status and words of the title or slug."""
    stmt = select(Article)
    if status in {s.value for s in ArticleStatus}:
        stmt = stmt.where(Article.status == status)
    if q:
        pattern = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(Article.title).like(pattern), Article.slug.like(pattern)))
    return db.paginate(stmt.order_by(Article.updated_at.desc(), Article.id.desc()), page=page,
                       per_page=per_page, error_out=False)


def author_options() -> list[tuple[str, str]]:
    """(slug, byline) of every author and medical reviewer."""
    rows = db.session.execute(select(Author.slug, Author.name, Author.credentials).order_by(Author.name))
    return [(slug, f"{name}, {cred}" if cred else name) for slug, name, cred in rows]
