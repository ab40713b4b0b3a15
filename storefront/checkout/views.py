"""Checkout pages and the demo payment page. Thin: parse, call a service, render."""

from __future__ import annotations

import logging

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from storefront.cart.current import current_cart, remember_count
from storefront.cart.services import summarise
from storefront.checkout import bp
from storefront.checkout.forms import CheckoutForm
from storefront.checkout.reminders import (
    RestoreLinkError,
    delay_phrase,
    email_for_stop_token,
    order_for_restore_token,
    reminder_delay,
    restore_order_cart,
    withdraw_consent,
)
from storefront.checkout.services import (
    CheckoutError,
    OutOfStock,
    cancel_payment,
    check_out,
    pending_checkout,
)
from storefront.extensions import csrf, limiter
from storefront.orders.models import Order, OrderStatus
from storefront.orders.services import (
    abandon_checkout,
    charge_payment,
    confirm_demo_payment,
    get_order_by_token,
)
from storefront.orders.shipping import (
    DeliveryQuote,
    delivery_quotes,
    shipping_method,
    shipping_methods,
)
from storefront.payments.base import PaymentUnavailable, ReturnUrls
from storefront.site_urls import absolute_url_for

log = logging.getLogger(__name__)
UNAVAILABLE = "The payment provider is unavailable right now, your cart is kept. Please try again in a few minutes."


def _order_or_404(token: str) -> Order:
    order = get_order_by_token(token)
    if order is None:
        abort(404)
    return order


def _form() -> CheckoutForm:
    form = CheckoutForm()
    form.shipping_method.choices = [(m.code, f"{m.label}") for m in shipping_methods()]
    if request.method == "GET":
        form.shipping_method.data = form.shipping_method.data or shipping_methods()[0].code
        if current_user.is_authenticated and not form.email.data:
            form.email.data = current_user.email
            form.name.data = form.name.data or current_user.name
    return form


def _checkout_limit() -> str:
    return current_app.config.get("CHECKOUT_RATE_LIMIT", "20 per minute")


def _return_urls(order: Order) -> ReturnUrls:
    return ReturnUrls(
        success=absolute_url_for("checkout.success", token=order.public_token),
        cancel=absolute_url_for("checkout.cancelled", token=order.public_token),
    )


@bp.route("", methods=["GET", "POST"])
@limiter.limit(_checkout_limit, methods=["POST"])
def start():
    cart = current_cart()
    summary = summarise(cart, current_user.email if current_user.is_authenticated else None)
    remember_count(cart)
    if not summary.rows:
        flash("Your cart is empty.", "info")
        return redirect(url_for("cart.view"))
    form = _form()
    # "Update total" (the no-JavaScript way to see another delivery option's total) only re-renders:
    # half-filled fields are not errors yet.
    if "recalculate" not in request.form and form.validate_on_submit():
        response = _place_order(cart, summary, form)
        if response is not None:
            return response
    chosen = shipping_method(form.shipping_method.data) or shipping_methods()[0]
    if summary.discount_code and form.email.data:  # the per-customer limit, for the address typed
        summary = summarise(cart, form.email.data)
    return render_template("checkout/checkout.html", form=form, summary=summary,
                           quotes=_quotes(summary), chosen=chosen, reminder_delay=delay_phrase())


def _quotes(summary) -> list[DeliveryQuote]:
    """Each delivery option's total to pay, with the code's saving (free delivery: no rate)."""
    return [
        DeliveryQuote(q.method, q.total - summary.items_saving - (q.method.rate if summary.free_delivery else 0))
        for q in delivery_quotes(summary.subtotal)
    ]


def _place_order(cart, summary, form: CheckoutForm):
    """Place the order and go to the payment page; None to show the form again with a message."""
    # Stock held by the cart's own pending order is this submit's to join or release (check_out
    # decides, and place_order checks the stock again): it must not make the cart look sold out.
    if not summary.can_check_out and pending_checkout(cart) is None:
        changed = ", ".join(r.title for r in summary.rows if r.problem)
        flash(f"Sorry, some items are sold out or short of stock now: {changed}. Please update your cart.", "error")
        return redirect(url_for("cart.view"))
    try:
        payment_page = check_out(
            cart,
            form.email.data,
            form.address,
            form.shipping_method.data,
            urls=_return_urls,
            user_id=current_user.id if current_user.is_authenticated else None,
            remind=bool(form.remind_me.data) and reminder_delay() is not None,
        )
        return redirect(payment_page, code=303)
    except OutOfStock as error:
        flash(str(error), "error")
        return redirect(url_for("cart.view"))
    except CheckoutError as error:
        flash(str(error), "error")
    except PaymentUnavailable as error:
        log.warning("Checkout could not start a payment: %s", error)
        flash(UNAVAILABLE, "error")
        return redirect(url_for("cart.view"))
    return None


@bp.get("/success/<token>")
def success(token: str):
    order = _order_or_404(token)
    remember_count(current_cart())
    return render_template("checkout/success.html", order=order)


@bp.get("/cancelled/<token>")
def cancelled(token: str):
    order = _order_or_404(token)
    payment = charge_payment(order)
    retry_url = payment.redirect_url if payment and order.status == OrderStatus.PENDING_PAYMENT else None
    return render_template("checkout/cancelled.html", order=order, retry_url=retry_url)


@bp.post("/cancelled/<token>")
def cancel(token: str):
    order = _order_or_404(token)
    if cancel_payment(order):
        flash("Your order was cancelled and nothing was charged. Your cart is kept.", "info")
    elif order.status == OrderStatus.PENDING_PAYMENT:
        flash("We could not cancel the payment just now; if it was not completed it will expire on its own.", "warning")
    return redirect(url_for("cart.view"))


# ---------------------------------------------------------------- abandoned checkout reminders


def _restore_notices(restored) -> None:
    """What the shopper must know about the cart they got back: what was short, what is gone."""
    for line in restored.lines:
        if line.gone:
            flash(f"{line.title} is no longer available, so it is not in your cart.", "warning")
        elif line.quantity == 0:
            flash(f"{line.title} is sold out, so it is not in your cart.", "warning")
        elif line.quantity < line.wanted:
            flash(f"Only {line.quantity} of {line.title} available, so your cart has {line.quantity}.", "warning")
    if any(line.quantity for line in restored.lines):
        flash("Your cart is back, at today's prices.", "success")


@bp.get("/restore/<token>")
def restore_cart(token: str):
    """The reminder's link: the abandoned order's lines go back into this visitor's cart.

    A GET that changes the cart, on purpose: it buys nothing, a second click adds nothing
    (quantities are raised to the order's, never added), and a link in an email must just work.
    The page is the cart itself (200), so there is no redirect for a mail scanner to chase."""
    try:
        order = order_for_restore_token(token)
    except RestoreLinkError as error:
        return render_template("checkout/restore_failed.html", message=str(error)), error.status
    cart = current_cart(create=True)
    restored = restore_order_cart(order, cart)
    if restored.already_paid:
        flash(f"Good news: order {order.number} was paid, so there is nothing to bring back.", "info")
    else:
        _restore_notices(restored)
    remember_count(cart)
    response = make_response(render_template("cart/cart.html", summary=summarise(cart)))
    response.headers["Cache-Control"] = "no-store"
    return response


# A mail client's one-click unsubscribe (RFC 8058) posts without our CSRF token. The signed token in
# the URL is what a forged request cannot have, so it stands in for the CSRF check here.
@csrf.exempt
@bp.route("/reminders/stop/<token>", methods=["GET", "POST"])
def stop_reminders(token: str):
    """Withdraw consent to checkout reminders: a GET asks (mail scanners follow links), a POST does it."""
    email = email_for_stop_token(token)
    if email is None:
        return render_template("checkout/reminders_stop.html", invalid=True), 404
    stopped = False
    if request.method == "POST":
        withdraw_consent(email)
        stopped = True
    return render_template("checkout/reminders_stop.html", email=email, stopped=stopped, token=token)


# ---------------------------------------------------------------- demo gateway


def _demo_order(token: str) -> Order:
    # Only when the store runs the demo gateway, and only for orders it started.
    if current_app.config["PAYMENT_GATEWAY"] != "demo":
        abort(404)
    order = _order_or_404(token)
    payment = charge_payment(order)
    if payment is None or payment.gateway != "demo":
        abort(404)
    return order


@bp.get("/demo/<token>")
def demo_payment(token: str):
    order = _demo_order(token)
    if order.status != OrderStatus.PENDING_PAYMENT:
        return redirect(url_for("checkout.success", token=token))
    return render_template("checkout/demo_payment.html", order=order)


@bp.post("/demo/<token>/pay")
def demo_pay(token: str):
    order = _demo_order(token)
    confirm_demo_payment(order)  # the confirmation email goes through the outbox
    return redirect(url_for("checkout.success", token=token), code=303)


@bp.post("/demo/<token>/cancel")
def demo_cancel(token: str):
    order = _demo_order(token)
    if abandon_checkout(order):
        flash("Payment cancelled. Nothing was charged and your cart is kept.", "info")
    return redirect(url_for("cart.view"), code=303)
