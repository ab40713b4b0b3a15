"""The weekly staff digest: one email per staff member listing what needs them, with links to fix it.

Beat records `admin.staff_digest` every Monday morning; its handler records one
`admin.staff_digest.send` job per active staff member, keyed `staff-digest:<ISO week>:<user id>`,
so beat firing twice in a week (a restart, two beat processes) still mails each person once.
Each member's digest is built when their job runs, from the same queries the admin pages use:
editors get what editors can fix (broken or sold-out CTAs, articles due for review), admins get
certificates running out and low stock as well. A section with nothing in it says so, so a quiet
week still shows the digest is alive.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from celery.schedules import crontab
from flask import current_app
from sqlalchemy import select

from blog.models import Article
from storefront import jobs
from storefront.accounts.models import Role, User
from storefront.admin.articles import review_due_articles
from storefront.catalog.admin_services import certification_warnings, low_stock_variants
from storefront.clock import today
from storefront.extensions import db
from storefront.mail import send_email
from storefront.site_settings import get_site_settings
from storefront.site_urls import absolute_url_for

STAFF_DIGEST = "admin.staff_digest"  # beat's job: fan out to every staff member
STAFF_DIGEST_SEND = "admin.staff_digest.send"  # one member's digest
MAX_ITEMS = 25  # per section; the section's link shows the rest

jobs.periodic("staff-digest", crontab(day_of_week="mon", hour=7, minute=0), STAFF_DIGEST)


@dataclass(frozen=True)
class DigestItem:
    text: str
    link: str


@dataclass(frozen=True)
class DigestSection:
    title: str
    link: str  # the admin page where staff fix these
    link_label: str
    empty: str  # what a quiet week says
    items: list[DigestItem]
    more: bool = False  # items beyond MAX_ITEMS, left to the linked page


def week_label(day: date) -> str:
    """"2026-W48": the ISO week, the digest's unit of "once"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _scheduled_day(payload: dict) -> date:
    try:
        return datetime.fromisoformat(payload["scheduled_at"]).date()
    except (KeyError, TypeError, ValueError):
        return today()


def staff_members() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.active.is_(True), User.role.in_([Role.EDITOR.value, Role.REVIEWER.value, Role.ADMIN.value]))
        .order_by(User.id)
    ))


@jobs.handler(STAFF_DIGEST)
def record_staff_digests(payload: dict) -> None:
    """One keyed job per staff member for the week beat fired in (a second firing adds nothing)."""
    week = week_label(_scheduled_day(payload))
    for user in staff_members():
        jobs.record(STAFF_DIGEST_SEND, {"user_id": user.id, "week": week}, key=f"staff-digest:{week}:{user.id}")


@jobs.handler(STAFF_DIGEST_SEND)
def send_staff_digest(payload: dict) -> None:
    """The worker's half: build this member's digest now and mail it (nobody left staff meanwhile)."""
    user = db.session.get(User, payload.get("user_id"))
    if user is None or not user.active or not user.is_staff:
        return
    send_email(
        user.email,
        f"{current_app.config['STORE_NAME']} staff digest, week {payload['week']}",
        "staff_digest",
        name=user.name,
        week=payload["week"],
        sections=digest_sections(user),
        dashboard_link=absolute_url_for("admin.dashboard"),
    )


def digest_sections(user: User) -> list[DigestSection]:
    """What this member can fix: editors the publication, admins the catalog too."""
    sections = [broken_cta_section(), review_due_section()]
    if user.is_admin:
        sections += [certificate_section(), low_stock_section()]
    return sections


def _section(title: str, endpoint: str, link_label: str, empty: str, items: list[DigestItem],
             **link_args: object) -> DigestSection:
    return DigestSection(title, absolute_url_for(endpoint, **link_args), link_label, empty,
                         items[:MAX_ITEMS], len(items) > MAX_ITEMS)


def broken_cta_section() -> DigestSection:
    from blog.services import broken_ctas

    broken = broken_ctas()
    ids = dict(db.session.execute(
        select(Article.slug, Article.id).where(Article.slug.in_({b.article_slug for b in broken}))
    ).all()) if broken else {}
    items = [
        DigestItem(f"“{b.article_title}”: {b}",
                   absolute_url_for("admin.article_edit", article_id=ids[b.article_slug]))
        for b in broken if b.article_slug in ids
    ]
    return _section("Broken or sold-out product links in articles", "admin.dashboard",
                    "See them on the dashboard", "Every product link in published articles can sell.", items)


def review_due_section() -> DigestSection:
    days = int(get_site_settings().review_max_age_days or 365)
    items = [
        DigestItem(f"“{due.article.title}”: last reviewed {due.days_since} days ago",
                   absolute_url_for("admin.article_edit", article_id=due.article.id))
        for due in review_due_articles(days)
    ]
    return _section("Articles due for medical review", "admin.review_due", "Open the review queue",
                    f"Every health article was reviewed within {days} days.", items)


def certificate_section() -> DigestSection:
    window = int(current_app.config["CERT_WARNING_DAYS"])
    items = [
        DigestItem(f"{w.product_title}: {w.message}", absolute_url_for("admin.product_edit", product_id=w.product_id))
        for w in certification_warnings(window) if w.kind in ("expiring", "expired")
    ]
    return _section(f"Certificates expiring within {window} days", "admin.certifications",
                    "Open certifications", "No certificate runs out soon.", items)


def low_stock_section() -> DigestSection:
    rows = low_stock_variants(limit=MAX_ITEMS + 1)
    items = [
        DigestItem(f"{title} ({variant.option_label}, SKU {variant.sku}): "
                   f"{'sold out' if variant.stock <= 0 else f'{variant.stock} left'}",
                   absolute_url_for("admin.variant_edit", product_id=product_id, variant_id=variant.id))
        for variant, title, product_id in rows
    ]
    return _section("Low stock", "admin.products", "See low-stock products", "Every variant is well stocked.",
                    items, stock="low")

