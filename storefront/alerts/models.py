"""A reader waiting for a sold-out variant: one row per (email, variant), whatever they post."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.catalog.models import Variant
from storefront.clock import now
from storefront.extensions import db


class AlertStatus(StrEnum):
    PENDING = "pending_confirmation"  # asked; the address has not confirmed yet (gets nothing)
    ACTIVE = "active"  # confirmed: waits for the variant to come back
    NOTIFIED = "notified"  # alerted once; a later restock sends nothing until they ask again
    UNSUBSCRIBED = "unsubscribed"


class StockAlert(db.Model):
    __tablename__ = "stock_alert"
    __table_args__ = (
        # The same address asking again (a form posted 100 times) finds its row instead of a new one.
        UniqueConstraint("email", "variant_id", name="uq_stock_alert_email_variant"),
        # The restock handler and the admin's counts read the active rows of a variant.
        Index("ix_stock_alert_variant_status", "variant_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    variant_id: Mapped[int] = mapped_column(ForeignKey("variant.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(24), default=AlertStatus.PENDING.value)
    # Where the reader asked from, like a cart's: "article:magnesium-for-back-pain", or None (the
    # product page reached directly). The alert's link carries it, so the order is attributed too.
    attribution: Mapped[str | None] = mapped_column(String(160))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    unsubscribed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    variant: Mapped[Variant] = relationship()

    def __repr__(self) -> str:
        return f"<StockAlert {self.id} {self.email} variant={self.variant_id} {self.status}>"
