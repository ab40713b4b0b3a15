"""Carts live in the database, found by a signed cookie token (guests) or by their owner."""

from __future__ import annotations

import secrets

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.catalog.models import Variant
from storefront.db_mixins import TimestampMixin
from storefront.extensions import db


def new_cart_token() -> str:
    return secrets.token_urlsafe(24)


class Cart(TimestampMixin, db.Model):
    __tablename__ = "cart"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_cart_token)
    # One open cart per account; guests are found by token only.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True, default=None
    )
    # Last touch: the most recent article CTA that added something ("article:<slug>").
    attribution: Mapped[str | None] = mapped_column(String(160), default=None)
    # The discount code the shopper applied (one per order; checked again when the order is placed),
    # and the article whose code card applied it ("article:<slug>"), for the redemption's credit.
    discount_code: Mapped[str | None] = mapped_column(String(40), default=None)
    discount_source: Mapped[str | None] = mapped_column(String(160), default=None)

    lines: Mapped[list[CartLine]] = relationship(
        back_populates="cart", cascade="all, delete-orphan", order_by="CartLine.id"
    )

    def __repr__(self) -> str:
        return f"<Cart {self.id} lines={len(self.lines)}>"

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def is_empty(self) -> bool:
        return not self.lines

    def line_for(self, variant_id: int) -> CartLine | None:
        return next((line for line in self.lines if line.variant_id == variant_id), None)


class CartLine(db.Model):
    __tablename__ = "cart_line"
    __table_args__ = (
        UniqueConstraint("cart_id", "variant_id", name="one_line_per_variant"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[int] = mapped_column(ForeignKey("cart.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variant.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)

    cart: Mapped[Cart] = relationship(back_populates="lines")
    variant: Mapped[Variant] = relationship()
