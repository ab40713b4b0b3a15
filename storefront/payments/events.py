"""Provider events applied exactly once, whatever the provider.

A provider's module (stripe/events.py) reads a verified event into one of the PaymentEvents below;
the handler orders registered (set_event_handler) applies it to the order; the event id is stored
as a ProcessedEvent in the same transaction as that effect. Payments sits below orders, so it
never imports them: it hands over what happened and is told the outcome.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from storefront.extensions import db
from storefront.payments.models import ProcessedEvent
from storefront.payments.unmatched import add_unmatched_payment

log = logging.getLogger(__name__)
HANDLER_KEY = "larder.payment_event_handler"


class Malformed(ValueError):
    """A field of a signed event is not what the provider sends; the message names it."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        super().__init__(f"{field} {problem}")


@dataclass(frozen=True)
class Provider:
    code: str  # "stripe": ProcessedEvent.provider, Payment.gateway, the actor in an order's history
    name: str  # "Stripe": in notes staff read ("Refunded $5.00 in Stripe")


@dataclass(frozen=True, kw_only=True)
class PaymentEvent:
    provider: Provider


@dataclass(frozen=True, kw_only=True)
class CheckoutCompleted(PaymentEvent):
    """The shopper finished a checkout; paid says whether the money was taken yet."""

    order_id: int | None  # the order the checkout names, if it names one of ours
    session_id: str
    paid: bool
    payment_status: str | None
    amount: int | None
    currency: str | None
    payment_intent: str | None
    # For a paid checkout: the UnmatchedPayment fields to keep if no order matches it.
    unmatched: dict | None = None


@dataclass(frozen=True, kw_only=True)
class CheckoutEnded(PaymentEvent):
    """A checkout can no longer be paid (expired, or its delayed payment failed)."""

    order_id: int | None
    reason: str  # for the order's history, e.g. "Checkout session expired; stock released"


@dataclass(frozen=True, kw_only=True)
class ChargeRefunded(PaymentEvent):
    payment_intent: str | None
    amount_refunded: int  # cumulative: everything refunded on the charge so far


@dataclass(frozen=True, kw_only=True)
class RefundUpdated(PaymentEvent):
    """A refund was made or changed (possibly in the provider's dashboard); status as the provider says."""

    refund_id: str
    status: str
    amount: int
    payment_intent: str | None


@dataclass
class Outcome:
    text: str
    order_id: int | None = None
    # Money taken with no order to put it on: kept as an UnmatchedPayment for staff.
    unmatched: bool = False


EventHandler = Callable[[PaymentEvent], Outcome]
EventReader = Callable[[dict], PaymentEvent]


def set_event_handler(app, handler: EventHandler) -> None:
    """Orders registers how a PaymentEvent changes an order (it runs inside process_event's transaction)."""
    app.extensions[HANDLER_KEY] = handler


def _handler() -> EventHandler:
    from flask import current_app

    try:
        return current_app.extensions[HANDLER_KEY]
    except KeyError:
        raise RuntimeError("No payment event handler: storefront.orders.init_app registers it") from None


def _apply(provider: Provider, read: EventReader | None, event_id: str, event_type: str, obj: dict) -> Outcome:
    if read is None:
        return Outcome("ignored")
    try:
        event = read(obj)
    except Malformed as error:
        # Signed, so from the provider, yet unusable: retrying will not mend it. Recorded and logged;
        # a payment it was about is still settled by reconcile-payments, which asks the provider itself.
        db.session.rollback()
        log.warning("%s event %s %s ignored: malformed %s", provider.name, event_id, event_type, error)
        return Outcome(f"ignored: malformed {error}")
    outcome = _handler()(event)
    if outcome.unmatched and isinstance(event, CheckoutCompleted) and event.unmatched is not None:
        add_unmatched_payment(provider.code, event_id, event_type, **event.unmatched)
    return outcome


def process_event(
    provider: Provider, readers: Mapping[str, EventReader], event_id: str, event_type: str, obj: dict
) -> str:
    """Apply one verified event once: its ProcessedEvent row commits in the same transaction as its effect."""
    if db.session.scalar(
        select(ProcessedEvent.id).where(ProcessedEvent.provider == provider.code, ProcessedEvent.event_id == event_id)
    ):
        return "duplicate"
    try:
        outcome = _apply(provider, readers.get(event_type), event_id, event_type, obj)
        db.session.add(
            ProcessedEvent(
                provider=provider.code,
                event_id=event_id,
                event_type=event_type[:80],
                order_id=outcome.order_id,
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
    log.info("%s event %s %s: %s", provider.name, event_id, event_type, outcome.text)
    return outcome.text
