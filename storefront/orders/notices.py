"""The emails an order change sends the shopper: shipped, refunded, cancelled.

`record_*` runs inside the transaction of the change (the caller commits), so the email's outbox
job commits or rolls back with it; each job has a key, so recording it twice, or a redelivered
webhook, sends nothing twice. The `send_*` handlers are the worker's half.

Which changes email whom:
- shipped: one notice per shipment (keyed by it), telling that parcel's lines and tracking; a
  re-fulfilment after a partial refund ships nothing and sends nothing.
- refunded: every refund that reaches the order's refunded total, from staff or the payment
  provider, keyed by the order and its refunded total after the refund. That total only grows, so
  each refund has its own key whichever event (charge.refunded, refund.updated, a staff refund)
  records it first; Stripe's charge.refunded carries no refund id, so a Payment row id would not do.
  The refund made by a cancellation is told in the cancellation notice, not in a second email.
- cancelled: an order staff cancel, or any order that had been paid. A checkout cancelled before
  payment (the shopper left the payment page, the provider's session expired, reconciliation)
  sends nothing: the shopper never had an order to hear about, and abandoned-checkout reminders
  are their own job (not this module's).
"""

from __future__ import annotations

from flask import current_app

from storefront import jobs
from storefront.extensions import db
from storefront.mail import send_email
from storefront.orders.models import Order, Shipment
from storefront.payments.models import Payment, PaymentKind, PaymentStatus
from storefront.site_urls import absolute_url_for

ORDER_SHIPPED = "orders.shipped"
ORDER_REFUNDED = "orders.refunded"
ORDER_CANCELLED = "orders.cancelled"


# ------------------------------------------------------------------ recording (caller's transaction)


def record_shipped(order: Order, shipment: Shipment) -> None:
    """After the shipment is flushed (its id is the key: one email per parcel, never two for one)."""
    jobs.record(ORDER_SHIPPED, {"order_id": order.id, "shipment_id": shipment.id},
                key=f"order-shipped:{order.id}:{shipment.id}")


def record_refunded(order: Order, amount: int) -> None:
    """After the refund is added to order.refunded_total: the payload keeps this refund's figures,
    so a notice sent after a later refund still tells its own amount and what was left then."""
    jobs.record(
        ORDER_REFUNDED,
        {"order_id": order.id, "amount": amount, "refunded_total": order.refunded_total},
        key=f"order-refund:{order.id}:{order.refunded_total}",
    )


def record_cancelled(order: Order, refunded: int) -> None:
    jobs.record(ORDER_CANCELLED, {"order_id": order.id, "refunded": refunded}, key=f"order-cancelled:{order.id}")


# ------------------------------------------------------------------ sending (the worker)


def _order_link(order: Order) -> str:
    return absolute_url_for("orders.guest_order", token=order.public_token)


def _paid_charge(order: Order) -> Payment | None:
    """The payment the shopper made (the one a refund goes back to)."""
    charges = [p for p in order.payments if p.kind == PaymentKind.CHARGE and p.status == PaymentStatus.SUCCEEDED]
    return charges[-1] if charges else None


def _send(order: Order, subject: str, template: str, **context: object) -> None:
    store = current_app.config["STORE_NAME"]
    send_email(order.email, subject.format(store=store, number=order.number), template,
               order=order, link=_order_link(order), **context)


@jobs.handler(ORDER_SHIPPED)
def send_order_shipped(payload: dict) -> None:
    order = db.session.get(Order, payload["order_id"])
    if order is None:
        return
    shipment = db.session.get(Shipment, payload["shipment_id"]) if payload.get("shipment_id") else None
    if shipment is None or shipment.order_id != order.id:
        return  # the shipment is gone (order deleted): nothing true left to tell
    _send(order, "Your {store} order {number} is on its way", "order_shipped", shipment=shipment,
          shipped_count=order.shipped_count, item_count=order.item_count)


@jobs.handler(ORDER_REFUNDED)
def send_order_refunded(payload: dict) -> None:
    order = db.session.get(Order, payload["order_id"])
    if order is None:
        return
    refunded_total = int(payload["refunded_total"])
    _send(
        order,
        "A refund for your {store} order {number}",
        "order_refunded",
        amount=int(payload["amount"]),
        refunded_total=refunded_total,
        left=max(order.total - refunded_total, 0),
        charge=_paid_charge(order),
    )


@jobs.handler(ORDER_CANCELLED)
def send_order_cancelled(payload: dict) -> None:
    order = db.session.get(Order, payload["order_id"])
    if order is None:
        return
    _send(
        order,
        "Your {store} order {number} was cancelled",
        "order_cancelled",
        refunded=int(payload.get("refunded") or 0),
        charge=_paid_charge(order),
    )
