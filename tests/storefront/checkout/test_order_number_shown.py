"""The order number is shown once on the pages that announce it (it was repeated in the table caption)."""

from __future__ import annotations

import re

from sqlalchemy import select

from storefront.extensions import db
from storefront.orders.models import Order
from tests.factories import checkout_form, make_product

CHECKOUT = checkout_form()


def _main_text(response) -> str:
    main = re.search(r"<main.*?</main>", response.get_data(as_text=True), re.S).group(0)
    return re.sub(r"<[^>]+>", " ", main)


def test_demo_payment_and_confirmation_pages_show_the_order_number_once(client):
    variant = make_product(price=1000, stock=5).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1})
    payment_page = client.post("/checkout", data=CHECKOUT).headers["Location"]
    token = payment_page.rsplit("/", 1)[-1]
    number = db.session.scalar(select(Order.number))

    assert _main_text(client.get(payment_page)).count(number) == 1
    client.post(f"/checkout/demo/{token}/pay")
    confirmation = _main_text(client.get(f"/checkout/success/{token}"))
    assert "Order number" in confirmation and confirmation.count(number) == 1
    assert _main_text(client.get(f"/orders/{token}")).count(number) == 1
