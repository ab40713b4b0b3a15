"""The money trail kept for providers: every gateway call (Payment), each provider event handled
(ProcessedEvent) and money taken with no order to put it on (UnmatchedPayment).

These rows point at orders by the shop_order table's key only: payments sits below orders, so
nothing here imports them; Order.payments (storefront/orders/models.py) is the one relationship.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storefront.clock import now
from storefront.db_mixins import TimestampMixin
from storefront.extensions import db
from storefront.money import format_money


class PaymentKind(enum.StrEnum):
    CHARGE = "charge"
    REFUND = "refund"


class PaymentStatus(enum.StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Payment(TimestampMixin, db.Model):
    """Every call to a payment provider about an order: the checkout and each refund."""

    __tablename__ = "payment"
    __table_args__ = (
        UniqueConstraint("provider_refund_id", name="one_row_per_refund"),
        Index("ix_payment_session", "provider_session_id"),
        Index("ix_payment_intent", "provider_payment_intent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id", ondelete="CASCADE"), index=True)
    gateway: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(12), default=PaymentKind.CHARGE.value)
    status: Mapped[str] = mapped_column(String(12), default=PaymentStatus.PENDING.value)
    amount: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    provider_session_id: Mapped[str | None] = mapped_column(String(255), default=None)
    provider_payment_intent: Mapped[str | None] = mapped_column(String(255), default=None)
    provider_refund_id: Mapped[str | None] = mapped_column(String(255), default=None)
    redirect_url: Mapped[str] = mapped_column(String(2000), default="")
    error: Mapped[str] = mapped_column(String(500), default="")


class ProcessedEvent(db.Model):
    """A provider event already handled; its unique id makes replays do nothing."""

    __tablename__ = "processed_event"
    __table_args__ = (UniqueConstraint("provider", "event_id", name="once_per_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(255))
    event_type: Mapped[str] = mapped_column(String(80))
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("shop_order.id", ondelete="SET NULL"), index=True, default=None
    )
    outcome: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: now())


class UnmatchedPayment(db.Model):
    """Money a provider says it took for which no order matched: kept until staff settle it.

    Written in the same transaction as the event's ProcessedEvent row, so a redelivered event finds
    it already there; the unique event id also stops a concurrent delivery adding a second one.
    """

    __tablename__ = "unmatched_payment"
    __table_args__ = (
        UniqueConstraint("provider", "event_id", name="one_unmatched_payment_per_event"),
        # The open ones, newest first, are what the staff page and its count read.
        Index("ix_unmatched_payment_open", "resolved_at", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str] = mapped_column(String(255))
    event_type: Mapped[str] = mapped_column(String(80))
    session_id: Mapped[str | None] = mapped_column(String(255), index=True, default=None)
    payment_intent: Mapped[str | None] = mapped_column(String(255), default=None)
    amount: Mapped[int] = mapped_column(Integer, default=0)  # minor units, as the provider sent it
    currency: Mapped[str] = mapped_column(String(3), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    # What staff need to find the payment and its shopper without opening the provider's logs.
    summary: Mapped[str] = mapped_column(String(500), default="")
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: now())
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    resolved_by: Mapped[str] = mapped_column(String(120), default="")
    resolution_note: Mapped[str] = mapped_column(String(500), default="")

    def __repr__(self) -> str:
        return f"<UnmatchedPayment {self.provider} {self.event_id} {format_money(self.amount, self.currency)}>"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None
