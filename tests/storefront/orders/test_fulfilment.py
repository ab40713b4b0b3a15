"""Partial fulfilment: shipments of chosen lines, never more than ordered minus shipped, one email per
parcel, and payment and fulfilment told apart (while Order.status keeps its lifecycle)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storefront.extensions import db
from storefront.jobs import OutboxJob
from storefront.mail import outbox, text_part
from storefront.orders.carriers import build_tracking
from storefront.orders.models import Order, Shipment
from storefront.orders.services import OrderError, mark_fulfilled, refund_order, ship_lines
from tests.factories import make_order, make_paid_order, make_product

pytestmark = pytest.mark.usefixtures("app")

def _three_lines() -> Order:
    """Oats x2, Tea x1, Honey x1 (4 items), paid; the confirmation email cleared away."""
    order = make_paid_order([
        (make_product(title="Oats", price=500, stock=10).variants[0], 2),
        (make_product(title="Tea", price=1200, stock=10).variants[0], 1),
        (make_product(title="Honey", price=800, stock=10).variants[0], 1),
    ])
    outbox().clear()
    return order


def _fresh(order: Order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def test_shipping_some_lines_is_a_partial_fulfilment_and_the_order_stays_paid():
    order = _three_lines()
    oats, tea, _honey = order.lines
    ship_lines(order, "admin", {oats.id: 2, tea.id: 1}, build_tracking("ups", "1Z999AA10123456784"))
    order = _fresh(order)
    assert (order.status, order.fulfilment_status, order.payment_state.value) == (
        "paid", "partially_fulfilled", "paid")
    assert [line.quantity_shipped for line in order.lines] == [2, 1, 0]
    (shipment,) = order.shipments
    assert (shipment.carrier, shipment.tracking_number) == ("UPS", "1Z999AA10123456784")
    assert [(sl.order_line.title, sl.quantity) for sl in shipment.lines] == [("Oats", 2), ("Tea", 1)]
    assert "Shipped 3 of 4 items" in order.events[-1].note and "2 × Oats" in order.events[-1].note


def test_the_last_parcel_fulfils_the_order_and_each_parcel_has_its_own_email():
    order = _three_lines()
    oats, tea, honey = order.lines
    ship_lines(order, "admin", {oats.id: 2, tea.id: 1}, build_tracking("ups", "1Z999AA10123456784"))
    ship_lines(order, "admin", {honey.id: 1}, build_tracking("dhl", "JD0140"))
    order = _fresh(order)
    assert (order.status, order.fulfilment_status) == ("fulfilled", "fulfilled")
    first, second = outbox()
    assert "Shipped" not in first["Subject"] and "on its way" in first["Subject"]
    assert "1Z999AA10123456784" in text_part(first) and "3 of 4 items" in text_part(first)
    assert "Oats" in text_part(first) and "Honey" not in text_part(first)
    assert "JD0140" in text_part(second) and "Honey" in text_part(second) and "Oats" not in text_part(second)
    keys = list(db.session.scalars(select(OutboxJob.key).where(OutboxJob.kind == "orders.shipped")))
    assert keys == [f"order-shipped:{order.id}:{s.id}" for s in order.shipments]
    # The order's own tracking columns are the last parcel's.
    assert order.tracking_number == "JD0140"


@pytest.mark.parametrize("units", [3, 99])
def test_more_than_ordered_minus_shipped_is_refused_and_nothing_changes(units):
    order = _three_lines()
    oats = order.lines[0]
    ship_lines(order, "admin", {oats.id: 1})
    outbox().clear()
    with pytest.raises(OrderError, match=r"Only 1 of Oats .* 2 ordered, 1 shipped already"):
        ship_lines(order, "admin", {oats.id: units - 1 if units == 3 else units})
    order = _fresh(order)
    assert order.lines[0].quantity_shipped == 1 and len(order.shipments) == 1 and outbox() == []


def test_nothing_chosen_is_refused():
    order = _three_lines()
    with pytest.raises(OrderError, match="Choose at least one item"):
        ship_lines(order, "admin", {line.id: 0 for line in order.lines})
    assert _fresh(order).shipments == []


def test_a_line_of_another_order_is_refused():
    order, other = _three_lines(), _three_lines()
    with pytest.raises(OrderError, match="Choose items of this order"):
        ship_lines(order, "admin", {other.lines[0].id: 1})


def test_an_unpaid_order_does_not_ship():
    order = make_order()
    with pytest.raises(OrderError, match="cannot be fulfilled"):
        ship_lines(order, "admin", {order.lines[0].id: 1})


def test_mark_fulfilled_ships_what_is_left_in_one_parcel():
    order = _three_lines()
    ship_lines(order, "admin", {order.lines[0].id: 1})
    mark_fulfilled(order, "admin")
    order = _fresh(order)
    assert order.status == "fulfilled" and [line.left_to_ship for line in order.lines] == [0, 0, 0]
    assert [s.item_count for s in order.shipments] == [1, 3]


def test_an_order_fully_shipped_refuses_another_shipment():
    order = _three_lines()
    mark_fulfilled(order, "admin")
    with pytest.raises(OrderError, match="cannot be fulfilled"):
        ship_lines(order, "admin", {order.lines[0].id: 1})
    assert len(_fresh(order).shipments) == 1


def test_payment_state_follows_refunds_while_status_keeps_the_lifecycle():
    order = _three_lines()
    assert order.payment_state.value == "paid"
    refund_order(order, 500, "admin")
    order = _fresh(order)
    assert (order.status, order.payment_state.value) == ("partially_refunded", "partially_refunded")
    mark_fulfilled(order, "admin")
    order = _fresh(order)
    # Shipping everything moves the lifecycle to fulfilled; the money badge still says partially refunded.
    assert (order.status, order.fulfilment_status, order.payment_state.value) == (
        "fulfilled", "fulfilled", "partially_refunded")
    assert make_order().payment_state.value == "pending"


def test_a_shipment_row_belongs_to_its_order():
    order = _three_lines()
    ship_lines(order, "admin", {order.lines[1].id: 1})
    assert db.session.scalar(select(Shipment.order_id)) == order.id


def test_a_partly_shipped_order_cannot_be_cancelled_so_shipped_units_never_go_back_on_sale():
    from storefront.catalog.models import Variant
    from storefront.orders.services import cancel_order

    order = _three_lines()
    oats = order.lines[0]
    ship_lines(order, "admin", {oats.id: 1})
    db.session.expire_all()
    stock = db.session.get(Variant, oats.variant_id).stock
    with pytest.raises(OrderError, match="has shipped, so it cannot be cancelled"):
        cancel_order(order, "admin", "changed mind")
    order = _fresh(order)
    assert order.status == "paid" and db.session.get(Variant, oats.variant_id).stock == stock
