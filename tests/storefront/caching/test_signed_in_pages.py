"""Signed-in visitors are served the stored copy of a public page, with their own header.

A public page shows nothing of its visitor but the CSRF token, the cart count and the header's
account links, all three holes filled in per response (storefront/caching/holes.py). So one
stored copy serves everyone: a customer gets "Account", staff "Admin", everyone else "Sign in",
and none gets anyone else's token. Behind the real Redis page cache (database 4).
"""

from __future__ import annotations

import re

import pytest

from storefront.extensions import db
from tests.factories import make_product, make_user
from tests.fixtures.page_cache import served_fixture
from tests.fixtures.redis_server import redis_url

REDIS_URL = redis_url(4)
PAGE = "/products/magnesium-glycinate"

served = served_fixture(REDIS_URL)


@pytest.fixture
def shop(served):
    make_product("magnesium-glycinate", title="Magnesium Glycinate", price=1999, stock=20)
    customer = make_user("ada@example.com")
    staff = make_user("sam@example.com", role="admin")
    db.session.commit()
    return {"customer": customer, "staff": staff}


def _sign_in(client, user) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def _account_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="account-nav"[^>]*>(.*?)</nav>', html, re.S).group(1)
    return re.findall(r"<a [^>]*>([^<]+)</a>", nav)


def _csrf_tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
               + re.findall(r'name="csrf_token" value="([^"]+)"', html))


def test_a_signed_in_customer_is_served_the_stored_page_with_their_own_links(served, shop):
    anonymous = served.test_client()
    assert anonymous.get(PAGE).headers["X-Larder-Cache"] == "miss"

    customer = served.test_client()
    _sign_in(customer, shop["customer"])
    page = customer.get(PAGE)
    assert page.headers["X-Larder-Cache"] == "hit"
    html = page.get_data(as_text=True)
    assert _account_links(html) == ["Account"]
    assert "Magnesium Glycinate" in html and "$19.99" in html

    staff = served.test_client()
    _sign_in(staff, shop["staff"])
    assert _account_links(staff.get(PAGE).get_data(as_text=True)) == ["Admin", "Account"]


def test_a_page_stored_for_a_customer_shows_nothing_of_them_to_the_next_visitor(served, shop):
    customer = served.test_client()
    _sign_in(customer, shop["customer"])
    theirs = customer.get(PAGE)
    assert theirs.headers["X-Larder-Cache"] == "miss"
    their_tokens = _csrf_tokens(theirs.get_data(as_text=True))
    assert their_tokens, "the page has an add-to-cart form"

    anonymous = served.test_client()
    page = anonymous.get(PAGE)
    assert page.headers["X-Larder-Cache"] == "hit"
    html = page.get_data(as_text=True)
    assert _account_links(html) == ["Sign in"]
    assert "Account" not in _account_links(html)
    assert _csrf_tokens(html).isdisjoint(their_tokens)
    assert "__larder_" not in html, "a hole was left unfilled"


def test_a_signed_in_visitor_revalidates_their_own_copy_and_a_revoked_login_is_not_kept(served, shop):
    client = served.test_client()
    _sign_in(client, shop["customer"])
    first = client.get(PAGE)
    etag = first.headers["ETag"]

    again = client.get(PAGE, headers={"If-None-Match": etag})
    assert again.status_code == 304

    anonymous = served.test_client()
    assert anonymous.get(PAGE, headers={"If-None-Match": etag}).status_code == 200, "an ETag is one visitor's"

    shop["customer"].end_all_sessions()  # a password changed elsewhere signs this browser out
    db.session.commit()
    after = client.get(PAGE, headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert _account_links(after.get_data(as_text=True)) == ["Sign in"]
