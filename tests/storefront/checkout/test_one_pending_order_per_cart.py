"""One cart has at most one pending order, however its checkout form is sent (double clicks, retries,
several tabs at once): the stock is held once, and every submit lands on that order's payment page."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from storefront import create_app
from storefront.cart.current import COOKIE_NAME
from storefront.cart.models import Cart
from storefront.catalog.models import Variant
from storefront.checkout.services import CheckoutInProgress, place_order
from storefront.extensions import db
from storefront.orders.models import Order
from tests.factories import checkout_form, make_address, make_cart, make_product

SUBMITS = 5
CHECKOUT = checkout_form(email="shopper@example.com", name="Shopper")


def _stock(variant_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Variant, variant_id).stock


def _orders(status: str | None = None) -> list[Order]:
    db.session.expire_all()
    query = select(Order).order_by(Order.id)
    if status:
        query = query.where(Order.status == status)
    return list(db.session.scalars(query))


def _racing_app(app, connections: int):
    # A second app on the same database, one pooled connection per submit (SQLite: the same file).
    options = {"pool_size": connections + 2, "max_overflow": 0} if "postgres" in app.config[
        "SQLALCHEMY_DATABASE_URI"] else {}
    return create_app({
        "LARDER_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SQLALCHEMY_ENGINE_OPTIONS": options,
    })


# Plenty of stock (extra holds show), and exactly the cart's quantity (a twin must not be told "sold out"
# because the other twin holds the stock); a few rounds, as any one race may not interleave badly.
@pytest.mark.parametrize("stock, round_", [(20, 1), (20, 2), (3, 1), (3, 2)])
def test_five_simultaneous_submits_of_one_cart_hold_its_stock_once(app, stock, round_):
    variant_id = make_product(title="Race Day Tea", price=1000, stock=stock).variants[0].id
    racing = _racing_app(app, SUBMITS)
    tabs = [racing.test_client() for _ in range(SUBMITS)]
    assert tabs[0].post("/cart/add", data={"variant_id": variant_id, "quantity": 3}).status_code == 302
    cart_cookie = tabs[0].get_cookie(COOKIE_NAME).value
    for tab in tabs[1:]:  # the same browser: every tab sends the same cart cookie
        tab.set_cookie(COOKIE_NAME, cart_cookie)

    start = threading.Barrier(SUBMITS)
    locations: list[str] = []
    errors: list[BaseException] = []

    def submit(tab):
        try:
            start.wait(timeout=30)
            response = tab.post("/checkout", data=CHECKOUT)
            locations.append(f"{response.status_code} {response.headers.get('Location', '')}")
        except BaseException as error:  # surfaced below; a thread must not swallow it
            errors.append(error)

    threads = [threading.Thread(target=submit, args=(tab,)) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    with racing.app_context():
        db.engine.dispose()
    assert not errors, errors

    (pending,) = _orders("pending_payment")
    assert _stock(variant_id) == stock - 3  # the cart's quantity, held once
    # Any other order is one a later submit replaced: cancelled, its stock back (the line above).
    assert {o.status for o in _orders()} <= {"pending_payment", "cancelled"}
    # Every submit went to a payment page; at least one (the last to finish) to the live order's.
    payment_page = f"303 /checkout/demo/{pending.public_token}"
    assert all(location.startswith("303 /checkout/demo/") for location in locations), locations
    assert payment_page in locations
    # The cart is kept until the payment is confirmed.
    assert "Race Day Tea" in tabs[0].get("/cart").get_data(as_text=True)


def test_a_second_submit_while_the_first_is_being_placed_joins_it(app):
    """The race's second submit, step by step (any database): the cart already has an order being
    handed to the payment provider, so no second order is placed and no more stock is held."""
    variant = make_product(price=1000, stock=10).variants[0]
    cart = make_cart([(variant, 2)])
    first = place_order(cart, "a@example.com", make_address(), "standard")
    with pytest.raises(CheckoutInProgress) as refused:
        place_order(cart, "a@example.com", make_address(), "standard")
    assert refused.value.order.id == first.id
    assert "already being placed" in str(refused.value)
    assert [o.id for o in _orders()] == [first.id]
    assert _stock(variant.id) == 8


def test_the_database_refuses_a_second_pending_order_for_a_cart(app):
    """Whatever code path writes it (SQLite's unlocked read included), a second pending order cannot exist."""
    variant = make_product(price=1000, stock=10).variants[0]
    cart = make_cart([(variant, 1)])
    first = place_order(cart, "a@example.com", make_address(), "standard")
    db.session.add(Order(email="b@example.com", cart_id=cart.id, currency="USD", status="pending_payment"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    # Once the first is no longer pending, the cart can check out again.
    first = db.session.get(Order, first.id)
    first.status = "cancelled"
    db.session.add(Order(email="b@example.com", cart_id=cart.id, currency="USD", status="pending_payment"))
    db.session.commit()


def _cart_with(client, variant, quantity=2):
    assert client.post("/cart/add", data={"variant_id": variant.id, "quantity": quantity}).status_code == 302
    return db.session.scalar(select(Cart).order_by(Cart.id.desc()))


def test_a_submit_that_waits_for_the_first_is_sent_to_its_payment_page(app, client, monkeypatch):
    """The second submit finds the first's order without a payment page yet, waits, then joins it."""
    from storefront.checkout import services
    from storefront.payments.base import ReturnUrls

    variant = make_product(price=1000, stock=10).variants[0]
    cart = _cart_with(client, variant)
    first = place_order(cart, "a@example.com", make_address(), "standard")  # the first submit, mid-way
    first_id = first.id
    waits = []

    def first_submit_finishes(seconds):  # while the second waits, the first gets its payment page
        waits.append(seconds)
        if len(waits) == 1:
            services.start_payment(db.session.get(Order, first_id), ReturnUrls("https://s/ok", "https://s/no"))

    monkeypatch.setattr(services, "time", SimpleNamespace(monotonic=time.monotonic, sleep=first_submit_finishes))
    response = client.post("/checkout", data=CHECKOUT)
    assert waits and response.status_code == 303
    first = db.session.get(Order, first_id)
    assert response.headers["Location"] == f"/checkout/demo/{first.public_token}"
    assert [o.id for o in _orders()] == [first_id]
    assert _stock(variant.id) == 8


def test_a_submit_that_waits_in_vain_is_told_about_the_order(app, client):
    variant = make_product(price=1000, stock=10).variants[0]
    cart = _cart_with(client, variant)
    first = place_order(cart, "a@example.com", make_address(), "standard")  # never gets its page
    app.config["CHECKOUT_JOIN_WAIT_SECONDS"] = 0
    try:
        response = client.post("/checkout", data=CHECKOUT)
    finally:
        app.config.pop("CHECKOUT_JOIN_WAIT_SECONDS")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f"Your order {first.number} is already being placed. Please wait a moment, then try again." in page
    assert [o.id for o in _orders()] == [first.id]
    assert _stock(variant.id) == 8


def test_an_order_left_half_placed_by_a_crash_is_released_by_the_next_submit(app, client):
    from datetime import timedelta

    from storefront.checkout.services import STARTING_SECONDS
    from storefront.clock import now

    variant = make_product(price=1000, stock=10).variants[0]
    cart = _cart_with(client, variant)
    stale = place_order(cart, "a@example.com", make_address(), "standard")
    stale.created_at = now() - timedelta(seconds=STARTING_SECONDS + 1)  # no request lives this long
    db.session.commit()
    response = client.post("/checkout", data=CHECKOUT)
    (pending,) = _orders("pending_payment")
    assert pending.id != stale.id
    assert response.headers["Location"] == f"/checkout/demo/{pending.public_token}"
    assert db.session.get(Order, stale.id).status == "cancelled"
    assert _stock(variant.id) == 8


def test_a_second_submit_after_an_unstoppable_stripe_checkout_goes_back_to_it(stripe_harness, client):
    """The earlier session was just paid in another tab, so Stripe will not expire it: the new submit
    sends the shopper to that checkout instead of opening a second one (two charges for one cart)."""
    variant = make_product(price=1000, stock=10).variants[0]
    _cart_with(client, variant)
    client.post("/checkout", data=CHECKOUT)
    (first,) = _orders()
    session = stripe_harness.pay(stripe_harness.session_for(first))
    # A changed submit (the same one joins the first order anyway) tries to release the first.
    response = client.post("/checkout", data={**CHECKOUT, "city": "Shelbyville"})
    assert response.status_code == 303 and response.headers["Location"] == session["url"]
    assert [o.id for o in _orders()] == [first.id]
    assert len(stripe_harness.fake.created()) == 1
    assert _stock(variant.id) == 8
