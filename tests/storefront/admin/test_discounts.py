"""Staff screens for discount codes: create and edit (validated, audited), the list's uses and revenue,
a code's orders, and the dashboard's credit to the article whose card applied the code."""

from __future__ import annotations

from sqlalchemy import select

from storefront.audit.models import AuditEntry
from storefront.discounts.models import Discount
from storefront.extensions import db
from tests.blog.helpers import make_article
from tests.factories import checkout_form, make_discount, make_product

NEW = {"code": " spring 15 ".replace(" ", ""), "note": "Newsletter", "kind": "percentage", "value": "15",
       "min_subtotal": "30.00", "usage_limit": "100", "per_customer_limit": "1", "product_slugs": "",
       "collection_slugs": "", "active": "y"}


def _code(code: str) -> Discount | None:
    db.session.expire_all()
    return db.session.scalar(select(Discount).where(Discount.code == code))


def test_admin_creates_a_code_stored_in_capitals_and_audited(as_admin):
    response = as_admin.post("/admin/discounts/new", data={**NEW, "code": "spring15"})
    assert response.status_code == 302
    saved = _code("SPRING15")
    assert (saved.kind, saved.value, saved.min_subtotal, saved.usage_limit, saved.per_customer_limit) == (
        "percentage", 15, 3000, 100, 1)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "discount"))
    assert entry.action == "discount.create" and entry.actor_email == "admin@example.com"
    page = as_admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "SPRING15" in page and "15% off" in page and "No orders have used this code yet." in page


def test_the_form_refuses_bad_values_with_messages(as_admin):
    response = as_admin.post("/admin/discounts/new", data={**NEW, "code": "two words", "value": "150"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "no spaces" in page and "whole number from 1 to 100" in page
    make_discount("TAKEN")
    response = as_admin.post("/admin/discounts/new", data={**NEW, "code": "taken"})
    assert response.status_code == 422 and "exists already" in response.get_data(as_text=True)
    response = as_admin.post("/admin/discounts/new", data={**NEW, "kind": "fixed", "value": ""})
    assert response.status_code == 422 and "Give the amount off." in response.get_data(as_text=True)
    assert _code("SPRING15") is None


def test_editing_a_limit_recomputes_used_up_and_is_audited(as_admin):
    discount = make_discount("FEW", usage_limit=1, used_up=True)
    form = as_admin.get(f"/admin/discounts/{discount.id}/edit").get_data(as_text=True)
    assert 'value="FEW"' in form
    response = as_admin.post(f"/admin/discounts/{discount.id}/edit", data={**NEW, "code": "FEW", "usage_limit": "5"})
    assert response.status_code == 302
    assert _code("FEW").used_up is False and _code("FEW").usage_limit == 5
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "discount.update"))
    assert entry.after["usage_limit"] == 5 and entry.before["usage_limit"] == 1


def test_list_and_detail_show_uses_revenue_and_the_article(client, auth, admin_user):
    make_discount("WELCOME10", value=10)
    make_article("magnesium-guide", "Text.\n\n[[discount:WELCOME10]]")
    variant = make_product(price=3000, stock=9).variants[0]
    shopper = client
    shopper.post("/cart/add", data={"variant_id": variant.id, "quantity": 1})
    shopper.post("/cart/discount", data={"code": "WELCOME10", "ref": "article:magnesium-guide"})
    placed = shopper.post("/checkout", data=checkout_form())
    token = placed.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    shopper.post(f"/checkout/demo/{token}/pay")
    auth.login(admin_user)
    as_admin = client

    listing_response = as_admin.get("/admin/discounts")
    listing = listing_response.get_data(as_text=True)
    assert listing_response.status_code == 200, listing[:500]
    row = listing.split("WELCOME10</a>")[1].split("</tr>")[0]
    assert '<td class="num">1</td>' in row  # one use
    assert '<td class="num">$31.95</td>' in row  # revenue: 30.00 - 3.00 + 4.95 delivery
    assert '<td class="num">$3.00</td>' in row  # saved
    detail = as_admin.get(f"/admin/discounts/{_code('WELCOME10').id}").get_data(as_text=True)
    assert "ada@example.com" in detail and "Magnesium Guide" in detail and "$3.00" in detail

    dashboard = as_admin.get("/admin/").get_data(as_text=True)
    article_row = dashboard.split('data-article="magnesium-guide"')[1].split("</tr>")[0]
    assert "<td class=\"num\" data-code-orders>1</td>" in article_row
    assert "<td class=\"num\" data-code-saving>$3.00</td>" in article_row
