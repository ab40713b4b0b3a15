"""What a payment provider's event does to an order: paid, cancelled, refunded, or flagged for staff.

Payments reads the provider's event into a PaymentEvent and records it once; apply_payment_event,
registered from orders.init_app (payments cannot import orders), changes the order inside that
transaction, so the effect commits together with the event's ProcessedEvent row.
"""

from __future__ import annotations

from sqlalchemy import select

from storefront.extensions import db
from storefront.money import format_money
from storefront.orders.models import Order, OrderStatus
from storefront.orders.services import (
    apply_cancel,
    apply_payment,
    apply_refund,
    flag_for_review,
)
from storefront.payments.events import (
    ChargeRefunded,
    CheckoutCompleted,
    CheckoutEnded,
    Outcome,
    PaymentEvent,
    RefundUpdated,
)
from storefront.payments.models import Payment, PaymentKind, PaymentStatus


def _locked_order(order_id: int | None) -> Order | None:
    if order_id is None:
        return None
    return db.session.scalars(
        select(Order).where(Order.id == order_id).with_for_update().execution_options(populate_existing=True)
    ).one_or_none()


def _order_from_payment_intent(payment_intent: str | None) -> Order | None:
    if not payment_intent:
        return None
    order_id = db.session.scalar(
        select(Payment.order_id).where(Payment.provider_payment_intent == payment_intent).limit(1)
    )
    return _locked_order(order_id)


def _checkout_completed(event: CheckoutCompleted) -> Outcome:
    order = _locked_order(event.order_id)
    if order is None:
        if event.paid:
            # The shopper was charged: payments keeps the money for staff, not only in the log.
            return Outcome("no matching order: kept as a payment without an order", unmatched=True)
        return Outcome("no matching order")
    if not event.paid:
        return Outcome(f"session complete, payment {event.payment_status}: waiting", order.id)
    paid = apply_payment(
        order,
        event.amount,
        event.currency,
        event.provider.code,
        session_id=event.session_id,
        payment_intent=event.payment_intent,
    )
    if not paid:
        return Outcome("not paid: flagged or already handled", order.id)
    return Outcome("paid", order.id)  # the confirmation is in the outbox, committed with the payment


def _checkout_ended(event: CheckoutEnded) -> Outcome:
    """Cancel an order still awaiting payment and release its stock; anything else is left."""
    order = _locked_order(event.order_id)
    if order is None:
        return Outcome("no matching order")
    if order.status != OrderStatus.PENDING_PAYMENT:
        return Outcome(f"order already {order.status}", order.id)
    apply_cancel(order, event.provider.code, event.reason)
    return Outcome("cancelled", order.id)


def _charge_refunded(event: ChargeRefunded) -> Outcome:
    order = _order_from_payment_intent(event.payment_intent)
    if order is None:
        return Outcome("no matching order")
    # amount_refunded is cumulative, so a late or repeated event adds only what is new.
    new = event.amount_refunded - order.refunded_total
    if new <= 0:
        return Outcome("refund already recorded", order.id)
    apply_refund(order, new, event.provider.code, via=event.provider.name)
    return Outcome("refund recorded", order.id)


def _refund_updated(event: RefundUpdated) -> Outcome:
    if event.status in ("failed", "canceled"):
        return _refund_failed(event)
    if event.status != "succeeded":
        return Outcome(f"refund {event.status}: ignored")
    known = db.session.scalar(select(Payment).where(Payment.provider_refund_id == event.refund_id))
    if known is not None:
        known.status = PaymentStatus.SUCCEEDED.value
        return Outcome("refund already recorded")
    order = _order_from_payment_intent(event.payment_intent)
    if order is None:
        return Outcome("no matching order")
    amount = event.amount
    order.payments.append(
        Payment(
            gateway=event.provider.code,
            kind=PaymentKind.REFUND.value,
            status=PaymentStatus.SUCCEEDED.value,
            amount=amount,
            currency=order.currency,
            provider_payment_intent=event.payment_intent,
            provider_refund_id=event.refund_id,
        )
    )
    # Providers do not order their events: a charge's refunded total may have counted this refund
    # already. The refunded total catches up with the refunds we know of, never past them.
    known = sum(
        p.amount for p in order.payments if p.kind == PaymentKind.REFUND and p.status != PaymentStatus.FAILED
    )
    new = min(amount, known - order.refunded_total)
    if new <= 0:
        return Outcome("refund already counted", order.id)
    apply_refund(order, new, event.provider.code, via=event.provider.name)
    return Outcome("refund recorded", order.id)


def _refund_failed(event: RefundUpdated) -> Outcome:
    # A refund we counted as given did not reach the shopper: staff must see it and act.
    known = db.session.scalar(select(Payment).where(Payment.provider_refund_id == event.refund_id))
    if known is None or known.status == PaymentStatus.FAILED:
        return Outcome(f"refund {event.status}: nothing recorded")
    known.status = PaymentStatus.FAILED.value
    order = _order_from_payment_intent(event.payment_intent) or db.session.get(Order, known.order_id)
    flag_for_review(order, event.provider.code,
                    f"Refund {known.provider_refund_id} of {format_money(known.amount, known.currency)} "
                    f"{event.status} in {event.provider.name}; the money was not returned")
    return Outcome("refund failed: flagged for review", order.id)


APPLY = {
    CheckoutCompleted: _checkout_completed,
    CheckoutEnded: _checkout_ended,
    ChargeRefunded: _charge_refunded,
    RefundUpdated: _refund_updated,
}


def apply_payment_event(event: PaymentEvent) -> Outcome:
    """Change the order the event is about, inside the caller's transaction (payments commits it)."""
    return APPLY[type(event)](event)
