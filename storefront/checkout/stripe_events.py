"""Verified Stripe events applied exactly once: each event id is stored with its effect."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from storefront.checkout import stripe_objects
from storefront.checkout.stripe_objects import CheckoutSession, Malformed
from storefront.extensions import db
from storefront.money import format_money
from storefront.orders.models import (
    Order,
    OrderStatus,
    Payment,
    PaymentKind,
    PaymentStatus,
    ProcessedEvent,
)
from storefront.orders.services import (
    apply_cancel,
    apply_payment,
    apply_refund,
    flag_for_review,
    send_order_confirmation,
)
from storefront.orders.unmatched import add_unmatched_payment

log = logging.getLogger(__name__)
ACTOR = "stripe"


@dataclass
class Outcome:
    text: str
    order: Order | None = None
    newly_paid: bool = False
    # Money taken with no order to put it on: the fields of the UnmatchedPayment to keep.
    unmatched: dict | None = None


def _order_from_metadata(session: CheckoutSession) -> Order | None:
    order_id = session.order_id
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
    if order_id is None:
        return None
    return db.session.scalars(
        select(Order).where(Order.id == order_id).with_for_update().execution_options(populate_existing=True)
    ).one_or_none()


def _session_completed(obj: dict) -> Outcome:
    session = stripe_objects.checkout_session(obj)
    order = _order_from_metadata(session)
    if order is None:
        if session.paid:
            # The shopper was charged: the money must reach staff, not only the log.
            return Outcome("no matching order: kept as a payment without an order",
                           unmatched=_unmatched_payment(session))
        return Outcome("no matching order")
    if not session.paid:
        return Outcome(f"session complete, payment {session.payment_status}: waiting", order)
    paid = apply_payment(
        order,
        session.amount_total,
        session.currency,
        ACTOR,
        session_id=session.id,
        payment_intent=session.payment_intent or None,
    )
    return Outcome("paid" if paid else "not paid: flagged or already handled", order, paid)


def _unmatched_payment(session: CheckoutSession) -> dict:
    """The paid session as an UnmatchedPayment's fields, with what staff need to trace it."""
    claimed = session.reference
    parts = [f"for order id {claimed}, which was not found" if claimed else "with no order reference"]
    if session.customer_name:
        parts.append(f"paid by {session.customer_name}")
    extra = {k: v for k, v in session.metadata.items() if k != "order_id"}
    if extra:
        parts.append("metadata " + ", ".join(f"{k}={v}" for k, v in sorted(extra.items())))
    if session.livemode is False:
        parts.append("test mode")
    return {
        "amount": session.amount_total,
        "currency": session.currency,
        "session_id": session.id,
        "payment_intent": session.payment_intent or None,
        "email": session.customer_email,
        "summary": f"Checkout Session {session.id} " + "; ".join(parts),
    }


def _cancel_pending(obj: dict, reason: str) -> Outcome:
    """Cancel an order still awaiting payment and release its stock; anything else is left."""
    order = _order_from_metadata(stripe_objects.checkout_session(obj))
    if order is None:
        return Outcome("no matching order")
    if order.status != OrderStatus.PENDING_PAYMENT:
        return Outcome(f"order already {order.status}", order)
    apply_cancel(order, ACTOR, reason)
    return Outcome("cancelled", order)


def _session_expired(obj: dict) -> Outcome:
    return _cancel_pending(obj, "Checkout session expired; stock released")


def _async_payment_failed(obj: dict) -> Outcome:
    # A delayed method (bank debit) failed after the session completed: no expiry event will come,
    # so without this the order would hold its stock for ever.
    return _cancel_pending(obj, "Delayed payment failed; stock released")


def _charge_refunded(obj: dict) -> Outcome:
    charge = stripe_objects.charge(obj)
    order = _order_from_payment_intent(charge.payment_intent)
    if order is None:
        return Outcome("no matching order")
    # amount_refunded is cumulative, so a late or repeated event adds only what is new.
    new = charge.amount_refunded - order.refunded_total
    if new <= 0:
        return Outcome("refund already recorded", order)
    apply_refund(order, new, ACTOR, via="Stripe")
    return Outcome("refund recorded", order)


def _refund_event(obj: dict) -> Outcome:
    refund = stripe_objects.refund(obj)
    if refund.status in ("failed", "canceled"):
        return _refund_failed(refund)
    if refund.status != "succeeded":
        return Outcome(f"refund {refund.status}: ignored")
    known = db.session.scalar(select(Payment).where(Payment.provider_refund_id == refund.id))
    if known is not None:
        known.status = PaymentStatus.SUCCEEDED.value
        return Outcome("refund already recorded")
    order = _order_from_payment_intent(refund.payment_intent)
    if order is None:
        return Outcome("no matching order")
    amount = refund.amount
    order.payments.append(
        Payment(
            gateway="stripe",
            kind=PaymentKind.REFUND.value,
            status=PaymentStatus.SUCCEEDED.value,
            amount=amount,
            currency=order.currency,
            provider_payment_intent=refund.payment_intent,
            provider_refund_id=refund.id,
        )
    )
    # Stripe does not order its events: charge.refunded may have counted this refund already.
    # The refunded total catches up with the refunds we know of, never past them.
    known = sum(
        p.amount for p in order.payments if p.kind == PaymentKind.REFUND and p.status != PaymentStatus.FAILED
    )
    new = min(amount, known - order.refunded_total)
    if new <= 0:
        return Outcome("refund already counted", order)
    apply_refund(order, new, ACTOR, via="Stripe")
    return Outcome("refund recorded", order)


def _refund_failed(refund: stripe_objects.Refund) -> Outcome:
    # A refund we counted as given did not reach the shopper: staff must see it and act.
    known = db.session.scalar(select(Payment).where(Payment.provider_refund_id == refund.id))
    if known is None or known.status == PaymentStatus.FAILED:
        return Outcome(f"refund {refund.status}: nothing recorded")
    known.status = PaymentStatus.FAILED.value
    order = _order_from_payment_intent(refund.payment_intent) or known.order
    flag_for_review(order, ACTOR, f"Refund {known.provider_refund_id} of {format_money(known.amount, known.currency)} "
                                  f"{refund.status} in Stripe; the money was not returned")
    return Outcome("refund failed: flagged for review", order)


def _handle(handler: Callable[[dict], Outcome] | None, event_id: str, event_type: str, obj: dict) -> Outcome:
    if handler is None:
        return Outcome("ignored")
    try:
        return handler(obj)
    except Malformed as error:
        # Signed, so from Stripe, yet unusable: retrying will not mend it. Recorded and logged; a
        # payment it was about is still settled by reconcile-payments, which asks Stripe itself.
        db.session.rollback()
        log.warning("Stripe event %s %s ignored: malformed %s", event_id, event_type, error)
        return Outcome(f"ignored: malformed {error}")


HANDLERS: dict[str, Callable[[dict], Outcome]] = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _session_completed,
    "checkout.session.expired": _session_expired,
    "checkout.session.async_payment_failed": _async_payment_failed,
    "charge.refunded": _charge_refunded,
    "refund.created": _refund_event,
    "refund.updated": _refund_event,
}


def process_stripe_event(event_id: str, event_type: str, obj: dict) -> str:
    """Apply one verified event once: its ProcessedEvent row commits in the same transaction as its effect."""
    if db.session.scalar(
        select(ProcessedEvent.id).where(ProcessedEvent.provider == "stripe", ProcessedEvent.event_id == event_id)
    ):
        return "duplicate"
    handler = HANDLERS.get(event_type)
    try:
        outcome = _handle(handler, event_id, event_type, obj)
        if outcome.unmatched is not None:
            add_unmatched_payment("stripe", event_id, event_type, **outcome.unmatched)
        db.session.add(
            ProcessedEvent(
                provider="stripe",
                event_id=event_id,
                event_type=event_type[:80],
                order_id=outcome.order.id if outcome.order else None,
                outcome=outcome.text[:300],
            )
        )
        db.session.commit()
    except IntegrityError:
        # The same event in a concurrent delivery won the race: its effect is already there.
        db.session.rollback()
        return "duplicate"
    except BaseException:
        db.session.rollback()
        raise
    if outcome.newly_paid and outcome.order is not None:
        send_order_confirmation(outcome.order)
    log.info("Stripe event %s %s: %s", event_id, event_type, outcome.text)
    return outcome.text
