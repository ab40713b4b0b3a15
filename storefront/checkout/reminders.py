"""Abandoned checkout: one reminder to a shopper who asked for it, never after paying, never twice.

The job is recorded with the order (place_order, same transaction) and held back by
ABANDONED_CHECKOUT_DELAY_MINUTES. When it comes due, one conditional UPDATE both decides and claims:
the order is still unpaid (and not cancelled by staff), consent still stands, this address placed
or paid no order since and got no reminder within REMINDER_WINDOW. The email goes out in the same transaction that sets
reminder_sent_at, so a failed send rolls the claim back (and is retried), and a job run twice finds
the claim taken (on PostgreSQL the second UPDATE waits on the row lock, then sees it set). Two
abandoned orders from one address give one reminder, about the newer cart: the older one's claim
sees the newer order, which is committed before either job can run.

The email's link restores the cart: a signed, expiring token naming the order, opened by
/checkout/restore/<token> (here, not in the cart room, because reading an order is above the cart
in the layers; the cart room only puts lines back: cart.services.restore_lines).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from sqlalchemy import exists, select, true, update
from sqlalchemy.orm import aliased, selectinload

from storefront import jobs
from storefront.cart.models import Cart
from storefront.cart.services import RestoredLine, restore_lines
from storefront.catalog.availability import has_stock, is_on_sale
from storefront.catalog.models import Product, Variant
from storefront.clock import now
from storefront.extensions import db
from storefront.mail import send_email
from storefront.orders.models import Order, OrderEvent, OrderStatus
from storefront.payments.models import Payment, PaymentKind, PaymentStatus
from storefront.site_urls import absolute_url_for

log = logging.getLogger(__name__)

CHECKOUT_REMINDER = "checkout.reminder"  # outbox job kind
REMINDER_WINDOW = timedelta(days=7)  # at most one reminder per address in this time, whatever it left
RESTORE_MAX_AGE = 14 * 24 * 60 * 60  # seconds a "restore your cart" link works
UNPAID = (OrderStatus.PENDING_PAYMENT.value, OrderStatus.CANCELLED.value)


# ------------------------------------------------------------------ scheduling


def reminder_delay() -> timedelta | None:
    """How long after an order is placed its reminder is due; None when reminders are switched off."""
    minutes = int(current_app.config.get("ABANDONED_CHECKOUT_DELAY_MINUTES") or 0)
    return timedelta(minutes=minutes) if minutes > 0 else None


def delay_phrase() -> str:
    """The delay as the checkout's consent note says it ("about an hour", "30 minutes")."""
    delay = reminder_delay()
    if delay is None:
        return ""
    minutes = int(delay.total_seconds() // 60)
    if minutes == 60:
        return "about an hour"
    if minutes < 120:
        return f"{minutes} minutes"
    hours = round(minutes / 60)
    return f"about {hours} hours" if hours < 48 else f"about {round(hours / 24)} days"


def schedule_reminder(order: Order) -> None:
    """Record the order's one reminder, due after the configured delay (in the caller's transaction;
    the order must be flushed so it has an id). Nothing when the shopper did not ask, or it is off."""
    delay = reminder_delay()
    if not order.reminder_consent or delay is None:
        return
    jobs.record(CHECKOUT_REMINDER, {"order_id": order.id}, key=f"checkout-reminder:{order.id}", delay=delay)


# ------------------------------------------------------------------ what was in the cart, today


@dataclass(frozen=True)
class ReminderLine:
    """One line of the abandoned order as it stands now: today's price and stock, not the old ones."""

    title: str
    option_label: str
    quantity: int
    unit_price: int  # current price (0 when the product is gone)
    in_stock: int  # how many of `quantity` can be bought now
    available: bool

    @property
    def line_total(self) -> int:
        return self.unit_price * min(self.quantity, self.in_stock)

    @property
    def problem(self) -> str | None:
        if not self.available:
            return "No longer available"
        if self.in_stock == 0:
            return "Sold out"
        if self.in_stock < self.quantity:
            return f"Only {self.in_stock} left"
        return None


def _current_variants(order: Order) -> dict[int, Variant]:
    ids = [line.variant_id for line in order.lines if line.variant_id is not None]
    if not ids:
        return {}
    variants = db.session.scalars(
        select(Variant).where(Variant.id.in_(ids))
        .options(selectinload(Variant.product).selectinload(Product.variants))
    )
    return {variant.id: variant for variant in variants}


def reminder_lines(order: Order) -> list[ReminderLine]:
    """The order's lines with today's titles, prices and stock (one query for all of them)."""
    variants = _current_variants(order)
    lines = []
    for line in order.lines:
        variant = variants.get(line.variant_id) if line.variant_id is not None else None
        if variant is None or not is_on_sale(variant.product.status):
            lines.append(ReminderLine(line.title, line.option_label, line.quantity, 0, 0, False))
            continue
        product = variant.product
        option = variant.option_label if len(product.variants) > 1 else ""
        in_stock = min(line.quantity, variant.stock) if has_stock(variant.stock) else 0
        lines.append(ReminderLine(product.title, option, line.quantity, variant.price, in_stock, True))
    return lines


# ------------------------------------------------------------------ tokens


def _restore_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="larder.checkout-restore")


def make_restore_token(order: Order) -> str:
    """A signed, expiring token naming the order (its id only: not its public token, which opens
    the guest order page and would be readable in the link)."""
    return _restore_serializer().dumps({"order": order.id})


class RestoreLinkError(Exception):
    """A restore link that cannot be used; the message is for the shopper, status for the page."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def order_for_restore_token(token: str) -> Order:
    """The order a restore link names; RestoreLinkError for an expired, altered or unknown one."""
    try:
        data = _restore_serializer().loads(token, max_age=RESTORE_MAX_AGE)
    except SignatureExpired:
        raise RestoreLinkError(
            "This link to your cart has expired. Your items may still be in your cart on the device you used.",
            410,
        ) from None
    except BadData:
        raise RestoreLinkError("This link to a cart is not valid. Please check it was copied whole.", 404) from None
    order_id = data.get("order") if isinstance(data, dict) else None
    order = db.session.get(Order, order_id) if isinstance(order_id, int) else None
    if order is None:
        raise RestoreLinkError("We could not find that cart any more.", 404)
    return order


def _stop_serializer() -> URLSafeSerializer:
    # Untimed: a "stop reminders" link must work however old the email is.
    return URLSafeSerializer(current_app.secret_key, salt="larder.checkout-reminders-stop")


def make_stop_token(email: str) -> str:
    return _stop_serializer().dumps({"email": email})


def email_for_stop_token(token: str) -> str | None:
    """The address a "stop reminders" link was made for, if the link is authentic."""
    try:
        data = _stop_serializer().loads(token)
    except BadData:
        return None
    email = data.get("email") if isinstance(data, dict) else None
    return email if isinstance(email, str) and email else None


# ------------------------------------------------------------------ restoring and withdrawing


@dataclass(frozen=True)
class Restored:
    order: Order
    lines: list[RestoredLine]
    already_paid: bool = False


def restore_order_cart(order: Order, cart: Cart) -> Restored:
    """Put the abandoned order's lines back in this visitor's cart at today's prices, capped by stock,
    with the order's attribution (so the order it leads to is credited to the same article).
    A paid order puts nothing back: it was bought."""
    if order.paid_at is not None or order.is_paid:
        return Restored(order, [], already_paid=True)
    wanted = [(line.variant_id, line.quantity, line.title) for line in order.lines]
    return Restored(order, restore_lines(cart, wanted, order.attribution))


def withdraw_consent(email: str) -> int:
    """No more checkout reminders to this address: consent is withdrawn on every order it placed."""
    changed = db.session.execute(
        update(Order)
        .where(Order.email == email.strip().lower(), Order.reminder_consent == true())
        .values(reminder_consent=False)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return changed.rowcount


# ------------------------------------------------------------------ the worker's half


def _claim(order: Order) -> bool:
    """Decide and claim in one statement: True when this job is the one to send the reminder."""
    other = aliased(Order)
    paid_charge = exists().where(
        Payment.order_id == Order.id,
        Payment.kind == PaymentKind.CHARGE.value,
        Payment.status == PaymentStatus.SUCCEEDED.value,
    )
    # The shopper moved on: this address placed a later order (its own reminder, if asked for, is
    # the one that counts: it holds the newer cart), paid an order after this one was placed, or was
    # reminded about another order within the window.
    moved_on = exists().where(
        other.email == Order.email,
        other.id != Order.id,
        (other.id > Order.id)
        | (other.paid_at >= Order.created_at)
        | (other.reminder_sent_at >= now() - REMINDER_WINDOW),
    )
    # Staff cancelled it (their events name them "role:email", orders.services.actor_label): the
    # shop ended this checkout on purpose, it was not left unfinished.
    staff_cancelled = exists().where(
        OrderEvent.order_id == Order.id,
        OrderEvent.to_status == OrderStatus.CANCELLED.value,
        OrderEvent.actor.contains(":"),
    )
    claimed = db.session.execute(
        update(Order)
        .where(
            Order.id == order.id,
            Order.reminder_consent == true(),
            Order.reminder_sent_at.is_(None),
            Order.paid_at.is_(None),
            Order.status.in_(UNPAID),
            ~paid_charge,
            ~staff_cancelled,
            ~moved_on,
        )
        .values(reminder_sent_at=now())
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


@jobs.handler(CHECKOUT_REMINDER)
def send_checkout_reminder(payload: dict) -> None:
    """Email the one reminder for an unpaid order whose shopper asked for it (see the module docstring)."""
    order = db.session.get(Order, payload.get("order_id"))
    if order is None:
        return
    lines = reminder_lines(order)
    if not any(line.in_stock for line in lines):
        return  # nothing in it can be bought now: a reminder would only disappoint
    if not _claim(order):
        return
    store = current_app.config["STORE_NAME"]
    stop_link = absolute_url_for("checkout.stop_reminders", token=make_stop_token(order.email))
    send_email(
        order.email,
        f"You left something in your {store} cart",
        "checkout_reminder",
        headers={"List-Unsubscribe": f"<{stop_link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        order=order,
        lines=lines,
        subtotal=sum(line.line_total for line in lines),
        restore_link=absolute_url_for("checkout.restore_cart", token=make_restore_token(order)),
        stop_link=stop_link,
        restore_days=RESTORE_MAX_AGE // (24 * 60 * 60),
    )
    order.note("system", "Checkout reminder emailed")
    log.info("Checkout reminder sent for order %s", order.number)
