"""Placing an order: server-side totals, stock reserved with conditional UPDATEs, then the gateway."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from storefront.cart.models import Cart, CartLine
from storefront.catalog.availability import has_stock_clause, is_on_sale
from storefront.catalog.models import Product, Variant
from storefront.checkout.reminders import schedule_reminder
from storefront.clock import as_utc, now
from storefront.discounts.services import (
    DiscountError,
    PricedLine,
    lock_and_quote,
    normalise_code,
    record_redemption,
)
from storefront.extensions import db
from storefront.orders.addresses import PostalAddress
from storefront.orders.models import Order, OrderLine, OrderStatus
from storefront.orders.services import (
    abandon_checkout,
    apply_cancel,
    apply_payment,
    charge_payment,
)
from storefront.orders.shipping import shipping_method
from storefront.payments.base import PaymentError, PaymentUnavailable, ReturnUrls
from storefront.payments.models import Payment, PaymentStatus
from storefront.payments.registry import get_gateway
from storefront.transactions import commit_keeping_loaded


class CheckoutError(Exception):
    """Checkout cannot go on; the message is for the shopper."""


class EmptyCart(CheckoutError):
    def __init__(self) -> None:
        super().__init__("Your cart is empty.")


class UnknownShippingMethod(CheckoutError):
    def __init__(self) -> None:
        super().__init__("Please choose one of the delivery options.")


class CheckoutInProgress(CheckoutError):
    """The cart already has an order waiting for payment: no second one is placed (its stock would be held twice)."""

    def __init__(self, order: Order) -> None:
        self.order = order
        super().__init__(
            f"Your order {order.number} is already being placed. Please wait a moment, then try again."
        )


class OutOfStock(CheckoutError):
    """One or more lines could not be reserved; nothing was reserved and the cart is unchanged."""

    def __init__(self, titles: list[str]) -> None:
        self.titles = titles
        super().__init__(
            "Sorry, sold out: " + ", ".join(titles) + ". Please update your cart and try again."
        )


class DiscountUnavailable(CheckoutError):
    """The cart's code cannot be used for this order (used up meanwhile, expired...): nothing was
    placed, the stock is released and the cart (with its code) is kept."""

    def __init__(self, message: str) -> None:
        super().__init__(f"{message} Your cart is kept: remove the code to check out without it.")


# The checkout form hands over the address as check_address returned it: no copy into a twin class.
Address = PostalAddress


def _line_title(variant: Variant) -> str:
    return variant.product.title


def place_order(
    cart: Cart, email: str, address: Address, shipping_method_code: str, user_id: int | None = None,
    remind: bool = False, *, keep_loaded: bool = False,
) -> Order:
    """Create a pending order from the cart at today's prices and reserve its stock, all or nothing.

    remind: the shopper ticked "email me a reminder if I don't finish"; the reminder job is recorded
    with the order (reminders.schedule_reminder). keep_loaded: the caller goes on with the order
    (check_out hands it to the gateway): commit without expiring what was just written."""
    method = shipping_method(shipping_method_code)
    if method is None:
        raise UnknownShippingMethod()
    # Submits of one cart take turns from here (a row lock on PostgreSQL; SQLite has one writer at a
    # time anyway), so the second finds the first's order instead of reserving the stock again.
    # FOR NO KEY UPDATE: adding to the cart (a KEY SHARE on this row) is not held up.
    db.session.execute(select(Cart.id).where(Cart.id == cart.id).with_for_update(key_share=True))
    pending = _pending_order(cart.id)
    if pending is not None:
        db.session.rollback()
        raise CheckoutInProgress(pending)
    lines = list(
        db.session.scalars(
            select(CartLine)
            .where(CartLine.cart_id == cart.id)
            .options(selectinload(CartLine.variant).selectinload(Variant.product).selectinload(Product.variants))
            .order_by(CartLine.variant_id)  # one lock order for every shopper: no deadlocks
        )
    )
    if not lines:
        raise EmptyCart()
    currency = current_app.config["STORE_CURRENCY"]
    order = Order(
        status=OrderStatus.PENDING_PAYMENT.value,  # set now: the "placed" event records it
        email=email.strip().lower(),
        user_id=user_id,
        cart_id=cart.id,
        ship_name=address.name,
        ship_line1=address.line1,
        ship_line2=address.line2,
        ship_city=address.city,
        ship_region=address.region,
        ship_postcode=address.postcode,
        ship_country=address.country,
        shipping_method=method.code,
        shipping_label=method.label,
        currency=currency,
        attribution=cart.attribution,
        gateway=current_app.config["PAYMENT_GATEWAY"],
        reminder_consent=bool(remind),
        payments=[],  # known to be none: start_payment adds one without reading them
    )
    sold_out: list[str] = []
    try:
        for line in lines:
            variant = line.variant
            if not is_on_sale(variant.product.status):
                sold_out.append(_line_title(variant))
                continue
            # The only place stock goes down: the WHERE makes a negative stock impossible.
            reserved = db.session.execute(
                update(Variant)
                .where(Variant.id == variant.id, has_stock_clause(line.quantity))
                .values(stock=Variant.stock - line.quantity)
                .execution_options(synchronize_session=False)
            )
            if reserved.rowcount != 1:
                sold_out.append(_line_title(variant))
                continue
            order.lines.append(OrderLine.copy_of(variant, line.quantity))
        if sold_out:
            raise OutOfStock(sold_out)
        quote = _apply_discount(cart, order, lines, method.rate)
        order.note("shopper", "Order placed; stock reserved")
        db.session.add(order)
        db.session.flush()  # the reminder job names the order by id
        if quote is not None:
            record_redemption(quote, order.id, order.email, order.discount_total, cart.discount_source)
        schedule_reminder(order)
        commit_keeping_loaded() if keep_loaded else db.session.commit()
    except (IntegrityError, OutOfStock):
        # On SQLite the check above reads outside the write transaction, so a twin submit can get
        # past it: the unique index on pending orders per cart refuses its order, or the stock is
        # already held by the twin's. Either way the shopper joins that order, not "sold out".
        db.session.rollback()
        pending = _pending_order(cart.id)
        if pending is None:
            raise
        raise CheckoutInProgress(pending) from None
    except BaseException:
        db.session.rollback()
        raise
    return order


def _apply_discount(cart: Cart, order: Order, lines: list[CartLine], rate: int):
    """The cart's code priced on the order's lines (its row locked until commit: see lock_and_quote),
    each line's share stored on it, and the order added up; DiscountUnavailable when it cannot apply."""
    if not cart.discount_code:
        order.add_up(rate)
        return None
    priced = [
        PricedLine(line.variant_id, line.variant.product.slug, line.variant.price, line.quantity, line.variant.on_sale)
        for line in lines
    ]
    try:
        quote = lock_and_quote(cart.discount_code, priced, order.email)
    except DiscountError as error:
        raise DiscountUnavailable(str(error)) from None
    for order_line in order.lines:
        order_line.discount = quote.line_discounts.get(order_line.variant_id, 0)
    order.discount_code = quote.code
    order.add_up(rate, quote.shipping_saving(rate))
    order.note("shopper", f"Discount code {quote.code} applied")
    return quote


def _pending_order(cart_id: int) -> Order | None:
    return db.session.scalar(
        select(Order)
        .where(Order.cart_id == cart_id, Order.status == OrderStatus.PENDING_PAYMENT)
        .execution_options(populate_existing=True)
    )


# An order placed this recently with no payment page yet is being handed to the gateway by a request
# running now. Twice gunicorn's worker timeout (30 s): no request lives longer, so an older one is left
# over from a crash and is released like any earlier attempt.
STARTING_SECONDS = 60
# How long a second submit waits for the first one's payment page (well under the worker timeout).
JOIN_WAIT_SECONDS = 8
JOIN_POLL_SECONDS = 0.2


def check_out(
    cart: Cart,
    email: str,
    address: Address,
    shipping_method_code: str,
    urls: Callable[[Order], ReturnUrls],
    user_id: int | None = None,
    remind: bool = False,
) -> str:
    """One submit of the checkout form: the payment page to send the shopper to.

    A submit asking again for exactly the cart's pending order (a double click, back then submit)
    goes back to that order's payment page; a changed submit releases the earlier order and places
    a new one. A submit that finds an order from this cart being placed right now (a second tab)
    waits for that order's payment page and sends the shopper there too; after JOIN_WAIT_SECONDS
    it raises CheckoutInProgress, which tells the shopper about that order.
    """
    # Worked out only when the cart has an earlier order to compare (its lines are read again).
    asked = cache(lambda: _as_asked(cart, email, address, shipping_method_code, user_id, remind))

    def asked_again(order: Order) -> bool:
        return _as_placed(order) == asked() and bool(_live_page(order))

    # Cancelling and re-placing the very same order would free its stock for a moment and hold it
    # again: a twin submit in between could be told "sold out" by the shopper's own order. So an
    # identical pending order with its payment page is kept, and place_order below joins it.
    release_earlier_checkouts(cart, keep=asked_again)
    wait = current_app.config.get("CHECKOUT_JOIN_WAIT_SECONDS", JOIN_WAIT_SECONDS)
    deadline = time.monotonic() + wait
    while True:
        try:
            order = place_order(
                cart, email, address, shipping_method_code,
                user_id=user_id, remind=remind, keep_loaded=True,
            )
        except CheckoutInProgress as busy:
            page = _payment_page(busy.order)
            if page:
                return page
            if time.monotonic() >= deadline:
                raise
            time.sleep(JOIN_POLL_SECONDS)
            continue  # the order may have got its page, or been cancelled (then this submit places one)
        return start_payment(order, urls(order))


def pending_checkout(cart: Cart) -> Order | None:
    """The cart's order waiting for payment, if any (its stock is held for this cart)."""
    return _pending_order(cart.id)


def _as_placed(order: Order) -> tuple:
    """What a submit asked for when it placed the order (compared with _as_asked)."""
    address = Address(name=order.ship_name, line1=order.ship_line1, line2=order.ship_line2,
                      city=order.ship_city, region=order.ship_region, postcode=order.ship_postcode,
                      country=order.ship_country)
    lines = sorted((line.variant_id, line.quantity, line.unit_price) for line in order.lines)
    return (order.email, order.user_id, address, order.shipping_method, order.shipping_total,
            order.gateway, lines, order.reminder_consent, order.discount_code)


def _as_asked(cart: Cart, email: str, address: Address, shipping_method_code: str, user_id: int | None,
              remind: bool = False) -> tuple:
    """What place_order would store for this submit: today's prices and rate, this gateway."""
    method = shipping_method(shipping_method_code)
    cart_lines = db.session.scalars(
        select(CartLine).where(CartLine.cart_id == cart.id).options(selectinload(CartLine.variant))
    )
    lines = sorted((line.variant_id, line.quantity, line.variant.price) for line in cart_lines)
    return (email.strip().lower(), user_id, address, method and method.code, method and method.rate,
            current_app.config["PAYMENT_GATEWAY"], lines, bool(remind),
            normalise_code(cart.discount_code) or None)


def _payment_page(order: Order) -> str | None:
    """The pending order's payment page, once its gateway has given one."""
    page = _live_page(order)
    db.session.rollback()  # no transaction left open while the caller waits
    return page or None


def _live_page(order: Order) -> str:
    payment = charge_payment(order)
    return payment.redirect_url if payment is not None and payment.status == PaymentStatus.PENDING else ""


def start_payment(order: Order, urls: ReturnUrls) -> str:
    """Hand the order to the configured gateway; if the provider fails, cancel it and release the stock."""
    name = current_app.config["PAYMENT_GATEWAY"]
    payment = Payment(gateway=name, amount=order.total, currency=order.currency)
    order.payments.append(payment)
    # Recorded before the provider is asked, so a crash in between leaves a trace to reconcile.
    commit_keeping_loaded()
    try:
        redirect = get_gateway(name).create_checkout(order, urls)
    except PaymentError as error:
        payment.status = PaymentStatus.FAILED.value
        payment.error = str(error)[:500]
        apply_cancel(order, "system", "Payment provider unavailable; stock released, cart kept")
        db.session.commit()
        raise PaymentUnavailable(str(error)) from error
    payment.provider_session_id = redirect.session_id
    payment.provider_payment_intent = redirect.payment_intent
    payment.redirect_url = redirect.url[:2000]
    db.session.commit()
    return redirect.url


def release_earlier_checkouts(cart: Cart, keep: Callable[[Order], bool] | None = None) -> int:
    """A shopper starting checkout again (back button, second try) frees the stock held by earlier attempts.

    An order still being handed to its gateway belongs to a submit running now: it is left to that
    submit, and this one joins it (check_out); so is an order `keep` says this submit asks for again.
    """
    earlier = list(
        db.session.scalars(
            select(Order).where(Order.cart_id == cart.id, Order.status == OrderStatus.PENDING_PAYMENT)
        )
    )
    # _being_started first: an order whose page arrives in between is then seen by `keep` with it.
    return sum(
        1 for order in earlier
        if not _being_started(order) and not (keep and keep(order)) and cancel_payment(order)
    )


def _being_started(order: Order) -> bool:
    payment = charge_payment(order)
    if payment is not None and (payment.provider_session_id or payment.status != PaymentStatus.PENDING):
        return False
    return (now() - as_utc(order.created_at)).total_seconds() < STARTING_SECONDS


def cancel_payment(order: Order) -> bool:
    """The shopper came back from the payment page without paying: stop the checkout, release the stock."""
    if order.status != OrderStatus.PENDING_PAYMENT:
        return False
    payment = charge_payment(order)
    if payment is not None and payment.provider_session_id:
        try:
            get_gateway(payment.gateway).cancel_checkout(payment)
        except PaymentError:
            # Could not stop it (maybe it was just paid): leave the order to the webhook.
            return False
    return abandon_checkout(order)


@dataclass
class ReconcileReport:
    paid: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    open: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def reconcile_pending_orders(older_than_minutes: int = 90) -> ReconcileReport:
    """Settle pending orders whose notification never came: paid ones are paid, abandoned ones release stock."""
    cutoff = now() - timedelta(minutes=older_than_minutes)
    ids = list(
        db.session.scalars(
            select(Order.id)
            .where(Order.status == OrderStatus.PENDING_PAYMENT, Order.created_at < cutoff)
            .order_by(Order.id)
        )
    )
    report = ReconcileReport()
    for order_id in ids:
        order = db.session.scalars(
            select(Order).where(Order.id == order_id).with_for_update().execution_options(populate_existing=True)
        ).one()
        if order.status != OrderStatus.PENDING_PAYMENT:
            db.session.rollback()
            continue
        payment = charge_payment(order)
        if payment is None:  # never reached a gateway (e.g. a crash between the two steps)
            apply_cancel(order, "reconcile", "No payment was started; stock released")
            db.session.commit()
            report.cancelled.append(order.number)
            continue
        age = (now() - as_utc(order.created_at)).total_seconds() / 60
        try:
            state = get_gateway(payment.gateway).checkout_state(payment, age)
        except PaymentError as error:
            db.session.rollback()
            report.errors.append(f"{order.number}: {error}")
            continue
        if state.status == "paid":
            paid = apply_payment(order, state.amount or 0, state.currency or "", "reconcile",
                                 session_id=payment.provider_session_id, payment_intent=state.payment_intent)
            db.session.commit()
            if paid:
                report.paid.append(order.number)
            else:
                # The reason says both amounts, formatted ("Paid $15.00 but the order total is $25.95").
                report.errors.append(f"{order.number}: {order.review_reason}; flagged for review")
        elif state.status == "expired":
            apply_cancel(order, "reconcile", "Checkout expired; stock released")
            db.session.commit()
            report.cancelled.append(order.number)
        else:
            db.session.rollback()
            report.open.append(order.number)
    return report
