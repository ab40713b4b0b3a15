"""The audit log: staff changes to prices, stock, roles, certificates, settings, refunds and
publishing are recorded with who, when, before and after, in the change's own transaction, and
shown per object and on /admin/audit."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from storefront import audit
from storefront.accounts.services import change_role
from storefront.audit import AuditEntry
from storefront.catalog import admin_services as svc
from storefront.clock import now
from storefront.extensions import db
from tests.factories import make_paid_order, make_user


def entries(**where) -> list[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    for name, value in where.items():
        stmt = stmt.where(getattr(AuditEntry, name) == value)
    return list(db.session.scalars(stmt))


def text_of(html: str) -> str:
    """The page as a person reads it: tags dropped, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def variant_form(variant, **changes) -> dict:
    data = {"variant-sku": variant.sku, "variant-option_label": variant.option_label,
            "variant-price": "18.99", "variant-compare_at_price": "", "variant-weight_grams": "90"}
    data.update(changes)
    return data


ARTICLE_FORM = {
    "title": "Magnesium for sleep", "slug": "", "dek": "A short guide.",
    "body": "Magnesium helps.\n\n[[product:magnesium-glycinate]]", "tags": "supplements", "author": "",
    "reviewer": "", "last_reviewed": "", "seo_title": "", "seo_description": "", "publish_at": "",
    "picker_q": "", "action": "publish",
}


def assert_recent(entry: AuditEntry) -> None:
    at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=now().tzinfo)
    assert now() - timedelta(minutes=1) <= at <= now() + timedelta(seconds=1)


# ---------------------------------------------------------------- the three the issue names


def test_a_price_change_is_recorded_with_who_when_before_and_after(as_admin, admin_user, product):
    variant = product.variants[0]
    url = f"/admin/products/{product.id}/variants/{variant.id}"
    assert as_admin.post(url, data=variant_form(variant, **{"variant-price": "16.49"})).status_code == 302

    (entry,) = entries(action="variant.update")
    assert (entry.actor_id, entry.actor_email) == (admin_user.id, "admin@example.com")
    assert (entry.object_type, entry.object_id, entry.object_label) == ("variant", str(variant.id), variant.sku)
    assert (entry.parent_type, entry.parent_id) == ("product", str(product.id))
    assert (entry.before, entry.after) == ({"price": 1899}, {"price": 1649})  # minor units, changed fields only
    assert_recent(entry)

    for page in (f"/admin/audit/product/{product.id}", "/admin/audit"):
        html = text_of(as_admin.get(page).get_data(as_text=True))
        assert "admin@example.com" in html and "variant.update" in html
        assert "price $18.99 $16.49" in html  # money as money, not minor units
        assert entry.at.strftime("%Y-%m-%d %H:%M") in html


def test_a_stock_adjustment_is_recorded_with_who_when_before_and_after(as_admin, admin_user, product):
    variant = product.variants[1]
    url = f"/admin/products/{product.id}/variants/{variant.id}/stock"
    assert as_admin.post(url, data={"stock-delta": "12", "stock-reason": "Delivery received"}).status_code == 302

    (entry,) = entries(action="stock.adjust")
    assert (entry.actor_id, entry.actor_email, entry.note) == (admin_user.id, "admin@example.com", "Delivery received")
    assert (entry.before, entry.after) == ({"stock": 5}, {"stock": 17})
    assert_recent(entry)

    for page in (f"/admin/audit/product/{product.id}", f"/admin/audit/variant/{variant.id}", "/admin/audit"):
        html = text_of(as_admin.get(page).get_data(as_text=True))
        assert "stock 5 17" in html and "Why: Delivery received" in html and "admin@example.com" in html
    # The product page's own stock table reads the same log (there is no second ledger).
    product_page = text_of(as_admin.get(f"/admin/products/{product.id}").get_data(as_text=True))
    assert "+12 17 Delivery received admin@example.com" in product_page


def test_a_role_change_is_recorded_with_who_when_before_and_after(as_admin, admin_user):
    member = make_user("writer@example.com", role="customer")
    change_role(member, "editor", actor=admin_user)

    (entry,) = entries(action="user.role")
    assert (entry.actor_id, entry.actor_email) == (admin_user.id, "admin@example.com")
    assert (entry.object_type, entry.object_id, entry.object_label) == ("user", str(member.id), "writer@example.com")
    assert (entry.before, entry.after) == ({"role": "customer"}, {"role": "editor"})
    assert_recent(entry)
    for page in (f"/admin/audit/user/{member.id}", "/admin/audit"):
        html = text_of(as_admin.get(page).get_data(as_text=True))
        assert "role customer editor" in html and "admin@example.com" in html and "writer@example.com" in html


def test_the_set_role_command_records_the_change_and_ends_sessions(app, runner):
    member = make_user("writer@example.com", role="customer")
    token = member.session_token
    result = runner.invoke(args=["larder", "set-role", "--email", "writer@example.com", "--role", "admin"])
    assert result.exit_code == 0, result.output
    assert "was customer, is now admin" in result.output
    (entry,) = entries(action="user.role")
    assert entry.actor_email == "command line (flask larder)" and entry.actor_id is None
    assert (entry.before, entry.after) == ({"role": "customer"}, {"role": "admin"})
    db.session.refresh(member)
    assert member.session_token != token


def test_set_role_for_an_unknown_email_is_a_clear_error(app, runner):
    result = runner.invoke(args=["larder", "set-role", "--email", "nobody@example.com", "--role", "admin"])
    assert result.exit_code != 0 and "No account uses nobody@example.com" in result.output
    assert entries() == []


# ---------------------------------------------------------------- the other kinds of change


def test_certificates_added_and_removed_are_recorded(as_admin, product):
    data = {"cert-body": "FODMAP Friendly", "cert-licence_number": "FF-77", "cert-serving_size_tested": "2 g",
            "cert-valid_from": "2026-01-01", "cert-valid_until": "2027-01-01", "cert-evidence_url": ""}
    assert as_admin.post(f"/admin/products/{product.id}/certifications", data=data).status_code == 302
    cert = next(c for c in product.certifications if c.licence_number == "FF-77")
    assert as_admin.post(f"/admin/products/{product.id}/certifications/{cert.id}/delete").status_code == 302

    created, deleted = entries(object_type="certification")
    assert created.action == "certification.create" and created.after["valid_until"] == "2027-01-01"
    assert created.before == {} and created.parent_id == str(product.id)
    assert deleted.action == "certification.delete" and deleted.before["licence_number"] == "FF-77"
    html = text_of(as_admin.get(f"/admin/audit/product/{product.id}").get_data(as_text=True))
    assert "certification.create" in html and "certification.delete" in html and "FF-77" in html


def test_a_certificate_correction_is_recorded(app, admin_user, product):
    cert = product.certifications[0]
    data = {name: getattr(cert, name) for name in svc.AUDITED_CERT_FIELDS}
    svc.update_certification(cert, {**data, "licence_number": "NEW-1"}, actor=admin_user)
    (entry,) = entries(action="certification.update")
    assert entry.after == {"licence_number": "NEW-1"} and entry.actor_email == "admin@example.com"


def test_site_settings_changes_are_recorded(as_admin):
    form = {"banner_enabled": "y", "banner_text": "Summer sale", "banner_link": "/collections/sale",
            "tagline": "Certified low-FODMAP foods and supplements, chosen with care.",
            "trust_line": "Packed and dispatched within two working days. Unopened items can come back within 30 days.",
            "review_max_age_days": "365"}
    assert as_admin.post("/admin/settings", data=form).status_code == 302
    (entry,) = entries(object_type="settings")
    assert entry.before == {"banner_text": "Low FODMAP Certified. Shop Now For Gut Health",
                            "banner_link": "/collections/low-fodmap-certified"}
    assert entry.after == {"banner_text": "Summer sale", "banner_link": "/collections/sale"}
    settings_page = as_admin.get("/admin/settings").get_data(as_text=True)
    assert 'href="/admin/audit/settings/site"' in settings_page
    html = text_of(as_admin.get("/admin/audit/settings/site").get_data(as_text=True))
    assert "banner text Low FODMAP Certified. Shop Now For Gut Health Summer sale" in html


def test_a_refund_is_recorded_in_money(as_admin, admin_user):
    order = make_paid_order()
    response = as_admin.post(f"/admin/orders/{order.id}/refund",
                             data={"refund-amount": "5.00", "refund-seen": str(order.refunded_total)})
    assert response.status_code == 302
    (entry,) = entries(action="order.refund")
    assert entry.actor_email == "admin@example.com" and entry.object_label == order.number
    assert entry.before == {"status": "paid", "refunded_total": 0, "refund": None}
    assert entry.after == {"status": "partially_refunded", "refunded_total": 500, "refund": 500, "currency": order.currency}
    html = text_of(as_admin.get(f"/admin/audit/order/{order.id}").get_data(as_text=True))
    assert "refund — $5.00" in html and "refunded total $0.00 $5.00" in html
    assert f'href="/admin/audit/order/{order.id}"' in as_admin.get(f"/admin/orders/{order.id}").get_data(as_text=True)


def test_cancelling_an_order_is_recorded(app, admin_user):
    from storefront.orders.services import cancel_order

    order = make_paid_order()
    cancel_order(order, admin_user, "Customer asked")
    (entry,) = entries(action="order.cancel")
    assert entry.before["status"] == "paid" and entry.after["status"] == "cancelled"
    assert entry.after["refunded_total"] == order.total and entry.note.startswith("Customer asked")


def test_publishing_and_unpublishing_an_article_are_recorded(as_editor, product):
    from blog.models import Article

    assert as_editor.post("/admin/articles/new", data=ARTICLE_FORM).status_code == 302
    article = db.session.scalar(select(Article))
    assert as_editor.post(f"/admin/articles/{article.id}/unpublish").status_code == 302

    published, unpublished = entries(object_type="article")
    assert published.action == "article.publish" and published.actor_email == "editor@example.com"
    assert published.before["status"] == "draft" and published.after["status"] == "published"
    assert unpublished.before == {"status": "published"} and unpublished.after == {"status": "draft"}
    # Editors read an article's history (and its link is on the editor), not the whole log.
    assert f'href="/admin/audit/article/{article.id}"' in as_editor.get(f"/admin/articles/{article.id}").get_data(as_text=True)
    html = text_of(as_editor.get(f"/admin/audit/article/{article.id}").get_data(as_text=True))
    assert "article.publish" in html and "status draft published" in html


def test_a_refused_publication_records_nothing(as_editor, product):
    from blog.models import Article
    from storefront.catalog.models import ProductStatus

    form = {**ARTICLE_FORM, "action": "save"}
    assert as_editor.post("/admin/articles/new", data=form).status_code == 302
    article = db.session.scalar(select(Article))
    product.status = ProductStatus.ARCHIVED.value
    db.session.commit()
    as_editor.post(f"/admin/articles/{article.id}", data={**form, "action": "publish"})
    db.session.refresh(article)
    assert article.status == "draft"
    assert entries(object_type="article") == []


# ---------------------------------------------------------------- one transaction with the change


def test_an_entry_rolled_back_with_its_change_leaves_nothing(app, admin_user, product):
    variant = product.variants[0]
    before = {"price": variant.price}
    variant.price = 1000
    audit.record_change(admin_user, "variant", variant.id, variant.sku, "variant.update", before, {"price": 1000})
    db.session.rollback()
    assert entries() == []
    db.session.refresh(variant)
    assert variant.price == 1899


def test_a_refused_stock_change_records_nothing(as_admin, product):
    variant = product.variants[1]  # 5 in stock
    url = f"/admin/products/{product.id}/variants/{variant.id}/stock"
    assert as_admin.post(url, data={"stock-delta": "-6", "stock-reason": "Count"}).status_code == 422
    assert entries() == []


def test_a_price_change_that_fails_to_commit_records_nothing(app, admin_user, product):
    variant = product.variants[0]
    with pytest.raises(svc.CatalogError):
        # The database refuses a negative price at commit (CHECK price >= 0): the entry goes with it.
        svc.update_variant(variant, {"sku": variant.sku, "price": -5, "weight_grams": 0}, actor=admin_user)
    assert entries() == []
    db.session.refresh(variant)
    assert variant.price == 1899


def test_a_tracked_change_is_recorded_only_when_its_commit_succeeds(app, admin_user, product):
    audit.track(admin_user, product, ("status",), "product", product.title, "product.update")
    product.status = "draft"
    db.session.rollback()  # the watched change is refused...
    product.status = "archived"  # ...and a later, unwatched change commits: it is not the watched one
    db.session.commit()
    assert entries() == []


def test_nothing_is_recorded_when_nothing_changed(as_admin, product):
    variant = product.variants[0]
    url = f"/admin/products/{product.id}/variants/{variant.id}"
    assert as_admin.post(url, data=variant_form(variant)).status_code == 302
    assert entries() == []


# ---------------------------------------------------------------- browsing


def test_the_log_filters_by_object_person_and_date(as_admin, admin_user, product):
    other = make_user("boss@example.com", role="admin")
    svc.adjust_stock(product.variants[0], 1, "Found one", admin_user)
    change_role(make_user("x@example.com"), "editor", actor=other)
    old = entries(action="stock.adjust")[0]
    old.at = now() - timedelta(days=10)
    db.session.commit()

    def shown(query: str) -> str:
        return text_of(as_admin.get(f"/admin/audit?{query}").get_data(as_text=True))

    assert "user.role" in shown("type=user") and "stock.adjust" not in shown("type=user")
    assert "stock.adjust" in shown("who=admin@example") and "user.role" not in shown("who=admin@example.com")
    assert "user.role" in shown("who=BOSS@")
    recent = (now() - timedelta(days=2)).date().isoformat()
    assert "stock.adjust" not in shown(f"since={recent}") and "user.role" in shown(f"since={recent}")
    assert "stock.adjust" in shown(f"until={(now() - timedelta(days=5)).date().isoformat()}")
    # Bad input is ignored, never a 500.
    for query in ("since=not-a-date", "page=abc", "type=" + "x" * 500, "who=%00", "page=99999"):
        assert as_admin.get(f"/admin/audit?{query}").status_code in (200, 400)


def test_the_log_is_paginated_and_its_query_count_is_flat(as_admin, admin_user, product, count_queries):
    svc.adjust_stock(product.variants[0], 1, "one", admin_user)
    with count_queries() as few:
        assert as_admin.get("/admin/audit").status_code == 200
    for n in range(60):
        audit.record_change(admin_user, "variant", product.variants[n % 2].id, "SKU", "variant.update",
                            {"price": n}, {"price": n + 1}, parent=("product", product.id))
    db.session.commit()
    with count_queries() as many:
        first = as_admin.get("/admin/audit").get_data(as_text=True)
    assert many.count == few.count
    assert "1 of 2" in first and 'rel="next"' in first
    second = as_admin.get("/admin/audit?page=2").get_data(as_text=True)
    assert "2 of 2" in second and "Why: one" in second
    with count_queries() as history:
        assert as_admin.get(f"/admin/audit/product/{product.id}").status_code == 200
    assert history.count <= few.count


def test_an_object_without_changes_has_an_empty_history(as_admin, product):
    html = as_admin.get("/admin/audit/product/999999").get_data(as_text=True)
    assert "No changes recorded" in html


def test_the_product_page_links_to_its_history(as_admin, product):
    html = as_admin.get(f"/admin/products/{product.id}").get_data(as_text=True)
    assert f'href="/admin/audit/product/{product.id}"' in html


def test_changed_fields_keeps_only_what_changed():
    before, after = audit.changed_fields({"price": 100, "stock": 3, "currency": "USD"},
                                         {"price": 120, "stock": 3, "currency": "USD"})
    assert (before, after) == ({"price": 100}, {"price": 120, "currency": "USD"})
    assert audit.changed_fields({"a": 1}, {"a": 1}) == ({}, {})


def test_nothing_else_writes_to_the_log_count(app):
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0
