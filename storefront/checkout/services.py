"""Placing an order: server-side totals, stock reserved with conditional UPDATEs, then the gateway."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from storefront.cart.models import Cart, CartLine
from storefront.catalog.models import Product, ProductStatus, Variant
from storefront.checkout.gateways import PaymentError, PaymentUnavailable, ReturnUrls, get_gateway
from storefront.checkout.shipping import shipping_method
from storefront.clock import now
from storefront.extensions import db
from storefront.orders.models import (
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentStatus,
)
from storefront.orders.services import (
    abandon_checkout,
    apply_cancel,
    apply_payment,
    charge_payment,
    send_order_confirmation,
)


class CheckoutError(Exception):
    """Checkout cannot go on; the message is for the shopper."""


class EmptyCart(CheckoutError):
    def __init__(self) -> None:
        super().__init__("Your cart is empty.")


class UnknownShippingMethod(CheckoutError):
    def __init__(self) -> None:
        super().__init__("Please choose one of the delivery options.")


class OutOfStock(CheckoutError):
    """One or more lines could not be reserved; nothing was reserved and the cart is unchanged."""

    def __init__(self, titles: list[str]) -> None:
        self.titles = titles
        super().__init__(
            "Sorry, sold out: " + ", ".join(titles) + ". Please update your cart and try again."
        )


@dataclass(frozen=True)
class Address:
    name: str
    line1: str
    city: str
    postcode: str
    country: str
    line2: str = ""
    region: str = ""


def _line_title(variant: Variant) -> str:
    return variant.product.title


def place_order(
    cart: Cart, email: str, address: Address, shipping_method_code: str, user_id: int | None = None
) -> Order:
    """Create a pending order from the cart at today's prices and reserve its stock, all or nothing."""
    method = shipping_method(shipping_method_code)
    if method is None:
        raise UnknownShippingMethod()
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
    )
    sold_out: list[str] = []
    try:
        for line in lines:
            variant = line.variant
            if variant.product.status != ProductStatus.ACTIVE:
                sold_out.append(_line_title(variant))
                continue
            # The only place stock goes down: the WHERE makes a negative stock impossible.
            reserved = db.session.execute(
                update(Variant)
                .where(Variant.id == variant.id, Variant.stock >= line.quantity)
                .values(stock=Variant.stock - line.quantity)
                .execution_options(synchronize_session=False)
            )
            if reserved.rowcount != 1:
                sold_out.append(_line_title(variant))
                continue
            order.lines.append(OrderLine.copy_of(variant, line.quantity))
        if sold_out:
            raise OutOfStock(sold_out)
        order.add_up(method.rate)
        order.note("shopper", "Order placed; stock reserved")
        db.session.add(order)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return order


def start_payment(order: Order, urls: ReturnUrls) -> str:
    """Hand the order to the configured gateway; if the provider fails, cancel it and release the stock."""
    name = current_app.config["PAYMENT_GATEWAY"]
    payment = Payment(gateway=name, amount=order.total, currency=order.currency)
    order.payments.append(payment)
    db.session.commit()
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


def release_earlier_checkouts(cart: Cart) -> int:
    """A shopper starting checkout again (back button, second try) frees the stock held by earlier attempts."""
    earlier = list(
        db.session.scalars(
            select(Order).where(Order.cart_id == cart.id, Order.status == OrderStatus.PENDING_PAYMENT)
        )
    )
    return sum(1 for order in earlier if cancel_payment(order))


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
        age = (now() - _aware(order.created_at)).total_seconds() / 60
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
                send_order_confirmation(order)
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


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
