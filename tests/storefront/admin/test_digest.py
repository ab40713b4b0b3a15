"""The weekly staff digest: each staff member gets one a week (however often beat fires), with the
problems they can fix and links to the pages where they fix them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from celery.schedules import crontab

from blog.services import ArticleDraft, publish_article, save_article
from storefront import jobs
from storefront.admin.digest import STAFF_DIGEST, week_label
from storefront.catalog.models import Product
from storefront.clock import now, today
from storefront.extensions import db
from storefront.jobs.queue import PERIODIC
from storefront.mail import html_part, outbox, text_part
from tests.blog.helpers import approve
from tests.factories import make_certification, make_product, make_user
from tests.fixtures.mail import assert_links_answer

MONDAY = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # ISO week 2026-W48


@pytest.fixture(autouse=True)
def _empty_outbox(app):
    outbox().clear()


def _beat_fires(at: datetime = MONDAY) -> None:
    """What beat does on schedule: record the periodic job (eager tests run it after the commit)."""
    jobs.record(STAFF_DIGEST, {"scheduled_at": at.isoformat()})
    db.session.commit()


def _digests() -> dict[str, object]:
    found = {}
    for message in outbox():
        if "staff digest" in message["Subject"]:
            assert message["To"] not in found, f"{message['To']} got two digests"
            found[message["To"]] = message
    return found


def _section(text: str, title: str) -> str:
    return text.split(f"== {title}")[1].split("\n== ")[0]


@pytest.fixture
def problems(app):
    """One of each: a sold-out and an archived product in a published article's CTAs, a certificate
    running out in ten days, a health article last reviewed 400 days ago, a variant with 3 left."""
    sold_out = make_product("sold-out-oats", title="Sold Out Oats", stock=0)
    archived = make_product("old-tea", title="Old Tea")
    article = save_article(None, ArticleDraft(
        source="Breakfast.\n\n[[product:sold-out-oats]]\n\n[[product:old-tea]]\n", title="Better breakfasts",
        slug="better-breakfasts")).article
    publish_article(article)
    archived.status = "archived"
    certified = make_product("certified-crackers", title="Certified Crackers")
    certified.certifications.append(make_certification(valid_until=today() + timedelta(days=10)))
    make_product("nearly-gone", title="Nearly Gone", stock=3)
    make_product("plenty", title="Plenty", stock=500)
    health = save_article(None, ArticleDraft(source="Gut health.", title="Old gut piece", tags=["health"],
                                             last_reviewed_at=now() - timedelta(days=400))).article
    approve(health)
    publish_article(health)
    db.session.commit()
    return {"sold_out": sold_out, "certified": certified}


def test_the_digest_is_scheduled_weekly_on_monday_morning(app):
    schedule, kind = PERIODIC["staff-digest"]
    assert kind == STAFF_DIGEST
    assert schedule == crontab(day_of_week="mon", hour=7, minute=0)
    assert week_label(MONDAY.date()) == "2026-W48"


def test_admins_get_every_section_with_the_seeded_problems(app, problems):
    make_user("admin@example.com", role="admin")
    _beat_fires()
    message = _digests()["admin@example.com"]
    assert message["Subject"] == "Larder staff digest, week 2026-W48"
    text, html = text_part(message), html_part(message)
    broken = _section(text, "Broken or sold-out product links in articles")
    assert "Better breakfasts" in broken and "sold-out-oats" in broken and "old-tea" in broken
    assert "Old gut piece" in _section(text, "Articles due for medical review")
    certificates = _section(text, "Certificates expiring within")
    assert "Certified Crackers" in certificates and "expires in 10 day(s)" in certificates
    low = _section(text, "Low stock")
    assert "Nearly Gone" in low and "3 left" in low and "Sold Out Oats" in low and "sold out" in low
    assert "Plenty" not in low and "Old Tea" not in low
    for phrase in ("Better breakfasts", "Old gut piece", "Certified Crackers", "Nearly Gone"):
        assert phrase in html


def test_every_digest_link_opens_for_a_signed_in_admin(app, client, auth, problems):
    admin = make_user("admin@example.com", role="admin")
    _beat_fires()
    message = _digests()["admin@example.com"]
    auth.login(admin)
    visited = assert_links_answer(client, message)
    product = db.session.get(Product, problems["certified"].id)
    for page in ("/admin/", "/admin/review-due", "/admin/certifications", "/admin/products?stock=low",
                 f"/admin/products/{product.id}"):
        assert page in visited
    assert any(p.startswith("/admin/articles/") for p in visited)
    assert any("/variants/" in p for p in visited)


def test_editors_get_the_publication_sections_and_every_link_opens_for_them(app, client, auth, problems):
    editor = make_user("editor@example.com", role="editor")
    make_user("shopper@example.com")
    _beat_fires()
    digests = _digests()
    assert set(digests) == {"editor@example.com"}, "customers get no staff digest"
    text = text_part(digests["editor@example.com"])
    assert "Better breakfasts" in text and "Old gut piece" in text
    assert "Certificates" not in text and "Low stock" not in text, "admin-only pages would answer 403"
    auth.login(editor)
    assert_links_answer(client, digests["editor@example.com"])


def test_one_digest_per_staff_member_a_week_however_often_beat_fires(app):
    make_user("admin@example.com", role="admin")
    make_user("editor@example.com", role="editor")
    _beat_fires()
    _beat_fires(MONDAY + timedelta(hours=3))  # a restarted beat fires again the same week
    assert sorted(m["To"] for m in outbox()) == ["admin@example.com", "editor@example.com"]
    keys = db.session.scalars(
        db.select(jobs.OutboxJob.key).where(jobs.OutboxJob.kind == "admin.staff_digest.send")
        .order_by(jobs.OutboxJob.key)
    ).all()
    assert len(keys) == 2 and all(k.startswith("staff-digest:2026-W48:") for k in keys)
    _beat_fires(MONDAY + timedelta(days=7))
    assert len(outbox()) == 4, "next week is another digest"


def test_a_quiet_week_says_so(app, client, auth):
    admin = make_user("admin@example.com", role="admin")
    _beat_fires()
    text = text_part(_digests()["admin@example.com"])
    assert "Every product link in published articles can sell." in text
    assert "No certificate runs out soon." in text and "Every variant is well stocked." in text
    auth.login(admin)
    assert_links_answer(client, _digests()["admin@example.com"])


def test_deactivated_staff_get_nothing(app):
    gone = make_user("gone@example.com", role="admin")
    gone.active = False
    db.session.commit()
    _beat_fires()
    assert _digests() == {}


def test_a_long_section_is_cut_and_points_to_its_page(app, monkeypatch, problems):
    from storefront.admin import digest

    monkeypatch.setattr(digest, "MAX_ITEMS", 1)
    make_user("admin@example.com", role="admin")
    _beat_fires()
    text = text_part(_digests()["admin@example.com"])
    low = _section(text, "Low stock")
    assert "(1+)" in low and "And more: see the page below." in low
    assert "See low-stock products: http" in low
