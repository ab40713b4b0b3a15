"""What staff read in an order's history after each action: who did it, what happened, the money in the
order's own currency; and the payment rows left behind."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from storefront.extensions import db
from storefront.money import format_money
from storefront.orders.models import Order
from storefront.orders.services import (
    OrderError,
    apply_payment,
    cancel_order,
    flag_for_review,
    mark_fulfilled,
    refund_order,
)
from storefront.payments.models import Payment
from tests.factories import make_order, make_paid_order, make_product, make_user


@pytest.fixture
def admin(app):
    return make_user("boss@example.com", role="admin")


def _fresh(order: Order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def _history(order: Order) -> list[tuple[str, str]]:
    return [(event.actor, event.note) for event in _fresh(order).events]


def _payments(order: Order) -> list[tuple[str, str, int]]:
    return [(p.kind, p.status, p.amount) for p in _fresh(order).payments]


def _paid(price=1500, currency=None):
    order = make_paid_order([(make_product(price=price, stock=10).variants[0], 1)])
    if currency:
        order.currency = currency
        db.session.commit()
    return order


def test_paying_and_fulfilling_say_who_did_it(admin):
    order = _paid()
    mark_fulfilled(order, admin)
    assert _history(order)[1:] == [
        ("demo-gateway", "Payment confirmed"),
        ("admin:boss@example.com", "Marked fulfilled"),
    ]


def test_cancelling_without_a_reason_says_cancelled_and_stops_the_pending_payment(admin):
    order = make_order()
    order.payments.append(Payment(gateway="demo", amount=order.total, currency=order.currency))
    db.session.commit()
    cancel_order(order, admin, "")
    assert _history(order)[-1] == ("admin:boss@example.com", "Cancelled")
    assert _payments(order) == [("charge", "cancelled", order.total)]


def test_an_action_without_a_person_is_the_systems(app):
    order = make_order()
    cancel_order(order, None, "Nightly clean-up")
    assert _history(order)[-1] == ("system", "Nightly clean-up")


def test_a_partly_refunded_order_cannot_be_cancelled_and_says_so_in_words(admin):
    order = _paid(price=1505)  # $15.05 + $4.95 delivery = $20.00
    refund_order(order, 500, admin)
    assert _history(order)[-1] == ("admin:boss@example.com", "Refunded $5.00")
    with pytest.raises(OrderError, match=r"^Order .* is partially refunded and cannot be cancelled\.$"):
        cancel_order(order, admin, "Changed mind")


def test_cancelling_a_paid_order_refunds_it_and_keeps_the_charge_as_taken(admin):
    order = _paid(price=1505)
    cancelled = cancel_order(order, admin, "Out of stock at the warehouse")
    assert cancelled.refunded_total == 2000
    assert _history(order)[-1] == ("admin:boss@example.com", "Out of stock at the warehouse (refunded $20.00)")
    # The charge stays taken (the money did arrive); the refund is its own row.
    assert _payments(order) == [("charge", "succeeded", 2000), ("refund", "succeeded", 2000)]


def test_cancel_sees_a_payment_that_arrived_after_the_page_was_loaded(admin):
    """Staff opened a pending order; the payment landed (another transaction) before they pressed Cancel:
    the cancel is judged on the order as it is now, so the money is given back."""
    order = make_order()
    total = order.total
    order.payments.append(Payment(gateway="demo", amount=total, currency=order.currency, status="succeeded"))
    db.session.commit()
    order = _fresh(order)
    assert order.status == "pending_payment"  # what the page showed
    db.session.execute(update(Order).where(Order.id == order.id).values(status="paid")
                       .execution_options(synchronize_session=False))
    cancelled = cancel_order(order, admin, "Customer asked")
    assert cancelled.refunded_total == total
    assert _history(order)[-1][1] == f"Customer asked (refunded {format_money(total, 'USD')})"


def test_money_in_an_orders_history_is_in_the_orders_currency(admin):
    order = _paid(price=1505, currency="EUR")
    euros = lambda minor: format_money(minor, "EUR")  # noqa: E731
    assert euros(2000) != format_money(2000, "USD")
    with pytest.raises(OrderError) as refused:
        refund_order(order, 99999, admin)
    assert str(refused.value) == f"Refund between {euros(1)} and {euros(2000)}, the total of order {order.number}."
    refund_order(order, 500, admin)
    assert _history(order)[-1] == ("admin:boss@example.com", f"Refunded {euros(500)}")
    with pytest.raises(OrderError) as refused:
        refund_order(order, 99999, admin)
    assert str(refused.value) == (f"Refund between {euros(1)} and {euros(1500)}: that is what is left of order "
                                  f"{order.number}'s {euros(2000)} after {euros(500)} already refunded.")


def test_cancelling_a_paid_order_in_another_currency_names_the_refund_in_it(admin):
    order = _paid(price=1505, currency="EUR")
    cancel_order(order, admin, "Sold out")
    assert _history(order)[-1][1] == f"Sold out (refunded {format_money(2000, 'EUR')})"


def test_a_wrong_amount_for_an_order_in_another_currency_is_named_in_it(app):
    order = make_order()
    order.currency = "EUR"
    db.session.commit()
    assert not apply_payment(order, 100, "EUR", "stripe")
    assert _fresh(order).review_reason == (
        f"Paid {format_money(100, 'EUR')} but the order total is {format_money(order.total, 'EUR')}")


def test_a_payment_without_a_currency_says_so(app):
    order = make_order()
    assert not apply_payment(order, order.total, "", "stripe")
    assert _fresh(order).review_reason.endswith("(paid in no currency, the order is in USD)")


def test_a_long_review_reason_is_cut_to_what_the_order_keeps(app):
    order = make_order()
    flag_for_review(order, "stripe", "x" * 400)
    db.session.commit()
    assert _fresh(order).review_reason == "x" * 300


def test_the_shopper_cancelling_at_the_payment_page_is_in_the_history(client):
    variant = make_product(stock=5).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1})
    client.post("/checkout", data={"email": "a@example.com", "name": "A", "line1": "1 Street", "city": "Town",
                                   "region": "NY", "postcode": "12345", "country": "US", "shipping_method": "standard"})
    order = db.session.scalar(db.select(Order))
    client.post(f"/checkout/cancelled/{order.public_token}")
    assert _history(order)[-1] == ("shopper", "Payment cancelled by the shopper")
    assert _payments(order) == [("charge", "cancelled", order.total)]
