"""Payments without an order: money a provider took that no order matched, kept for staff to settle.

A paid checkout whose order cannot be found (deleted, never created here, metadata lost) is not
only logged: the money is real, so it is stored until someone at the shop says what they did with it.
"""

from __future__ import annotations

import logging

from sqlalchemy import func, or_, select, update

from storefront.clock import now
from storefront.extensions import db
from storefront.money import format_money
from storefront.payments.models import UnmatchedPayment

log = logging.getLogger(__name__)
LIST_LIMIT = 200  # a page staff can read; the count above it says when there are more


class UnmatchedPaymentError(Exception):
    """A payment without an order cannot be settled as asked; the message is for staff."""


def add_unmatched_payment(
    provider: str,
    event_id: str,
    event_type: str,
    *,
    amount: int,
    currency: str,
    session_id: str | None = None,
    payment_intent: str | None = None,
    email: str = "",
    summary: str = "",
) -> UnmatchedPayment:
    """Store the payment inside the caller's transaction (it commits with the event's ProcessedEvent row).

    One row per payment: a second event about the same checkout session (or a redelivery that got past
    the processed-event check) returns the row already there instead of counting the money twice.
    """
    same = [UnmatchedPayment.event_id == event_id]
    if session_id:
        same.append(UnmatchedPayment.session_id == session_id)
    existing = db.session.scalar(
        select(UnmatchedPayment).where(UnmatchedPayment.provider == provider, or_(*same)).limit(1)
    )
    if existing is not None:
        return existing
    record = UnmatchedPayment(
        provider=provider[:20],
        event_id=event_id[:255],
        event_type=event_type[:80],
        session_id=(session_id or None) and session_id[:255],
        payment_intent=(payment_intent or None) and payment_intent[:255],
        amount=amount,
        currency=currency.upper()[:3],
        email=email[:254],
        summary=summary[:500],
    )
    db.session.add(record)
    log.warning("Payment without an order: %s %s %s (%s)", provider, event_id, format_money(amount, currency), summary)
    return record


def open_unmatched_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(UnmatchedPayment).where(UnmatchedPayment.resolved_at.is_(None))
    ) or 0


def open_unmatched_payments(limit: int = LIST_LIMIT) -> list[UnmatchedPayment]:
    """Unsettled payments, oldest first: the longest-waiting shopper comes first."""
    return list(
        db.session.scalars(
            select(UnmatchedPayment)
            .where(UnmatchedPayment.resolved_at.is_(None))
            .order_by(UnmatchedPayment.received_at, UnmatchedPayment.id)
            .limit(limit)
        )
    )


def resolved_unmatched_payments(limit: int = 50) -> list[UnmatchedPayment]:
    """The most recently settled ones, so staff can see what a colleague did."""
    return list(
        db.session.scalars(
            select(UnmatchedPayment)
            .where(UnmatchedPayment.resolved_at.is_not(None))
            .order_by(UnmatchedPayment.resolved_at.desc(), UnmatchedPayment.id.desc())
            .limit(limit)
        )
    )


def resolve_unmatched_payment(payment_id: int, resolved_by: str, note: str) -> UnmatchedPayment:
    """Staff settled the payment (refunded it, attached it to an order by hand...) and say how.

    One conditional UPDATE: two people resolving at once cannot both win or overwrite each other's note.
    resolved_by is who did it, as the order history names staff ("admin:ann@example.com").
    """
    note = note.strip()
    if not note:
        raise UnmatchedPaymentError("Say what was done about this payment.")
    claimed = db.session.execute(
        update(UnmatchedPayment)
        .where(UnmatchedPayment.id == payment_id, UnmatchedPayment.resolved_at.is_(None))
        .values(resolved_at=now(), resolved_by=resolved_by[:120], resolution_note=note[:500])
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    record = db.session.get(UnmatchedPayment, payment_id, populate_existing=True)
    if record is None:
        raise UnmatchedPaymentError("No such payment.")
    if claimed.rowcount != 1:
        raise UnmatchedPaymentError(f"This payment was already marked resolved by {record.resolved_by}.")
    return record
