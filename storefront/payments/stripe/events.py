"""Verified Stripe events read into PaymentEvents and applied exactly once (payments.events).

Only Stripe's vocabulary lives here (event types, object shapes, what a paid session is); what an
event does to an order is decided by the handler orders registered.
"""

from __future__ import annotations

from collections.abc import Callable

from storefront.payments import events
from storefront.payments.events import (
    ChargeRefunded,
    CheckoutCompleted,
    CheckoutEnded,
    PaymentEvent,
    Provider,
    RefundUpdated,
)
from storefront.payments.stripe import objects
from storefront.payments.stripe.objects import CheckoutSession

STRIPE = Provider("stripe", "Stripe")


def _session_completed(obj: dict) -> CheckoutCompleted:
    session = objects.checkout_session(obj)
    return CheckoutCompleted(
        provider=STRIPE,
        order_id=session.order_id,
        session_id=session.id,
        paid=session.paid,
        payment_status=session.payment_status,
        amount=session.amount_total,
        currency=session.currency,
        payment_intent=session.payment_intent or None,
        # The shopper was charged: if no order matches, the money must reach staff, not only the log.
        unmatched=_unmatched_payment(session) if session.paid else None,
    )


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


def _session_ended(reason: str) -> Callable[[dict], CheckoutEnded]:
    def read(obj: dict) -> CheckoutEnded:
        return CheckoutEnded(provider=STRIPE, order_id=objects.checkout_session(obj).order_id, reason=reason)

    return read


def _charge_refunded(obj: dict) -> ChargeRefunded:
    charge = objects.charge(obj)
    return ChargeRefunded(provider=STRIPE, payment_intent=charge.payment_intent,
                          amount_refunded=charge.amount_refunded)


def _refund_event(obj: dict) -> RefundUpdated:
    refund = objects.refund(obj)
    return RefundUpdated(provider=STRIPE, refund_id=refund.id, status=refund.status, amount=refund.amount,
                         payment_intent=refund.payment_intent)


READERS: dict[str, Callable[[dict], PaymentEvent]] = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _session_completed,
    "checkout.session.expired": _session_ended("Checkout session expired; stock released"),
    # A delayed method (bank debit) failed after the session completed: no expiry event will come,
    # so without this the order would hold its stock for ever.
    "checkout.session.async_payment_failed": _session_ended("Delayed payment failed; stock released"),
    "charge.refunded": _charge_refunded,
    "refund.created": _refund_event,
    "refund.updated": _refund_event,
}


def process_stripe_event(event_id: str, event_type: str, obj: dict) -> str:
    """Apply one verified Stripe event once; the outcome as recorded (and answered to Stripe)."""
    return events.process_event(STRIPE, READERS, event_id, event_type, obj)
