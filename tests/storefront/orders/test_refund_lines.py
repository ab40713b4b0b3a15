"""Refunds by line: the amount from the lines' prices as sold, never past what is left of a line, and
"put back in stock" returns the units to the variants in the refund's own transaction."""

from __future__ import annotations

import pytest

from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.mail import outbox
from storefront.orders.models import Order
from storefront.orders.services import OrderError, refund_lines
from storefront.payments.models import Payment
from tests.factories import make_paid_order, make_product

pytestmark = pytest.mark.usefixtures("app")

def _order() -> Order:
    order = make_paid_order([
        (make_product(title="Oats", price=500, stock=10).variants[0], 2),
        (make_product(title="Tea", price=1200, stock=10).variants[0], 1),
    ])
    outbox().clear()
    return order


def _stock(variant_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Variant, variant_id).stock


def test_refunding_a_line_with_restock_returns_the_stock_and_records_money():
    order = _order()
    oats = order.lines[0]
    before = _stock(oats.variant_id)
    refund, amount = refund_lines(order, {oats.id: 1}, "admin", restock=True)
    assert amount == 500 and refund.amount == 500
    assert _stock(oats.variant_id) == before + 1
    order = db.session.get(Order, order.id)
    assert (order.refunded_total, order.status, order.lines[0].quantity_refunded) == (500, "partially_refunded", 1)
    assert order.events[-1].note == "Refunded $5.00: 1 × Oats (put back in stock)"
    (message,) = outbox()
    assert "refund" in message["Subject"].lower()


def test_without_restock_the_stock_stays():
    order = _order()
    tea = order.lines[1]
    before = _stock(tea.variant_id)
    refund_lines(order, {tea.id: 1}, "admin")
    assert _stock(tea.variant_id) == before


def test_a_line_cannot_be_refunded_past_its_quantity_and_nothing_moves():
    order = _order()
    oats = order.lines[0]
    refund_lines(order, {oats.id: 2}, "admin", restock=True)
    stock = _stock(oats.variant_id)
    with pytest.raises(OrderError, match=r"Only 0 of Oats"):
        refund_lines(order, {oats.id: 1}, "admin", restock=True)
    assert _stock(oats.variant_id) == stock
    assert db.session.get(Order, order.id).refunded_total == 1000
    assert db.session.query(Payment).filter_by(kind="refund").count() == 1


def test_a_refused_gateway_refund_puts_nothing_back_in_stock(monkeypatch):
    from storefront.orders import services

    order = _order()
    oats = order.lines[0]
    stock = _stock(oats.variant_id)

    def refuse(*_a, **_k):
        raise OrderError("The payment provider refused the refund.")

    monkeypatch.setattr(services, "_refund_through_gateway", refuse)
    with pytest.raises(OrderError):
        refund_lines(order, {oats.id: 1}, "admin", restock=True)
    assert _stock(oats.variant_id) == stock and db.session.get(Order, order.id).lines[0].quantity_refunded == 0


def test_a_stale_page_refunds_nothing():
    order = _order()
    refund_lines(order, {order.lines[0].id: 1}, "admin")
    with pytest.raises(OrderError, match="refunded since you opened it"):
        refund_lines(order, {order.lines[1].id: 1}, "admin", seen_refunded=0)


def test_a_cancelled_orders_items_are_not_restocked_twice():
    from storefront.orders.services import flag_for_review

    order = _order()
    order.status = "cancelled"  # as a payment arriving after cancellation leaves it (apply_payment)
    flag_for_review(order, "stripe", "Payment arrived after the order was cancelled")
    db.session.commit()
    oats = order.lines[0]
    stock = _stock(oats.variant_id)
    with pytest.raises(OrderError, match="back in stock already"):
        refund_lines(order, {oats.id: 1}, "admin", restock=True)
    assert _stock(oats.variant_id) == stock
