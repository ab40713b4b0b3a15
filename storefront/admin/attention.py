"""What waits for someone, for the dashboard: each item says what is wrong and where it is fixed.

Every kind is one query (or one grouped read) whatever the number of items; each list is cut at
LIMIT with the total kept, and the template links "all N" to the page that lists them all.
Editors see what they can fix (articles); admins see everything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from blog.models import Article
from storefront.admin.articles import review_due_articles
from storefront.catalog.admin_services import certification_warnings
from storefront.extensions import db
from storefront.jobs.monitor import failed_count
from storefront.orders.models import Order
from storefront.payments.unmatched import open_unmatched_count
from storefront.reviews.queries import pending_count

LIMIT = 10
CTA_PROBLEMS = {"missing": "does not exist", "unavailable": "is archived or not on sale", "sold-out": "is sold out"}


@dataclass(frozen=True)
class Item:
    message: str
    endpoint: str  # where it is fixed: an admin endpoint and its arguments
    args: dict = field(default_factory=dict)
    anchor: str = ""


@dataclass(frozen=True)
class Group:
    kind: str  # heading, e.g. "Broken CTA"
    items: list[Item]
    total: int
    all_endpoint: str | None = None  # the page listing every item, when the list was cut
    all_args: dict = field(default_factory=dict)

    @property
    def more(self) -> int:
        return max(self.total - len(self.items), 0)


def broken_cta_items(broken) -> Group:
    """Each broken CTA links to its article's edit page (one query maps slugs to ids)."""
    slugs = {b.article_slug for b in broken}
    rows = db.session.execute(select(Article.slug, Article.id).where(Article.slug.in_(slugs))) if slugs else []
    ids = {slug: aid for slug, aid in rows}
    items = [
        Item(f"“{b.article_title}”, line {b.line}: {'collection' if b.kind == 'collection' else 'product'} "
             f"“{b.slug}” {CTA_PROBLEMS.get(str(b.problem), 'cannot sell')}.",
             "admin.article_edit", {"article_id": ids[b.article_slug]})
        for b in broken if b.article_slug in ids
    ]
    return Group("Broken CTA", items[:LIMIT], len(items))


def review_due_items(max_age_days: int) -> Group:
    due = review_due_articles(max_age_days)
    items = [Item(f"“{d.article.title}” was last reviewed {d.days_since} days ago.", "admin.article_edit",
                  {"article_id": d.article.id}) for d in due[:LIMIT]]
    return Group("Medical review due", items, len(due), "admin.review_due")


def certificate_items(window_days: int) -> Group:
    warnings = certification_warnings(window_days)
    items = [Item(f"{w.product_title}: {w.message}", "admin.product_edit", {"product_id": w.product_id},
                  "certifications") for w in warnings[:LIMIT]]
    return Group("Certificate", items, len(warnings), "admin.certifications")


def flagged_order_items(total: int) -> Group:
    rows = db.session.execute(
        select(Order.id, Order.number).where(Order.flagged()).order_by(Order.created_at.desc()).limit(LIMIT)
    ) if total else []
    items = [Item(f"Order {number} was flagged by a payment notification: check it.", "admin.order_detail",
                  {"order_id": oid}) for oid, number in rows]
    return Group("Order needs review", items, total, "admin.orders", {"review": 1})


def pending_review_items() -> Group:
    """Product reviews waiting for moderation: one COUNT; one line linking to the queue."""
    waiting = pending_count()
    items = [Item(f"{waiting} review{' waits' if waiting == 1 else 's wait'} for moderation.", "admin.reviews",
                  {"status": "pending"})] if waiting else []
    return Group("Product reviews", items, waiting)


def admin_only_items() -> list[Group]:
    """Jobs that failed for good and payments taken without an order: one COUNT each."""
    groups = []
    failed = failed_count()
    if failed:
        groups.append(Group("Failed job", [Item(f"{failed} background job{' has' if failed == 1 else 's have'} "
                                                "failed for good: read the error and retry.", "admin.jobs_list", anchor="failed-heading")],
                            1))
    unmatched = open_unmatched_count()
    if unmatched:
        groups.append(Group("Payment without an order", [Item(
            f"{unmatched} payment{' was' if unmatched == 1 else 's were'} taken without an order.",
            "admin.orders_unmatched")], 1))
    return groups
