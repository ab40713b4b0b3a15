"""Discount codes and their redemptions (one per order)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, Integer, String, false, true
from sqlalchemy.orm import Mapped, mapped_column

from storefront.clock import now
from storefront.db_mixins import TimestampMixin
from storefront.extensions import db


class DiscountKind(enum.StrEnum):
    PERCENTAGE = "percentage"
    FIXED = "fixed"
    FREE_DELIVERY = "free_delivery"


KIND_LABELS = {
    DiscountKind.PERCENTAGE: "Percentage off",
    DiscountKind.FIXED: "Fixed amount off",
    DiscountKind.FREE_DELIVERY: "Free delivery",
}


class Discount(TimestampMixin, db.Model):
    __tablename__ = "discount"
    __table_args__ = (
        CheckConstraint("value >= 0", name="value_not_negative"),
        CheckConstraint("kind <> 'percentage' OR value <= 100", name="percentage_at_most_100"),
        CheckConstraint("min_subtotal >= 0", name="min_subtotal_not_negative"),
        CheckConstraint("usage_limit IS NULL OR usage_limit > 0", name="usage_limit_positive"),
        CheckConstraint("per_customer_limit IS NULL OR per_customer_limit > 0", name="per_customer_limit_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored upper-case without spaces (services.normalise_code); shoppers may type it any way.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    # Staff's own note ("Welcome code for the magnesium article"): shown in the admin only.
    note: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20), default=DiscountKind.PERCENTAGE.value)
    # A percentage (1-100) or an amount in minor units; unused for free delivery.
    value: Mapped[int] = mapped_column(Integer, default=0)
    min_subtotal: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    starts_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    ends_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    usage_limit: Mapped[int | None] = mapped_column(Integer, default=None)
    per_customer_limit: Mapped[int | None] = mapped_column(Integer, default=None)
    # Restriction to products and/or collections (slugs); both empty: every product.
    product_slugs: Mapped[list[str]] = mapped_column(JSON, default=list)
    collection_slugs: Mapped[list[str]] = mapped_column(JSON, default=list)
    exclude_sale_items: Mapped[bool] = mapped_column(default=False, server_default=false())
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Set in the transaction that takes the last use (and cleared when a use is given back): the
    # article cards read this flag, so the page cache changes only when it flips, not on every use.
    used_up: Mapped[bool] = mapped_column(default=False, server_default=false())

    def __repr__(self) -> str:
        return f"<Discount {self.code}>"

    @property
    def restricted(self) -> bool:
        return bool(self.product_slugs or self.collection_slugs)


class DiscountRedemption(db.Model):
    """One order that carries a code: who, how much it saved, and the article it came from."""

    __tablename__ = "discount_redemption"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    discount_id: Mapped[int] = mapped_column(ForeignKey("discount.id", ondelete="CASCADE"), index=True)
    # One code per order. Orders sit above this room, so the order is known by its id only.
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id", ondelete="CASCADE"), unique=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    amount: Mapped[int] = mapped_column(Integer, default=0)
    # "article:<slug>" when the code was applied from an article's code card.
    source: Mapped[str | None] = mapped_column(String(160), default=None, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: now())
