"""Customers for staff: who bought what, what brought them, and the two account actions
(deactivate or reactivate, change a role).

Reads are a fixed number of queries whatever the number of accounts or orders: a page of
accounts, then one grouped query for the order figures of that page. Both actions end every
session of the person changed (the User model rotates its session token when `role` or
`active` changes), so a demoted or deactivated account is signed out on its next request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from blog.models import Article
from storefront import audit
from storefront.accounts.models import Role, User
from storefront.accounts.services import change_role as change_account_role
from storefront.extensions import db
from storefront.orders.models import REVENUE_STATUSES, Order

PER_PAGE = 25
ARTICLE_PREFIX = "article:"


class CannotChangeOwnAccount(Exception):
    """An admin tried to demote or deactivate themself (they would lock themself out)."""


class UnknownRole(ValueError):
    """A role that is not customer, editor or admin."""


@dataclass(frozen=True)
class OrderFigures:
    """What a customer's paid orders add up to (money in minor units, net of refunds)."""

    orders: int = 0
    spent: int = 0
    first_order: datetime | None = None
    last_order: datetime | None = None


@dataclass(frozen=True)
class CustomerRow:
    user: User
    figures: OrderFigures


@dataclass(frozen=True)
class CustomerPage:
    rows: list[CustomerRow]
    pagination: object  # flask_sqlalchemy Pagination: page, pages, has_prev, prev_num, ...


def _revenue_statuses() -> list[str]:
    return [s.value for s in REVENUE_STATUSES]


def order_figures(user_ids: list[int]) -> dict[int, OrderFigures]:
    """Paid-order count, money spent net of refunds, first and last order per account: one
    grouped query for any number of accounts. Unpaid or cancelled orders are not purchases."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(Order.user_id, func.count(Order.id), func.coalesce(func.sum(Order.total - Order.refunded_total), 0),
               func.min(Order.created_at), func.max(Order.created_at))
        .where(Order.user_id.in_(user_ids), Order.status.in_(_revenue_statuses()))
        .group_by(Order.user_id)
    )
    return {uid: OrderFigures(int(n), int(spent), first, last) for uid, n, spent, first, last in rows}


def customer_page(q: str = "", role: str = "", page: int = 1, per_page: int = PER_PAGE) -> CustomerPage:
    """Accounts newest first, searched by words of the email or name, optionally by role."""
    stmt = select(User)
    if q:
        pattern = f"%{q.lower()}%"
        stmt = stmt.where(or_(func.lower(User.email).like(pattern), func.lower(User.name).like(pattern)))
    if role in {r.value for r in Role}:
        stmt = stmt.where(User.role == role)
    pagination = db.paginate(stmt.order_by(User.created_at.desc(), User.id.desc()), page=page,
                             per_page=per_page, error_out=False, count=True)
    users = list(pagination.items)
    figures = order_figures([u.id for u in users])
    return CustomerPage([CustomerRow(u, figures.get(u.id, OrderFigures())) for u in users], pagination)


@dataclass(frozen=True)
class ArticleLink:
    slug: str
    title: str
    article_id: int | None  # None: the article was deleted since


@dataclass(frozen=True)
class CustomerDetail:
    user: User
    figures: OrderFigures
    orders: list[Order]
    articles: list[ArticleLink]


def get_customer(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def articles_that_brought(orders: list[Order]) -> list[ArticleLink]:
    """The distinct articles the customer's orders are attributed to, as titles (one query)."""
    slugs = list(dict.fromkeys(
        o.attribution.removeprefix(ARTICLE_PREFIX) for o in orders
        if o.attribution and o.attribution.startswith(ARTICLE_PREFIX)
    ))
    if not slugs:
        return []
    found = {slug: (aid, title) for aid, slug, title in
             db.session.execute(select(Article.id, Article.slug, Article.title).where(Article.slug.in_(slugs)))}
    return [ArticleLink(slug, found[slug][1], found[slug][0]) if slug in found else ArticleLink(slug, slug, None)
            for slug in slugs]


def customer_detail(user: User) -> CustomerDetail:
    """A customer's orders (every status, newest first), their totals and the articles that brought them."""
    orders = list(db.session.scalars(
        select(Order).where(Order.user_id == user.id).order_by(Order.created_at.desc(), Order.id.desc())
    ))
    return CustomerDetail(user, order_figures([user.id]).get(user.id, OrderFigures()), orders,
                          articles_that_brought(orders))


def _refuse_self(actor: User, user: User) -> None:
    if actor.id == user.id:
        raise CannotChangeOwnAccount("You cannot change your own role or deactivate your own account: "
                                     "ask another admin.")


def set_active(actor: User, user: User, active: bool) -> bool:
    """Deactivate or reactivate an account; either ends all its sessions. Returns whether it changed."""
    _refuse_self(actor, user)
    if user.active == active:
        return False
    audit.record_change(actor, "user", user.id, user.email, "user.reactivate" if active else "user.deactivate",
                        {"active": user.active}, {"active": active})
    user.active = active
    user.end_all_sessions()  # the model's listener does it too; said here so the rule is visible
    db.session.commit()
    return True


def change_role(actor: User, user: User, role: str) -> bool:
    """Make an account a customer, editor or admin; ends all its sessions. Returns whether it changed."""
    if role not in {r.value for r in Role}:
        raise UnknownRole(f"{role!r} is not a role")
    _refuse_self(actor, user)
    if user.role == role:
        return False
    change_account_role(user, role, actor)  # ends the sessions and records it in the audit log
    return True
