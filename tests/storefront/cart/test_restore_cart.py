"""The reminder's link restores the cart: on any device, at today's prices, capped by stock, once,
keeping the article's attribution; a bad or expired link says so clearly."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from storefront.cart.models import Cart
from storefront.catalog.models import Product, Variant
from storefront.checkout import reminders
from storefront.checkout.reminders import make_restore_token
from storefront.extensions import db
from storefront.orders.models import Order, OrderLine
from tests.factories import checkout_form, make_order, make_paid_order, make_product

ARTICLE = "article:magnesium-for-back-pain"


@pytest.fixture
def other_device(app):
    """A second browser: no cookie, no cart (the reminder is read on the phone, say)."""
    with app.test_client() as client:
        yield client


def _order(**kwargs):
    crackers = make_product(title="Rice Crackers", price=450, stock=9).variants[0]
    groats = make_product(title="Buckwheat Groats", price=1099, stock=9,
                          variants=[{"price": 1099, "stock": 9, "option": "500 g"}, {"price": 1899, "stock": 9}]
                          ).variants[0]
    return make_order([(crackers, 2), (groats, 1)], attribution=ARTICLE, **kwargs), crackers, groats


def _quantity(html: str, variant) -> str:
    found = re.search(rf'id="qty-{variant.id}"[^>]*value="(\d+)"', html)
    return found.group(1) if found else "0"


def _cart_lines():
    db.session.expire_all()
    return {(line.variant_id, line.quantity) for cart in db.session.scalars(select(Cart)) for line in cart.lines
            if cart.id != _order_cart_id()}


def _order_cart_id():
    return db.session.scalar(select(Order.cart_id))


def test_the_link_rebuilds_the_cart_on_another_device(other_device):
    order, crackers, groats = _order()
    page = other_device.get(f"/checkout/restore/{make_restore_token(order)}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Your cart is back" in html and "Rice Crackers" in html and "500 g" in html
    cart_page = other_device.get("/cart").get_data(as_text=True)
    assert _quantity(cart_page, crackers) == "2" and _quantity(cart_page, groats) == "1"
    assert _cart_lines() == {(crackers.id, 2), (groats.id, 1)}


def test_opening_the_link_twice_adds_nothing(other_device):
    order, crackers, groats = _order()
    url = f"/checkout/restore/{make_restore_token(order)}"
    other_device.get(url)
    other_device.get(url)
    cart_page = other_device.get("/cart").get_data(as_text=True)
    assert _quantity(cart_page, crackers) == "2" and _quantity(cart_page, groats) == "1"
    assert _cart_lines() == {(crackers.id, 2), (groats.id, 1)}


def test_lines_come_back_at_todays_prices_capped_by_stock_and_what_is_gone_is_named(other_device):
    order, crackers, groats = _order()
    gone = make_product(title="Discontinued Kefir", price=650, stock=9)
    order.lines.append(OrderLine(variant_id=gone.variants[0].id, product_slug=gone.slug,
                                 title="Discontinued Kefir", sku="K-1", unit_price=650, quantity=1))
    db.session.execute(update(Variant).where(Variant.id == crackers.id).values(price=525, stock=1))
    db.session.execute(update(Variant).where(Variant.id == groats.id).values(stock=0))
    db.session.execute(update(Product).where(Product.id == gone.id).values(status="archived"))
    db.session.commit()
    html = other_device.get(f"/checkout/restore/{make_restore_token(order)}").get_data(as_text=True)
    assert "Only 1 of Rice Crackers available, so your cart has 1." in html
    assert "Buckwheat Groats (500 g) is sold out, so it is not in your cart." in html
    assert "Discontinued Kefir is no longer available, so it is not in your cart." in html
    assert "$5.25" in html and _quantity(html, crackers) == "1"
    assert _cart_lines() == {(crackers.id, 1)}


def test_the_restored_cart_keeps_the_orders_attribution(other_device):
    order, crackers, _ = _order()
    other_device.get(f"/checkout/restore/{make_restore_token(order)}")
    response = other_device.post("/checkout", data=checkout_form(email="ada@example.com"))
    assert response.status_code == 303
    newest = db.session.scalars(select(Order).order_by(Order.id.desc())).first()
    assert newest.id != order.id and newest.attribution == ARTICLE


def test_the_visitors_own_lines_stay(other_device):
    order, crackers, groats = _order()
    oat = make_product(title="Oat Milk", price=300, stock=9).variants[0]
    other_device.post("/cart/add", data={"variant_id": oat.id, "quantity": 3})
    other_device.post("/cart/add", data={"variant_id": crackers.id, "quantity": 5})
    other_device.get(f"/checkout/restore/{make_restore_token(order)}")
    assert _cart_lines() == {(oat.id, 3), (crackers.id, 5), (groats.id, 1)}


def test_a_paid_order_restores_nothing(other_device):
    order = make_paid_order()
    html = other_device.get(f"/checkout/restore/{make_restore_token(order)}").get_data(as_text=True)
    assert f"order {order.number} was paid" in html and "Your cart is empty" in html


def test_a_tampered_link_is_a_clear_404(other_device):
    order, _, _ = _order()
    token = make_restore_token(order)
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "nonsense", "a.b.c"):
        response = other_device.get(f"/checkout/restore/{bad}")
        assert response.status_code == 404
        assert b"This link to a cart is not valid" in response.data
    assert _cart_lines() == set()


def test_an_expired_link_is_a_clear_410(other_device, monkeypatch):
    order, _, _ = _order()
    token = make_restore_token(order)
    monkeypatch.setattr(reminders, "RESTORE_MAX_AGE", -1)  # every link is older than that
    response = other_device.get(f"/checkout/restore/{token}")
    assert response.status_code == 410 and b"This link to your cart has expired" in response.data
    assert _cart_lines() == set()


def test_a_link_to_an_order_that_is_gone_is_a_404(other_device):
    order, _, _ = _order()
    token = make_restore_token(order)
    db.session.delete(order)
    db.session.commit()
    response = other_device.get(f"/checkout/restore/{token}")
    assert response.status_code == 404 and b"could not find that cart" in response.data
