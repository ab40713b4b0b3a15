"""Orders: lines copied at purchase, status events; their payments are storefront.payments rows."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.clock import now
from storefront.db_mixins import TimestampMixin
from storefront.extensions import db
from storefront.payments.models import Payment, PaymentKind, PaymentStatus

# No 0/O or 1/I: order numbers are read out over the phone.
_NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_order_number() -> str:
    return "LD-" + "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(8))


def new_public_token() -> str:
    return secrets.token_urlsafe(24)


class OrderStatus(enum.StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


# The order lifecycle (DESIGN.md). Anything not listed here is refused by Order.can_become.
ALLOWED_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING_PAYMENT: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset(
        {OrderStatus.FULFILLED, OrderStatus.CANCELLED, OrderStatus.REFUNDED, OrderStatus.PARTIALLY_REFUNDED}
    ),
    OrderStatus.FULFILLED: frozenset({OrderStatus.REFUNDED, OrderStatus.PARTIALLY_REFUNDED}),
    OrderStatus.PARTIALLY_REFUNDED: frozenset(
        {OrderStatus.PARTIALLY_REFUNDED, OrderStatus.REFUNDED, OrderStatus.FULFILLED}
    ),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}

# Statuses whose money the shop has received (revenue before refunds).
REVENUE_STATUSES = (
    OrderStatus.PAID,
    OrderStatus.FULFILLED,
    OrderStatus.PARTIALLY_REFUNDED,
    OrderStatus.REFUNDED,
)


class FulfilmentStatus(enum.StrEnum):
    """How much of the order has left the warehouse: kept on the order by services.ship_lines."""

    UNFULFILLED = "unfulfilled"
    PARTIALLY_FULFILLED = "partially_fulfilled"
    FULFILLED = "fulfilled"


class PaymentState(enum.StrEnum):
    """What happened to the shopper's money, derived from Order.status and refunded_total (never stored,
    so it cannot disagree with the lifecycle that reports and attribution read)."""

    PENDING = "pending"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"


class InvalidTransition(Exception):
    """An order status change that the lifecycle does not allow."""

    def __init__(self, current: str, wanted: str) -> None:
        super().__init__(f"An order that is {current} cannot become {wanted}")
        self.current = current
        self.wanted = wanted


class Order(TimestampMixin, db.Model):
    __tablename__ = "shop_order"
    __table_args__ = (
        CheckConstraint("total >= 0", name="total_not_negative"),
        CheckConstraint("refunded_total >= 0 AND refunded_total <= total", name="refund_within_total"),
        CheckConstraint("discount_total >= 0 AND shipping_discount >= 0", name="discount_not_negative"),
        Index("ix_shop_order_status_created", "status", "created_at"),
        Index("ix_shop_order_attribution_created", "attribution", "created_at"),
        # Checkout reminders ask "did this address pay, or get a reminder, lately?" (checkout/reminders.py).
        Index("ix_shop_order_email_created", "email", "created_at"),
        # Staff pages count and list the few flagged orders on every load; a partial index keeps
        # that off a scan of every order. Queries use it through Order.flagged().
        Index(
            "ix_shop_order_needs_review",
            "created_at",
            postgresql_where=text("needs_review"),
            sqlite_where=text("needs_review = 1"),
        ),
        # At most one order waiting for payment per cart, whatever the timing of its checkout submits:
        # a second one would hold the same stock again (checkout joins the first instead).
        Index(
            "uq_shop_order_pending_cart",
            "cart_id",
            unique=True,
            postgresql_where=text("status = 'pending_payment'"),
            sqlite_where=text("status = 'pending_payment'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True, default=new_order_number)
    public_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_public_token)
    status: Mapped[str] = mapped_column(String(24), default=OrderStatus.PENDING_PAYMENT.value)
    email: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True, default=None
    )
    cart_id: Mapped[int | None] = mapped_column(
        ForeignKey("cart.id", ondelete="SET NULL"), index=True, default=None
    )
    ship_name: Mapped[str] = mapped_column(String(120), default="")
    ship_line1: Mapped[str] = mapped_column(String(200), default="")
    ship_line2: Mapped[str] = mapped_column(String(200), default="")
    ship_city: Mapped[str] = mapped_column(String(120), default="")
    ship_region: Mapped[str] = mapped_column(String(120), default="")
    ship_postcode: Mapped[str] = mapped_column(String(20), default="")
    ship_country: Mapped[str] = mapped_column(String(2), default="US")
    shipping_method: Mapped[str] = mapped_column(String(32), default="")
    shipping_label: Mapped[str] = mapped_column(String(120), default="")
    currency: Mapped[str] = mapped_column(String(3))
    subtotal: Mapped[int] = mapped_column(Integer, default=0)
    shipping_total: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    refunded_total: Mapped[int] = mapped_column(Integer, default=0)
    # The one discount code of the order (storefront.discounts) and what it saved in all: the lines'
    # discounts plus shipping_discount (free delivery). total = subtotal + shipping_total - discount_total.
    discount_code: Mapped[str | None] = mapped_column(String(40), default=None)
    discount_total: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    shipping_discount: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # "article:<slug>" when an article's CTA put something in the cart (last touch wins).
    attribution: Mapped[str | None] = mapped_column(String(160), default=None)
    gateway: Mapped[str] = mapped_column(String(20), default="")
    needs_review: Mapped[bool] = mapped_column(default=False)
    review_reason: Mapped[str] = mapped_column(String(300), default="")
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    # Set by one conditional UPDATE so that exactly one confirmation email goes out.
    confirmation_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    # Set when staff mark the order fulfilled; tracking_url is the link as emailed (storefront.orders.carriers).
    shipped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    shipping_carrier: Mapped[str | None] = mapped_column(String(60), default=None)
    tracking_number: Mapped[str | None] = mapped_column(String(40), default=None)
    tracking_url: Mapped[str | None] = mapped_column(String(500), default=None)
    # The shipping columns above describe the last shipment; each shipment is a Shipment row.
    # fulfilment_status is stored (not derived from the lines) so the order list shows it without
    # loading every order's lines; services.ship_lines keeps it in step with OrderLine.quantity_shipped.
    fulfilment_status: Mapped[str] = mapped_column(
        String(24), default=FulfilmentStatus.UNFULFILLED.value, server_default=FulfilmentStatus.UNFULFILLED.value
    )
    # The shopper ticked "email me a reminder if I don't finish" (never ticked for them), and when
    # that one reminder went (set by a conditional UPDATE: storefront/checkout/reminders.py).
    reminder_consent: Mapped[bool] = mapped_column(default=False, server_default=false())
    reminder_sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.id"
    )
    events: Mapped[list[OrderEvent]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderEvent.id"
    )
    # One-way: payments sit below orders, so a Payment row knows its order only by order_id.
    payments: Mapped[list[Payment]] = relationship(cascade="all, delete-orphan", order_by=Payment.id)
    shipments: Mapped[list[Shipment]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="Shipment.id"
    )

    def __repr__(self) -> str:
        return f"<Order {self.number} {self.status}>"

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def shipped_count(self) -> int:
        return sum(line.quantity_shipped for line in self.lines)

    @property
    def payment_state(self) -> PaymentState:
        """The payment badge: pending, paid, partially refunded, refunded or cancelled."""
        if self.status == OrderStatus.PENDING_PAYMENT:
            return PaymentState.PENDING
        if self.status == OrderStatus.CANCELLED:
            return PaymentState.REFUNDED if self.refunded_total and self.refunded_total >= self.total else (
                PaymentState.CANCELLED)
        if self.status == OrderStatus.REFUNDED:
            return PaymentState.REFUNDED
        return PaymentState.PARTIALLY_REFUNDED if self.refunded_total else PaymentState.PAID

    @property
    def is_paid(self) -> bool:
        return self.status in (OrderStatus.PAID, OrderStatus.FULFILLED, OrderStatus.PARTIALLY_REFUNDED)

    @property
    def refundable_amount(self) -> int:
        """What can still go back: a paid order's money, or a payment that came in after cancellation."""
        late_payment = self.status == OrderStatus.CANCELLED and any(
            p.kind == PaymentKind.CHARGE and p.status == PaymentStatus.SUCCEEDED for p in self.payments
        )
        return self.total - self.refunded_total if self.status in REVENUE_STATUSES or late_payment else 0

    def add_up(self, shipping_rate: int, shipping_discount: int = 0) -> None:
        """Totals from the copied lines (and their discounts) and the shipping rate: the one place an
        order's total is computed. A discount never takes a line or the delivery below zero."""
        self.subtotal = sum(line.line_total for line in self.lines)
        self.shipping_total = shipping_rate
        self.shipping_discount = max(0, min(shipping_discount, shipping_rate))
        self.discount_total = sum(line.discount or 0 for line in self.lines) + self.shipping_discount
        self.total = self.subtotal + self.shipping_total - self.discount_total

    @property
    def items_discount(self) -> int:
        return self.discount_total - self.shipping_discount

    @property
    def shipping_paid(self) -> int:
        return self.shipping_total - self.shipping_discount

    @classmethod
    def flagged(cls):
        """SQL truth of "flagged for review", written `= true` so PostgreSQL can use the partial
        index ix_shop_order_needs_review (it cannot match `IS true` against its predicate)."""
        return cls.needs_review == true()

    def can_become(self, status: OrderStatus | str) -> bool:
        return OrderStatus(status) in ALLOWED_TRANSITIONS[OrderStatus(self.status)]

    def set_status(self, status: OrderStatus | str, actor: str, note: str = "") -> OrderEvent:
        """Move along the lifecycle, recording who did it; anything else raises InvalidTransition."""
        wanted = OrderStatus(status)
        if not self.can_become(wanted):
            raise InvalidTransition(self.status, wanted.value)
        event = OrderEvent(from_status=self.status, to_status=wanted.value, actor=actor[:120], note=note[:500])
        self.status = wanted.value
        self.events.append(event)
        return event

    def note(self, actor: str, note: str) -> OrderEvent:
        """An event without a status change (a flag for review, an email sent)."""
        event = OrderEvent(from_status=self.status, to_status=self.status, actor=actor[:120], note=note[:500])
        self.events.append(event)
        return event


class OrderLine(db.Model):
    """What was bought, copied from the catalog at purchase so later edits never change it."""

    __tablename__ = "order_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("quantity_shipped >= 0 AND quantity_shipped <= quantity", name="shipped_within_quantity"),
        CheckConstraint("quantity_refunded >= 0 AND quantity_refunded <= quantity", name="refunded_within_quantity"),
        CheckConstraint("discount >= 0 AND discount <= unit_price * quantity", name="discount_within_line"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int | None] = mapped_column(
        ForeignKey("variant.id", ondelete="SET NULL"), index=True, default=None
    )
    product_slug: Mapped[str] = mapped_column(String(120), default="")
    title: Mapped[str] = mapped_column(String(200))
    option_label: Mapped[str] = mapped_column(String(120), default="")
    sku: Mapped[str] = mapped_column(String(64))
    unit_price: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    # Units that left in a shipment, and units refunded (returned or never sent); both only grow, under
    # the order's lock (services.ship_lines, services.refund_lines), and never past the quantity.
    quantity_shipped: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    quantity_refunded: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # This line's share of the order's discount code (storefront.discounts.services.allocate).
    discount: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    order: Mapped[Order] = relationship(back_populates="lines")

    @property
    def left_to_ship(self) -> int:
        return self.quantity - self.quantity_shipped

    @property
    def left_to_refund(self) -> int:
        return self.quantity - self.quantity_refunded

    @classmethod
    def copy_of(cls, variant, quantity: int) -> OrderLine:
        """The variant as sold today (title, SKU, server price); later catalog edits never change the line."""
        product = variant.product
        return cls(
            variant_id=variant.id,
            product_slug=product.slug,
            title=product.title,
            option_label=variant.option_label if len(product.variants) > 1 else "",
            sku=variant.sku,
            unit_price=variant.price,
            quantity=quantity,
        )

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity

    @property
    def paid_total(self) -> int:
        """What the shopper paid for the line: its total less its share of the discount."""
        return self.line_total - (self.discount or 0)

    def paid_for(self, units: int) -> int:
        """What was paid for the next `units` units to refund: the paid total spread over the units,
        to the cent, so refunding every unit one by one gives back exactly the paid total."""
        before = self.quantity_refunded or 0
        after = min(before + units, self.quantity)
        return after * self.paid_total // self.quantity - before * self.paid_total // self.quantity


class OrderEvent(db.Model):
    """One row per status change or notable fact, for the order's history."""

    __tablename__ = "order_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(120), default="system")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: now())

    order: Mapped[Order] = relationship(back_populates="events")


class Shipment(db.Model):
    """One parcel staff sent: its carrier and tracking, and which lines (how many of each) went in it."""

    __tablename__ = "shipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("shop_order.id", ondelete="CASCADE"), index=True)
    carrier: Mapped[str | None] = mapped_column(String(60), default=None)
    tracking_number: Mapped[str | None] = mapped_column(String(40), default=None)
    tracking_url: Mapped[str | None] = mapped_column(String(500), default=None)
    actor: Mapped[str] = mapped_column(String(120), default="system")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: now())

    order: Mapped[Order] = relationship(back_populates="shipments")
    lines: Mapped[list[ShipmentLine]] = relationship(
        back_populates="shipment", cascade="all, delete-orphan", order_by="ShipmentLine.id"
    )

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)


class ShipmentLine(db.Model):
    __tablename__ = "shipment_line"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    shipment_id: Mapped[int] = mapped_column(ForeignKey("shipment.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_line.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)

    shipment: Mapped[Shipment] = relationship(back_populates="lines")
    order_line: Mapped[OrderLine] = relationship()
