"""The cart page on a phone: each line with its picture, "−" / "+" steppers that post without
JavaScript, the subtotal, a delivery estimate and the total."""

from __future__ import annotations

import re

from sqlalchemy import select

from storefront.cart.models import CartLine
from storefront.extensions import db
from tests.factories import make_product


def _add(client, variant_id, quantity=1):
    return client.post("/cart/add", data={"variant_id": variant_id, "quantity": quantity}, follow_redirects=True)


def _stepper_form(page: str, label: str) -> dict[str, str]:
    """The hidden fields of the form holding the button with this accessible name."""
    form = re.search(r'<form[^>]*>((?:(?!</form>).)*aria-label="' + re.escape(label) + r'"(?:(?!</form>).)*)</form>',
                     page, re.S)
    assert form, f"no button labelled {label!r}"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(1)))


def test_each_line_has_its_picture_steppers_and_the_totals(client):
    tea = make_product(title="Ginger Tea", price=799, stock=5)
    tea.images[0].path, tea.images[0].alt = "img/products/ginger-tea.jpg", "A tin of ginger tea"
    db.session.commit()
    page = _add(client, tea.variants[0].id, 2).get_data(as_text=True)
    assert '<img class="cart-line-image" src="/static/img/products/ginger-tea.jpg" alt="A tin of ginger tea" width="72" height="72"' in page
    assert 'aria-label="Decrease quantity of Ginger Tea"' in page
    assert 'aria-label="Increase quantity of Ginger Tea"' in page
    assert f'<label for="qty-{tea.variants[0].id}" class="visually-hidden">Quantity of Ginger Tea</label>' in page
    assert "<dd data-cart-subtotal>$15.98</dd>" in page
    assert "<dd data-cart-delivery>from $4.95</dd>" in page
    assert "<dd data-cart-total>$20.93</dd>" in page
    assert "<table" not in page  # lines stack on a phone; no table wider than the screen


def test_the_steppers_change_the_quantity_with_plain_form_posts(client):
    variant = make_product(title="Rice Crackers", price=450, stock=3).variants[0]
    page = _add(client, variant.id, 2).get_data(as_text=True)

    plus = _stepper_form(page, "Increase quantity of Rice Crackers")
    page = client.post("/cart/update", data=plus, follow_redirects=True).get_data(as_text=True)
    assert db.session.scalar(select(CartLine.quantity)) == 3
    assert "Updated Rice Crackers (quantity 3)." in page
    # At the stock (3), "+" is disabled: the shopper can see there are no more.
    assert re.search(r'aria-label="Increase quantity of Rice Crackers" disabled', page)

    minus = _stepper_form(page, "Decrease quantity of Rice Crackers")
    client.post("/cart/update", data=minus)
    assert db.session.scalar(select(CartLine.quantity)) == 2
    client.post("/cart/update", data={**minus, "quantity": "1"})
    page = client.get("/cart").get_data(as_text=True)
    minus = _stepper_form(page, "Decrease quantity of Rice Crackers")
    assert minus["quantity"] == "0"  # "−" on the last one takes the line out
    client.post("/cart/update", data=minus)
    assert db.session.scalar(select(CartLine.quantity)) is None
