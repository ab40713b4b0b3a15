"""Order actions: pay, fulfil, cancel, refund, confirm by email; and the attribution report.

Public functions own their transaction (they commit). Helpers starting with `apply_` change the
order inside the caller's transaction, so a webhook's effect commits together with its
ProcessedEvent row.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, update

from storefront import audit, jobs
from storefront.cart.services import take_purchased
from storefront.catalog.models import Variant
from storefront.clock import now
from storefront.discounts.services import release_redemption
from storefront.extensions import db
from storefront.mail import send_email
from storefront.money import currency_code, format_money
from storefront.orders import hooks, notices
from storefront.orders.carriers import Tracking
from storefront.orders.models import (
    FulfilmentStatus,
    Order,
    OrderLine,
    OrderStatus,
    Shipment,
    ShipmentLine,
)
from storefront.payments.base import PaymentError
from storefront.payments.models import Payment, PaymentKind, PaymentStatus
from storefront.payments.registry import get_gateway
from storefront.site_urls import absolute_url_for

log = logging.getLogger(__name__)
# Public tokens are secrets.token_urlsafe: anything else in a link is not one of ours.
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]+")


class OrderError(Exception):
    """An order action that cannot be done; the message is for staff or the shopper."""


ORDER_CONFIRMATION = "orders.confirmation"  # outbox job kind; notices (imported above) registers
# the shipped, refunded and cancelled emails, so importing this module registers every order email.


def actor_label(actor: object) -> str:
    """Who did it, for the order's history: a user ("admin:ann@x"), or a name like "stripe"."""
    email = getattr(actor, "email", None)
    if email:
        return f"{getattr(actor, 'role', 'user')}:{email}"
    return str(actor or "system")


# ------------------------------------------------------------------ reading


def get_order_by_token(token: str) -> Order | None:
    """The order behind a guest order link (the token is the only key; numbers are guessable)."""
    if not token or len(token) > 64 or not _TOKEN_RE.fullmatch(token):
        return None
    return db.session.scalar(select(Order).where(Order.public_token == token))


def attach_guest_order(order: Order, user_id: int) -> None:
    """A guest order joins the account just made for it (never an order that has an account already)."""
    if order.user_id is None:
        order.user_id = user_id
        order.note("shopper", "Saved to a new account from the confirmation page")
        db.session.commit()


def get_order(number: str) -> Order | None:
    """An order by its number (for staff pages; shoppers use the token or their account)."""
    return db.session.scalar(select(Order).where(Order.number == number[:20]))


def orders_for_user(user_id: int) -> list[Order]:
    """The account's orders, newest first; checkouts cancelled before payment are not orders to the shopper."""
    return list(
        db.session.scalars(
            select(Order)
            .where(Order.user_id == user_id)
            .where((Order.status != OrderStatus.CANCELLED) | Order.paid_at.is_not(None))
            .order_by(Order.created_at.desc(), Order.id.desc())
        )
    )


def get_user_order(user_id: int, number: str) -> Order | None:
    """One of the account's own orders by number; another account's order is never returned."""
    if "\x00" in number:  # never an order number, and PostgreSQL refuses it in a query
        return None
    return db.session.scalar(select(Order).where(Order.number == number, Order.user_id == user_id))


def charge_payment(order: Order) -> Payment | None:
    """The order's most recent checkout payment row."""
    charges = [p for p in order.payments if p.kind == PaymentKind.CHARGE]
    return charges[-1] if charges else None


# ------------------------------------------------------------------ stock


def apply_release_stock(order: Order) -> None:
    """Give the order's reserved quantities back to stock (inside the caller's transaction)."""
    for line in order.lines:
        if line.variant_id is not None:
            db.session.execute(
                update(Variant)
                .where(Variant.id == line.variant_id)
                .values(stock=Variant.stock + line.quantity)
                .execution_options(synchronize_session=False)
            )


# ------------------------------------------------------------------ payment


def apply_payment(
    order: Order,
    amount: int,
    currency: str,
    actor: str,
    session_id: str | None = None,
    payment_intent: str | None = None,
) -> bool:
    """Paid only when amount and currency match the order; otherwise the order is flagged for review."""
    payment = charge_payment(order)
    if session_id and payment is not None and payment.provider_session_id not in (None, session_id):
        payment = next((p for p in order.payments if p.provider_session_id == session_id), payment)
    if payment is not None and payment_intent:
        payment.provider_payment_intent = payment_intent
    if order.status != OrderStatus.PENDING_PAYMENT:
        if order.status == OrderStatus.CANCELLED:
            # The money was taken: record it, so staff see it and can give it back.
            if payment is not None:
                payment.status = PaymentStatus.SUCCEEDED.value
            flag_for_review(
                order, actor, f"Payment of {format_money(amount, currency)} arrived after the order was cancelled"
            )
        return False
    if amount != order.total or currency_code(currency) != currency_code(order.currency):
        flag_for_review(order, actor, _mismatch_reason(order, amount, currency))
        if payment is not None:
            payment.error = "amount or currency mismatch"
        return False
    order.set_status(OrderStatus.PAID, actor, "Payment confirmed")
    order.paid_at = now()
    if payment is not None:
        payment.status = PaymentStatus.SUCCEEDED.value
    bought: dict[int, int] = {}
    for line in order.lines:
        if line.variant_id is not None:
            bought[line.variant_id] = bought.get(line.variant_id, 0) + line.quantity
    take_purchased(order.cart_id, bought, used_code=order.discount_code)
    # The confirmation commits with the payment: no paid order without its email, none twice.
    jobs.record(ORDER_CONFIRMATION, {"order_id": order.id}, key=f"order-confirmation:{order.id}")
    return True


def _mismatch_reason(order: Order, amount: int, currency: str) -> str:
    """Staff read "Paid $10.00 but the order total is $27.95", never "Paid 1000 USD"."""
    reason = (f"Paid {format_money(amount, currency)} "
              f"but the order total is {format_money(order.total, order.currency)}")
    paid_in, order_in = currency_code(currency), currency_code(order.currency)
    if paid_in != order_in:
        # Formatting falls back to the store currency for a missing code: name both outright.
        reason += f" (paid in {paid_in or 'no currency'}, the order is in {order_in})"
    return reason


def flag_for_review(order: Order, actor: str, reason: str) -> None:
    """Mark an order for staff attention without changing its status; the reason is logged too."""
    order.needs_review = True
    order.review_reason = reason[:300]
    order.note(actor, f"Flagged for review: {reason}")
    log.warning("Order %s flagged for review: %s", order.number, reason)


def clear_review(order: Order, actor: object, note: str, seen_reason: str | None = None) -> Order:
    """Staff dealt with a flagged order: the flag goes; why it was raised and what they did stay in its history.

    seen_reason is the reason the page showed: if a webhook flagged the order again since, nothing is
    cleared, so a new problem is never dismissed by someone who only read about the old one.
    """
    locked = _lock(order)
    if not locked.needs_review:
        db.session.rollback()
        raise OrderError(f"Order {locked.number} is not flagged for review; nothing was changed.")
    reason = locked.review_reason
    if seen_reason is not None and " ".join(seen_reason.split()) != " ".join(reason.split()):
        db.session.rollback()
        raise OrderError(f"Order {locked.number} was flagged again since you opened it: {reason}")
    note = note.strip()
    if not note:
        db.session.rollback()
        raise OrderError("Say what was done before marking the order reviewed.")
    locked.needs_review = False
    locked.review_reason = ""
    locked.note(actor_label(actor), _reviewed_note(note, reason))
    db.session.commit()
    return locked


def _reviewed_note(note: str, reason: str, limit: int = 500) -> str:
    # OrderEvent notes are cut at 500 characters: staff's words are kept whole, the reason (also in
    # the earlier "Flagged for review" event) gives way.
    head, tail = f"Marked as reviewed: {note[:300]} (flagged for: ", ")"
    room = max(limit - len(head) - len(tail), 0)
    if len(reason) > room:
        reason = reason[: max(room - 1, 0)] + "…"
    return head + reason + tail


def apply_cancel(order: Order, actor: str, reason: str, *, notify: bool | None = None, refunded: int = 0) -> None:
    """Cancel and release the stock reservation (inside the caller's transaction).

    The shopper is emailed when `notify` says so (staff cancels) or, by default, when the order had
    been paid; a checkout that ended before payment sends nothing (see storefront.orders.notices).
    `refunded` is what the cancellation gave back, for the notice.
    """
    order.set_status(OrderStatus.CANCELLED, actor, reason)
    apply_release_stock(order)
    if order.paid_at is None and order.discount_code:
        release_redemption(order.id)  # a checkout that was never paid gives its code's use back
    for payment in order.payments:
        if payment.kind == PaymentKind.CHARGE and payment.status == PaymentStatus.PENDING:
            payment.status = PaymentStatus.CANCELLED.value
    if notify is None:
        notify = order.paid_at is not None
    if notify:
        notices.record_cancelled(order, refunded)


def confirm_demo_payment(order: Order) -> bool:
    """The demo gateway's confirmed return: the order is paid for its own total."""
    locked = _lock(order)
    changed = apply_payment(locked, locked.total, locked.currency, "demo-gateway")
    db.session.commit()
    return changed


def abandon_checkout(order: Order, actor: str = "shopper") -> bool:
    """The shopper cancelled at the payment page: a pending order is cancelled and its stock released."""
    locked = _lock(order)
    if locked.status != OrderStatus.PENDING_PAYMENT:
        return False
    apply_cancel(locked, actor, "Payment cancelled by the shopper")
    db.session.commit()
    return True


def _lock(order: Order) -> Order:
    """The order, re-read under a lock, so two deliveries or clicks for one order take turns."""
    if db.session.get_bind().dialect.name == "sqlite":
        # SQLite has no row locks (FOR UPDATE is dropped): a no-op write takes the database's write
        # lock first, so a second canceller waits for the first to commit, then reads its result.
        db.session.execute(
            update(Order).where(Order.id == order.id)
            .values(id=Order.id, updated_at=Order.updated_at)  # naming updated_at keeps its onupdate off
            .execution_options(synchronize_session=False)
        )
    return db.session.scalars(
        select(Order).where(Order.id == order.id).with_for_update().execution_options(populate_existing=True)
    ).one()


# ------------------------------------------------------------------ staff actions


def mark_fulfilled(order: Order, actor: object, tracking: Tracking | None = None) -> Order:
    """Ship everything not yet shipped in one parcel (the bulk action and the plain "Mark fulfilled").

    An order whose lines have all left already (fulfilled, then partially refunded) only goes back to
    fulfilled: no new shipment and no second notice.
    """
    return ship_lines(order, actor, None, tracking)


def ship_lines(order: Order, actor: object, quantities: dict[int, int] | None,
               tracking: Tracking | None = None) -> Order:
    """Record one shipment of `quantities` ({order line id: units}; None ships all that is left).

    Only a paid (or partially refunded) order ships, and never more of a line than was ordered minus
    what already left: checked under the order's lock, so two staff shipping at once cannot both
    send the last unit. The shipment's own notice (its lines and tracking) commits with it.
    """
    locked = _lock(order)
    if locked.status not in (OrderStatus.PAID, OrderStatus.PARTIALLY_REFUNDED):
        db.session.rollback()
        raise OrderError(f"Order {locked.number} is {locked.status.replace('_', ' ')} and cannot be fulfilled.")
    lines = _locked_lines(locked)
    sending = _units_to_send(locked, lines, quantities)
    label = actor_label(actor)
    if not sending:
        if quantities is None and locked.can_become(OrderStatus.FULFILLED) and locked.shipped_at is not None:
            locked.set_status(OrderStatus.FULFILLED, label, "Marked fulfilled")
            db.session.commit()
            return locked
        db.session.rollback()
        raise OrderError("Choose at least one item to ship." if quantities is not None
                         else f"Everything in order {locked.number} has shipped already.")
    shipment = Shipment(actor=label[:120])
    if tracking is not None:
        shipment.carrier, shipment.tracking_number, shipment.tracking_url = (
            tracking.carrier, tracking.number or None, tracking.url)
        # The order's own columns keep the last tracked shipment, as the #16 pages and emails read them.
        locked.shipping_carrier, locked.tracking_number, locked.tracking_url = (
            shipment.carrier, shipment.tracking_number, shipment.tracking_url)
    for line, units in sending:
        line.quantity_shipped += units
        shipment.lines.append(ShipmentLine(order_line_id=line.id, quantity=units))
    locked.shipments.append(shipment)
    locked.shipped_at = locked.shipped_at or now()
    _note_shipment(locked, lines, label, sending, tracking)
    db.session.flush()  # the shipment's id keys its notice
    notices.record_shipped(locked, shipment)
    if locked.fulfilment_status == FulfilmentStatus.FULFILLED:
        hooks.order_fulfilled(locked)  # e.g. the reviews room's "How was it?" email, days later
    db.session.commit()
    return locked


def _locked_lines(order: Order) -> list[OrderLine]:
    """The order's lines as committed now (read after the order's lock, so counts are current)."""
    return list(db.session.scalars(
        select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.id)
        .execution_options(populate_existing=True)
    ))


def _units_to_send(order: Order, lines: list[OrderLine],
                   quantities: dict[int, int] | None) -> list[tuple[OrderLine, int]]:
    """(line, units) to ship; refuses a quantity above what is left of a line, naming the line."""
    if quantities is None:
        return [(line, line.left_to_ship) for line in lines if line.left_to_ship > 0]
    return _chosen_units({line.id: line for line in lines}, quantities, "ship")


# What each action may still take of a line, how the refusal says it, and what was done already.
_LINE_ACTIONS = {
    "ship": (lambda line: line.left_to_ship, "can still ship", lambda line: line.quantity_shipped, "shipped"),
    "refund": (lambda line: line.left_to_refund, "can still be refunded",
               lambda line: line.quantity_refunded, "refunded"),
}


def _chosen_units(lines: dict[int, OrderLine], quantities: dict[int, int], action: str) -> list[tuple[OrderLine, int]]:
    """(line, units) chosen for `action`; a line not of this order, a negative count or more than is
    left of a line is refused (the transaction rolled back), naming the line."""
    left, can_still, done, done_word = _LINE_ACTIONS[action]
    chosen = []
    for line_id, units in quantities.items():
        line = lines.get(line_id)
        if line is None or units < 0:
            db.session.rollback()
            raise OrderError(f"Choose items of this order to {action}.")
        if units > left(line):
            db.session.rollback()
            raise OrderError(f"Only {left(line)} of {line.title} ({line.sku}) {can_still}: "
                             f"{line.quantity} ordered, {done(line)} {done_word} already.")
        if units:
            chosen.append((line, units))
    return chosen


def _note_shipment(order: Order, lines: list[OrderLine], actor: str,
                   sending: list[tuple[OrderLine, int]], tracking: Tracking | None) -> None:
    """Fulfilment status follows the lines; the order's status becomes fulfilled once all has left."""
    shipped, ordered = sum(line.quantity_shipped for line in lines), sum(line.quantity for line in lines)
    whole = shipped >= ordered
    order.fulfilment_status = (FulfilmentStatus.FULFILLED if whole else FulfilmentStatus.PARTIALLY_FULFILLED).value
    items = ", ".join(f"{units} × {line.title}" for line, units in sending)
    note = _fulfilled_note(tracking) if whole else _fulfilled_note(tracking).replace(
        "Marked fulfilled", f"Shipped {shipped} of {ordered} items", 1)
    # A single parcel with the whole order reads as before ("Marked fulfilled: shipped with UPS…");
    # anything else names what went in it.
    if (not whole or len(order.shipments) > 1) and len(note) + len(items) < 480:
        note = f"{note}: {items}"
    if whole and order.can_become(OrderStatus.FULFILLED):
        order.set_status(OrderStatus.FULFILLED, actor, note)
    else:
        order.note(actor, note)


def _fulfilled_note(tracking: Tracking | None) -> str:
    """The history says how it went: "Marked fulfilled: shipped with UPS, tracking 1Z… (link)"."""
    if tracking is None:
        return "Marked fulfilled"
    number = f", tracking {tracking.number}" if tracking.number else ""
    return f"Marked fulfilled: shipped with {tracking.carrier}{number} ({tracking.url})"


def cancel_order(order: Order, actor: object, reason: str) -> Order:
    """Cancel an unpaid or paid (not shipped) order, refunding any payment and releasing its stock."""
    locked = _lock(order)
    if not locked.can_become(OrderStatus.CANCELLED):
        raise OrderError(f"Order {locked.number} is {locked.status.replace('_', ' ')} and cannot be cancelled.")
    if locked.fulfilment_status != FulfilmentStatus.UNFULFILLED:
        # Cancelling puts every unit back on sale and refunds it all: wrong once a parcel has left.
        db.session.rollback()
        raise OrderError(f"Part of order {locked.number} has shipped, so it cannot be cancelled: "
                         "refund the items instead.")
    label = actor_label(actor)
    owed = locked.refundable_amount
    before = _money_state(locked)
    reason = reason or "Cancelled"
    if owed > 0:
        _refund_through_gateway(locked, owed)
        locked.refunded_total += owed
        reason += f" (refunded {format_money(owed, locked.currency)})"  # the history says where the money went
    # One email tells the shopper both: cancelled, and what came back (no separate refund notice).
    apply_cancel(locked, label, reason, notify=True, refunded=owed)
    audit.record_change(actor, "order", locked.id, locked.number, "order.cancel", before, _money_state(locked),
                        note=reason)
    db.session.commit()
    return locked


def _money_state(order: Order) -> dict:
    """What the audit log keeps of an order's refunds; amounts in minor units, with the currency."""
    return {"status": order.status, "refunded_total": order.refunded_total, "currency": order.currency}


def refund_order(order: Order, amount: int, actor: object, seen_refunded: int | None = None) -> Payment:
    """Refund part or all of a paid order through its gateway; the status follows the refunded total.

    seen_refunded is the refunded total staff saw when they asked: if it moved since, nothing is refunded.
    """
    locked = _lock(order)
    if seen_refunded is not None and seen_refunded != locked.refunded_total:
        db.session.rollback()
        raise OrderError(
            f"Order {locked.number} was refunded since you opened it; check the amount and try again."
        )
    if locked.refundable_amount <= 0:
        db.session.rollback()
        raise OrderError(f"Order {locked.number} has nothing left to refund.")
    # Checked against what is left, not the total: an earlier partial refund counts.
    if not isinstance(amount, int) or not 0 < amount <= locked.refundable_amount:
        refused = _refund_limit(locked)
        db.session.rollback()
        raise OrderError(refused)
    before = _money_state(locked)
    refund = _refund_through_gateway(locked, amount)
    apply_refund(locked, amount, actor_label(actor))
    audit.record_change(actor, "order", locked.id, locked.number, "order.refund", {**before, "refund": None},
                        {**_money_state(locked), "refund": amount}, force=True)
    db.session.commit()
    return refund


def refund_lines(order: Order, quantities: dict[int, int], actor: object, *, restock: bool = False,
                 seen_refunded: int | None = None) -> tuple[Payment, int]:
    """Refund chosen units of chosen lines: the amount is their unit prices as sold (never a figure from a
    form), sent through the gateway like any refund; with `restock`, the returned units go back on sale
    (one conditional UPDATE per line, in the refund's transaction, so stock and refund commit together).

    Returns the refund and its amount in minor units.
    """
    locked = _lock(order)
    if seen_refunded is not None and seen_refunded != locked.refunded_total:
        db.session.rollback()
        raise OrderError(
            f"Order {locked.number} was refunded since you opened it; check the amount and try again."
        )
    if restock and locked.status == OrderStatus.CANCELLED:
        # Cancelling already put every unit back on sale; a second restock would invent stock.
        db.session.rollback()
        raise OrderError(f"Order {locked.number} was cancelled: its items are back in stock already.")
    lines = {line.id: line for line in _locked_lines(locked)}
    chosen = _units_to_refund(lines, quantities)
    amount = sum(line.paid_for(units) for line, units in chosen)  # a discounted line gives back what was paid
    if locked.refundable_amount <= 0:
        db.session.rollback()
        raise OrderError(f"Order {locked.number} has nothing left to refund.")
    if amount > locked.refundable_amount:
        refused = _refund_limit(locked)
        db.session.rollback()
        raise OrderError(refused)
    before = _money_state(locked)
    refund = _refund_through_gateway(locked, amount)
    for line, units in chosen:
        line.quantity_refunded += units
        if restock and line.variant_id is not None:
            _put_back(line, units, actor, locked.number)
    items = ", ".join(f"{units} × {line.title}" for line, units in chosen)
    reason = f"{items}{' (put back in stock)' if restock else ''}"
    apply_refund(locked, amount, actor_label(actor), reason=reason[:400])
    audit.record_change(actor, "order", locked.id, locked.number, "order.refund", {**before, "refund": None},
                        {**_money_state(locked), "refund": amount}, note=reason[:400], force=True)
    db.session.commit()
    return refund, amount


def _put_back(line: OrderLine, units: int, actor: object, order_number: str) -> None:
    """Returned goods back on sale: one conditional UPDATE, and the stock change in the audit log."""
    changed = db.session.execute(
        update(Variant).where(Variant.id == line.variant_id)
        .values(stock=Variant.stock + units).returning(Variant.stock, Variant.sku, Variant.product_id)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    if changed is not None:
        stock, sku, product_id = changed
        audit.record_change(actor, "variant", line.variant_id, sku, "stock.adjust", {"stock": stock - units},
                            {"stock": stock}, note=f"Returned with order {order_number}",
                            parent=("product", product_id))


def _units_to_refund(lines: dict[int, OrderLine], quantities: dict[int, int]) -> list[tuple[OrderLine, int]]:
    chosen = _chosen_units(lines, quantities, "refund")
    if not chosen:
        db.session.rollback()
        raise OrderError("Choose at least one item to refund, or enter an amount.")
    return chosen


def _refund_limit(order: Order) -> str:
    """What staff may refund, in money ("$7.95"), and why no more."""
    def money(minor: int) -> str:
        return format_money(minor, order.currency)

    limit = f"Refund between {money(1)} and {money(order.refundable_amount)}"
    if order.refunded_total:
        return (f"{limit}: that is what is left of order {order.number}'s {money(order.total)} "
                f"after {money(order.refunded_total)} already refunded.")
    return f"{limit}, the total of order {order.number}."


def _refund_through_gateway(order: Order, amount: int) -> Payment:
    charge = charge_payment(order)
    if charge is None:
        raise OrderError(f"Order {order.number} has no payment to refund.")
    key = f"larder-refund-{order.number}-{order.refunded_total}-{amount}"
    try:
        result = get_gateway(charge.gateway).refund(charge, amount, key)
    except PaymentError as error:
        db.session.rollback()
        raise OrderError(f"The refund failed: {error}") from error
    if result.status == "failed":
        db.session.rollback()
        raise OrderError("The payment provider refused the refund.")
    refund = Payment(
        gateway=charge.gateway,
        kind=PaymentKind.REFUND.value,
        status=PaymentStatus.SUCCEEDED.value if result.status == "succeeded" else PaymentStatus.PENDING.value,
        amount=amount,
        currency=order.currency,
        provider_payment_intent=charge.provider_payment_intent,
        provider_refund_id=result.refund_id,
    )
    order.payments.append(refund)
    return refund


def apply_refund(order: Order, amount: int, actor: str, *, via: str = "", reason: str = "") -> None:
    """Add a refund to the order's refunded total and move its status to (partially) refunded.

    The history note is written here from the amount in minor units ("Refunded $5.00 in Stripe: ..."),
    so no caller can put raw minor units in front of staff.
    """
    amount = min(amount, order.total - order.refunded_total)
    if amount <= 0:
        return
    note = refund_note(amount, order.currency, via=via, reason=reason)
    full = order.refunded_total + amount >= order.total
    target = OrderStatus.REFUNDED if full else OrderStatus.PARTIALLY_REFUNDED
    if order.status == OrderStatus.CANCELLED:
        order.refunded_total += amount
        order.note(actor, note)
    elif order.can_become(target):
        order.refunded_total += amount
        order.set_status(target, actor, note)
    else:  # e.g. a refund for an order we never saw paid: staff must look, nothing is lost
        flag_for_review(order, actor, f"{note}, but the order is {order.status}")
        return
    # Staff refunds and the provider's refund events both come here: one notice per refund.
    notices.record_refunded(order, amount)


def refund_note(amount: int, currency: str, *, via: str = "", reason: str = "") -> str:
    """"Refunded $5.00", plus where (" in Stripe") and why (": damaged in transit")."""
    note = f"Refunded {format_money(amount, currency)}"
    if via:
        note += f" in {via}"
    return f"{note}: {reason}" if reason else note


# ------------------------------------------------------------------ email


@jobs.handler(ORDER_CONFIRMATION)
def send_order_confirmation(payload: dict) -> None:
    """The worker's half: email the confirmation of a paid order (recorded by apply_payment)."""
    order = db.session.get(Order, payload["order_id"])
    if order is None:
        return
    send_email(
        order.email,
        f"Your {current_app.config['STORE_NAME']} order {order.number}",
        "order_confirmation",
        order=order,
        link=absolute_url_for("orders.guest_order", token=order.public_token),
    )
    order.confirmation_sent_at = now()


# ------------------------------------------------------------------ reports


@dataclass(frozen=True)
class AttributionRow:
    attribution: str | None  # "article:<slug>", or None for orders no article led to
    orders: int
    revenue: int  # minor units, refunds subtracted


def orders_by_attribution(start: datetime, end: datetime) -> list[AttributionRow]:
    """Paid orders and their revenue (net of refunds) per attribution, paid in [start, end)."""
    counted = (OrderStatus.PAID, OrderStatus.FULFILLED, OrderStatus.PARTIALLY_REFUNDED)
    rows = db.session.execute(
        select(
            Order.attribution,
            func.count(Order.id),
            func.coalesce(func.sum(Order.total - Order.refunded_total), 0),
        )
        .where(Order.status.in_([s.value for s in counted]), Order.paid_at >= start, Order.paid_at < end)
        .group_by(Order.attribution)
        .order_by(func.sum(Order.total - Order.refunded_total).desc())
    )
    return [AttributionRow(attribution, int(count), int(revenue)) for attribution, count, revenue in rows]


@dataclass(frozen=True)
class CodeSavingRow:
    source: str  # "article:<slug>": the article whose code card applied the code
    orders: int
    saving: int  # minor units the shoppers saved


def code_savings_by_source(start: datetime, end: datetime) -> list[CodeSavingRow]:
    """Paid orders carrying a code applied from an article's card, and what they saved, per article,
    paid in [start, end)."""
    from storefront.discounts.models import DiscountRedemption

    counted = (OrderStatus.PAID, OrderStatus.FULFILLED, OrderStatus.PARTIALLY_REFUNDED)
    rows = db.session.execute(
        select(DiscountRedemption.source, func.count(Order.id), func.coalesce(func.sum(DiscountRedemption.amount), 0))
        .join(Order, Order.id == DiscountRedemption.order_id)
        .where(DiscountRedemption.source.is_not(None), Order.status.in_([s.value for s in counted]),
               Order.paid_at >= start, Order.paid_at < end)
        .group_by(DiscountRedemption.source)
    )
    return [CodeSavingRow(source, int(n), int(saving)) for source, n, saving in rows]
