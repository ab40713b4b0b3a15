"""A code with 5 uses left and 30 shoppers at the same moment: exactly 5 orders carry it (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from storefront import create_app
from storefront.discounts.models import Discount, DiscountRedemption
from storefront.extensions import db
from storefront.orders.models import Order
from tests.factories import checkout_form, make_discount, make_product

SHOPPERS = 30
USES = 5


@pytest.mark.postgres_only
def test_thirty_concurrent_checkouts_use_a_five_use_code_exactly_five_times(app):
    # A product each: no stock row is shared, so only the code's own lock can make them take turns.
    variant_ids = [make_product(price=2000, stock=5).variants[0].id for _ in range(SHOPPERS)]
    discount_id = make_discount("RACE5", value=10, usage_limit=USES).id
    racing = create_app({
        "LARDER_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": SHOPPERS + 2, "max_overflow": 0, "pool_pre_ping": True},
    })
    clients = [racing.test_client() for _ in range(SHOPPERS)]
    for shopper, variant_id in zip(clients, variant_ids, strict=True):
        assert shopper.post("/cart/add", data={"variant_id": variant_id, "quantity": 1}).status_code == 302
        assert shopper.post("/cart/discount", data={"code": "race5"}).status_code == 303

    start = threading.Barrier(SHOPPERS)
    outcomes: list[tuple[int, str, str]] = []
    errors: list[BaseException] = []

    def check_out(index, shopper):
        try:
            start.wait(timeout=30)
            response = shopper.post("/checkout", data=checkout_form(email=f"shopper{index}@example.com"))
            outcomes.append((response.status_code, response.headers.get("Location", ""), response.get_data(as_text=True)))
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=check_out, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert len(outcomes) == SHOPPERS

    paid_pages = [o for o in outcomes if o[0] == 303 and "/checkout/demo/" in o[1]]
    refused = [o for o in outcomes if o[0] == 200 and "the code RACE5 has been used up" in o[2]]
    assert len(paid_pages) == USES
    assert len(refused) == SHOPPERS - USES
    assert all("Your cart is kept" in o[2] for o in refused)

    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Order).where(Order.discount_code == "RACE5")) == USES
    assert db.session.scalar(select(func.count()).select_from(Order)) == USES
    assert db.session.scalar(select(func.count()).select_from(DiscountRedemption)) == USES
    assert db.session.get(Discount, discount_id).used_up
    from storefront.cart.models import Cart, CartLine

    # Every cart is kept with its line and its code, the refused ones too.
    assert db.session.scalar(select(func.count()).select_from(CartLine)) == SHOPPERS
    assert db.session.scalar(select(func.count()).select_from(Cart).where(Cart.discount_code == "RACE5")) == SHOPPERS
    with racing.app_context():
        db.engine.dispose()
