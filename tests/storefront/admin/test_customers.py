"""Customers for admins: the list (search, figures, pages, a flat query count), a customer's page
(orders, money net of refunds, the articles that brought them) and the two account actions,
which end every session of the person changed and never apply to the admin's own account."""

from __future__ import annotations

import re

import pytest

from blog.services import ArticleDraft, publish_article, save_article
from storefront.accounts.models import User
from storefront.extensions import db
from storefront.money import format_money
from storefront.orders.services import refund_order
from tests.factories import make_order, make_paid_order, make_product, make_user

PASSWORD = "correct horse battery"


pytestmark = pytest.mark.usefixtures("each_request_loads_its_own_user")


def _row(page: str, user: User) -> list[str]:
    match = re.search(rf'<tr data-customer="{user.id}">(.*?)</tr>', page, re.S)
    assert match, f"no row for {user.email}"
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match.group(1), re.S)]


def _shopper(email="ada@example.com", name="Ada Lovelace"):
    user = make_user(email)
    user.name = name
    db.session.commit()
    return user


def test_list_shows_paid_orders_and_money_spent_net_of_refunds(as_admin):
    ada = _shopper()
    product = make_product("magnesium-glycinate", price=1500, stock=50)
    paid = make_paid_order([(product.variants[0], 2)], user=ada)
    refunded = make_paid_order([(product.variants[0], 1)], user=ada)
    make_order([(product.variants[0], 1)], user=ada)  # never paid: not a purchase
    refund_order(refunded, 500, actor="admin@example.com")
    page = as_admin.get("/admin/customers").get_data(as_text=True)
    email, role, orders, spent, first, last = _row(page, ada)
    assert "ada@example.com" in email and "Ada Lovelace" in email
    assert role == "customer" and orders == "2"
    assert spent == format_money(paid.total + refunded.total - 500)  # money, never minor units
    assert first != "—" and last != "—"


def test_search_by_email_or_name(as_admin):
    ada = _shopper()
    bob = _shopper("bob@example.com", "Bob Baker")
    page = as_admin.get("/admin/customers?q=lovelace").get_data(as_text=True)
    assert f'data-customer="{ada.id}"' in page and f'data-customer="{bob.id}"' not in page
    page = as_admin.get("/admin/customers?q=BOB@").get_data(as_text=True)
    assert f'data-customer="{bob.id}"' in page and f'data-customer="{ada.id}"' not in page
    page = as_admin.get("/admin/customers?q=nobody-like-this").get_data(as_text=True)
    assert "No accounts match" in page


def test_list_is_paginated(as_admin):
    for n in range(30):
        make_user(f"many{n:02d}@example.com")
    first = as_admin.get("/admin/customers").get_data(as_text=True)
    second = as_admin.get("/admin/customers?page=2").get_data(as_text=True)
    assert first.count("data-customer=") == 25 and 'rel="next"' in first
    assert 0 < second.count("data-customer=") < 25 and 'rel="prev"' in second
    assert as_admin.get("/admin/customers?page=abc").status_code == 200


def test_list_query_count_does_not_grow_with_customers_or_orders(as_admin, count_queries):
    product = make_product("magnesium-glycinate", price=1500, stock=500)
    make_paid_order([(product.variants[0], 1)], user=_shopper())
    as_admin.get("/admin/customers")
    with count_queries() as few:
        as_admin.get("/admin/customers")
    for n in range(8):
        user = make_user(f"buyer{n}@example.com")
        make_paid_order([(product.variants[0], 1)], user=user)
        make_paid_order([(product.variants[0], 1)], user=user)
    as_admin.get("/admin/customers")  # as before the first count: the signed-in admin's row is loaded again
    with count_queries() as many:
        page = as_admin.get("/admin/customers").get_data(as_text=True)
    assert page.count("data-customer=") >= 10
    assert many.count == few.count
    grouped = [s for s in many.statements if "shop_order" in s]
    assert len(grouped) == 1 and "GROUP BY" in grouped[0].upper()


def test_customer_page_shows_orders_totals_and_the_articles_that_brought_them(as_admin):
    ada = _shopper()
    product = make_product("magnesium-glycinate", price=1500, stock=50)
    article = publish_article(save_article(None, ArticleDraft(
        source="Cramps?\n\n[[product:magnesium-glycinate]]\n", title="Magnesium for back pain",
        slug="magnesium-for-back-pain")).article)
    one = make_paid_order([(product.variants[0], 1)], user=ada, attribution="article:magnesium-for-back-pain")
    two = make_paid_order([(product.variants[0], 1)], user=ada, attribution="article:magnesium-for-back-pain")
    make_paid_order([(product.variants[0], 1)], user=ada, attribution="article:deleted-one")
    make_paid_order([(product.variants[0], 1)])  # someone else's
    page = as_admin.get(f"/admin/customers/{ada.id}").get_data(as_text=True)
    assert f'href="/admin/orders/{one.id}"' in page and f'href="/admin/orders/{two.id}"' in page
    assert page.count('href="/admin/orders/') == 3
    articles = page.split('id="articles-heading"')[1].split("</section>")[0]
    assert f'<a href="/admin/articles/{article.id}">Magnesium for back pain</a>' in articles
    assert articles.count("Magnesium for back pain") == 1  # distinct
    assert "deleted-one" in articles and "article:" not in articles
    facts = page.split('class="customer-facts"')[1].split("</dl>")[0]
    assert "<dd>3</dd>" in facts and "$" in facts


def test_unknown_customer_is_404(as_admin):
    assert as_admin.get("/admin/customers/999999").status_code == 404
    assert as_admin.post("/admin/customers/999999/role", data={"role-role": "admin", "role-confirm": "y"}).status_code == 404


def _signed_in_client(app, user):
    client = app.test_client()
    response = client.post("/account/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    return client


def test_role_change_ends_the_persons_sessions(app, as_admin):
    writer = make_user("writer@example.com", role="editor")
    theirs = _signed_in_client(app, writer)
    assert theirs.get("/admin/articles").status_code == 200
    response = as_admin.post(f"/admin/customers/{writer.id}/role", data={"role-role": "customer", "role-confirm": "y"})
    assert response.status_code == 303
    assert "now customer" in as_admin.get(response.headers["Location"]).get_data(as_text=True)
    db.session.refresh(writer)
    assert writer.role == "customer"
    # Their browser is signed out: the next request goes to the sign-in page.
    response = theirs.get("/account")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_deactivation_ends_the_persons_sessions_and_reactivation_lets_them_sign_in(app, as_admin):
    ada = _shopper()
    theirs = _signed_in_client(app, ada)
    cookie = app.config["SESSION_COOKIE_NAME"]
    copy = app.test_client()  # the same session in a second browser, not used while deactivated
    copy.set_cookie(cookie, theirs.get_cookie(cookie).value)
    response = as_admin.post(f"/admin/customers/{ada.id}/deactivate", data={"active-confirm": "y"})
    assert response.status_code == 303
    db.session.refresh(ada)
    assert ada.active is False
    assert theirs.get("/account").status_code == 302
    refused = app.test_client().post("/account/login", data={"email": ada.email, "password": PASSWORD})
    assert refused.status_code != 302 or refused.headers["Location"] != "/account"

    assert as_admin.post(f"/admin/customers/{ada.id}/reactivate", data={"active-confirm": "y"}).status_code == 303
    db.session.refresh(ada)
    assert ada.active is True
    # Reactivation does not bring the old session back: the cookie stays signed out ...
    assert copy.get("/account").status_code == 302
    _signed_in_client(app, ada)  # ... and a fresh sign-in works


def test_actions_need_the_confirmation_tick(as_admin):
    ada = _shopper()
    token = ada.session_token
    response = as_admin.post(f"/admin/customers/{ada.id}/role", data={"role-role": "admin"})
    assert response.status_code == 400 and "Tick the box" in response.get_data(as_text=True)
    response = as_admin.post(f"/admin/customers/{ada.id}/deactivate", data={})
    assert response.status_code == 400 and "Tick the box" in response.get_data(as_text=True)
    db.session.refresh(ada)
    assert (ada.role, ada.active, ada.session_token) == ("customer", True, token)


def test_unknown_role_is_a_form_error(as_admin):
    ada = _shopper()
    response = as_admin.post(f"/admin/customers/{ada.id}/role", data={"role-role": "owner", "role-confirm": "y"})
    assert response.status_code == 400
    db.session.refresh(ada)
    assert ada.role == "customer"


def test_an_admin_cannot_demote_or_deactivate_themself(as_admin, admin_user):
    page = as_admin.get(f"/admin/customers/{admin_user.id}").get_data(as_text=True)
    assert "This is your own account" in page and "Change role</button>" not in page
    response = as_admin.post(f"/admin/customers/{admin_user.id}/role", data={"role-role": "customer", "role-confirm": "y"})
    assert response.status_code == 400 and "cannot change your own role" in response.get_data(as_text=True)
    response = as_admin.post(f"/admin/customers/{admin_user.id}/deactivate", data={"active-confirm": "y"})
    assert response.status_code == 400
    db.session.refresh(admin_user)
    assert (admin_user.role, admin_user.active) == ("admin", True)
    assert as_admin.get("/admin/customers").status_code == 200  # still signed in


def test_editors_may_not_see_customers(as_editor):
    ada = _shopper()
    assert as_editor.get("/admin/customers").status_code == 403
    assert as_editor.get(f"/admin/customers/{ada.id}").status_code == 403
    assert as_editor.post(f"/admin/customers/{ada.id}/role", data={"role-role": "admin", "role-confirm": "y"}).status_code == 403
    db.session.refresh(ada)
    assert ada.role == "customer"

