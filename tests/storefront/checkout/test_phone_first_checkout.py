"""Checkout as the shopper sees it: every problem listed with a link to its field, addresses checked
per country, the total with delivery before paying, one address layout everywhere, and a guest
who just paid offered an account."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from storefront.accounts.models import User
from storefront.extensions import db
from storefront.mail import outbox, text_part
from storefront.orders.models import Order
from tests.factories import checkout_form, make_product, make_user

CHECKOUT = checkout_form(line2="Apt 4", region="IL", postcode="62701")


def _cart(client, price=2000, title="Oat Biscuits"):
    variant = make_product(title.lower().replace(" ", "-"), title=title, price=price, stock=9).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1})
    return variant


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


def _by_id(page: str, element_id: str) -> str:
    found = re.search(r'<(\w+)[^>]* id="' + element_id + r'"[^>]*>(.*?)</\1>', page, re.S)
    assert found, f"no element #{element_id}"
    return _text(found.group(2))


def _error_summary(page: str) -> str:
    found = re.search(r'<div class="error-summary"[^>]*>.*?</div>', page, re.S)
    assert found, "no error summary"
    return found.group(0)


def test_an_empty_form_lists_every_problem_with_a_link_to_its_field(client):
    _cart(client)
    page = client.post("/checkout", data={"country": "US"}).get_data(as_text=True)
    summary = _error_summary(page)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary  # announced, and focusable by the script
    links = dict(re.findall(r'<a href="#([\w-]+)">(.*?)</a>', summary))
    assert set(links) == {"email", "name", "line1", "city", "postcode", "region", "shipping_method-0"}
    assert "Please enter your email address." in links["email"]
    assert "Please enter the state: addresses in the United States need one." in _text(links["region"])
    for field_id in ("email", "name", "line1", "city", "postcode", "region"):
        tag = re.search(r'<(?:input|select)[^>]* id="' + field_id + r'"[^>]*>', page).group(0)
        assert 'aria-invalid="true"' in tag and f'aria-describedby="{field_id}-error' in tag
        assert f'id="{field_id}-error"' in page  # the message the field points at
    assert 'id="shipping_method-0"' in page
    assert db.session.scalar(select(Order)) is None


def test_a_canadian_address_with_an_australian_postcode_is_refused_naming_the_format(client):
    _cart(client)
    page = client.post("/checkout", data={**CHECKOUT, "country": "CA", "region": "ON", "city": "Melbourne",
                                          "postcode": "3000"}).get_data(as_text=True)
    assert "Postcodes in Canada look like H3Z 2Y7 or V8X 3X4." in _text(_error_summary(page))
    assert 'aria-invalid="true"' in re.search(r'<input[^>]* id="postcode"[^>]*>', page).group(0)
    assert db.session.scalar(select(Order)) is None


def test_a_us_address_without_a_state_is_refused(client):
    _cart(client)
    page = client.post("/checkout", data={**CHECKOUT, "region": ""}).get_data(as_text=True)
    assert "Please enter the state: addresses in the United States need one." in _text(_error_summary(page))
    assert db.session.scalar(select(Order)) is None


def test_the_address_is_normalised_for_its_country(client):
    _cart(client)
    client.post("/checkout", data={**CHECKOUT, "country": "CA", "region": "ontario", "city": "Ottawa",
                                   "postcode": "k1a 0b1"})
    order = db.session.scalar(select(Order))
    assert (order.ship_postcode, order.ship_region, order.ship_city) == ("K1A 0B1", "ON", "Ottawa")


def test_the_total_with_delivery_is_shown_before_paying_for_each_method(client):
    _cart(client, price=2000)
    page = client.get("/checkout").get_data(as_text=True)
    assert _by_id(page, "checkout-delivery") == "$4.95" and _by_id(page, "checkout-total") == "$24.95"
    # The figures the page's script shows for the other method come from the server too.
    express = re.search(r'<input type="radio" id="shipping_method-1"[^>]*>', page).group(0)
    assert 'data-delivery="$12.95"' in express and 'data-total="$32.95"' in express
    assert '<button type="submit" name="recalculate" value="1"' in page


def test_update_total_without_javascript_shows_the_chosen_methods_total_and_no_errors(client):
    _cart(client, price=2000)
    page = client.post("/checkout", data={"shipping_method": "express", "recalculate": "1",
                                          "email": "half@exam"}).get_data(as_text=True)
    assert _by_id(page, "checkout-delivery") == "$12.95" and _by_id(page, "checkout-total") == "$32.95"
    assert 'class="error-summary"' not in page and 'aria-invalid' not in page
    assert re.search(r'id="shipping_method-1"[^>]* checked', page)
    assert 'value="half@exam"' in page  # what was typed is kept
    assert db.session.scalar(select(Order)) is None


def test_checkout_hides_the_store_navigation_and_shows_line_pictures_above_the_pay_button(client):
    _cart(client, title="Maple Granola")
    page = client.get("/checkout").get_data(as_text=True)
    assert 'class="main-nav"' not in page and 'role="search"' not in page
    assert re.search(r'<img src="[^"]+" alt="maple-granola image" width="48" height="48"', page)
    assert page.index('id="checkout-total"') < page.index(">Continue to payment</button>", page.index('id="checkout-total"'))


def test_one_address_layout_on_the_confirmation_page_the_order_page_the_email_and_the_admin(client, auth):
    _cart(client)
    outbox().clear()
    token = client.post("/checkout", data=CHECKOUT).headers["Location"].rsplit("/", 1)[-1]
    client.post(f"/checkout/demo/{token}/pay")
    lines = ["Ada Shopper", "1 Test Street", "Apt 4", "SPRINGFIELD, IL 62701", "United States"]

    def address_lines(page: str) -> list[str]:
        block = re.search(r'<address class="order-address">(.*?)</address>', page, re.S).group(1)
        return [_text(part) for part in block.split("<br>")]

    assert address_lines(client.get(f"/checkout/success/{token}").get_data(as_text=True)) == lines
    assert address_lines(client.get(f"/orders/{token}").get_data(as_text=True)) == lines
    (mail,) = outbox()
    body = text_part(mail)
    assert "Delivering to:\n" + "\n".join(lines) + "\n" in body
    order = db.session.scalar(select(Order))
    auth.login(make_user("staff@example.com", role="admin"))
    assert address_lines(client.get(f"/admin/orders/{order.id}").get_data(as_text=True)) == lines


def test_a_guest_who_paid_can_keep_the_order_in_a_new_account(client):
    _cart(client)
    token = client.post("/checkout", data=CHECKOUT).headers["Location"].rsplit("/", 1)[-1]
    client.post(f"/checkout/demo/{token}/pay")
    page = client.get(f"/checkout/success/{token}").get_data(as_text=True)
    assert "Keep this order in an account" in page and f'action="/account/from-order/{token}"' in page
    short = client.post(f"/account/from-order/{token}", data={"password": "short", "confirm": "short"})
    assert short.status_code == 400 and "Use at least 10 characters." in short.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None

    done = client.post(f"/account/from-order/{token}",
                       data={"password": "a long enough secret", "confirm": "a long enough secret"},
                       follow_redirects=True)
    order = db.session.scalar(select(Order))
    user = db.session.scalar(select(User))
    assert user.email == "ada@example.com" and order.user_id == user.id
    assert f"order {order.number} is in it" in done.get_data(as_text=True)
    assert order.number in client.get("/account").get_data(as_text=True)


def test_an_email_with_an_account_is_offered_sign_in_and_no_second_account(client):
    make_user("ada@example.com")
    _cart(client)
    token = client.post("/checkout", data=CHECKOUT).headers["Location"].rsplit("/", 1)[-1]
    client.post(f"/checkout/demo/{token}/pay")
    page = client.get(f"/checkout/success/{token}").get_data(as_text=True)
    assert "Keep this order in an account" not in page
    assert "You already have an account for ada@example.com." in page
    client.post(f"/account/from-order/{token}", data={"password": "a long enough secret", "confirm": "a long enough secret"})
    assert db.session.scalar(select(Order)).user_id is None
    assert len(db.session.scalars(select(User)).all()) == 1


def test_another_browser_with_the_order_link_is_not_offered_an_account(app, client):
    _cart(client)
    token = client.post("/checkout", data=CHECKOUT).headers["Location"].rsplit("/", 1)[-1]
    client.post(f"/checkout/demo/{token}/pay")
    other = app.test_client()
    assert "Keep this order in an account" not in other.get(f"/checkout/success/{token}").get_data(as_text=True)
    other.post(f"/account/from-order/{token}", data={"password": "a long enough secret", "confirm": "a long enough secret"})
    assert db.session.scalar(select(User)) is None


def test_checkout_page_query_count_does_not_grow_with_lines(client, count_queries):
    _cart(client)
    db.session.expunge_all()
    with count_queries() as one:
        client.get("/checkout")
    for n in range(5):
        _cart(client, title=f"Extra {n}")
    db.session.expunge_all()
    with count_queries() as six:
        client.get("/checkout")
    assert six.count == one.count

