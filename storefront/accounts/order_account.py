"""A guest who just paid can keep the order in a new account: one password on the confirmation page.

Only the browser that placed the order (its cart cookie) is offered this, only while no account
has the order's email, and only that order joins the account: the address was typed, not proven,
so other orders placed under it stay out of reach until the owner verifies the address with the
link in the welcome email (accounts.verification), which joins them.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_user

from storefront.accounts import bp
from storefront.accounts.forms import FinishRegistrationForm
from storefront.accounts.services import AccountError, find_user, register_customer
from storefront.accounts.views import _register_limit
from storefront.cart.current import cookie_token
from storefront.cart.services import find_cart
from storefront.extensions import limiter
from storefront.orders.models import Order
from storefront.orders.services import attach_guest_order, get_order_by_token

CREATE = "create"
SIGN_IN = "sign_in"


def _placed_in_this_browser(order: Order) -> bool:
    cart = find_cart(token=cookie_token())
    return cart is not None and order.cart_id == cart.id


def account_offer(order: Order) -> str | None:
    """What the confirmation page offers a guest: CREATE an account, SIGN_IN to one, or nothing."""
    if current_user.is_authenticated or order.user_id is not None or not order.is_paid:
        return None
    if not _placed_in_this_browser(order):
        return None
    return SIGN_IN if find_user(order.email) is not None else CREATE


@bp.record_once
def _register_template_global(state) -> None:
    state.app.jinja_env.globals["account_offer"] = account_offer
    state.app.jinja_env.globals["GuestAccountForm"] = FinishRegistrationForm


@bp.post("/from-order/<token>")
@limiter.limit(_register_limit, error_message="Too many sign-ups from here. Please wait a while and try again.")
def account_from_order(token: str):
    order = get_order_by_token(token)
    if order is None or account_offer(order) is None:
        flash("This order cannot be saved to a new account. If you have an account, sign in.", "info")
        return redirect(url_for("accounts.login"))
    if account_offer(order) == SIGN_IN:
        flash(f"There is already an account for {order.email}. Sign in to see your orders.", "info")
        return redirect(url_for("accounts.login"))
    form = FinishRegistrationForm()
    if form.validate_on_submit():
        try:
            user = register_customer(order.email, form.password.data, order.ship_name)
        except AccountError as error:  # a weak password, or the address was taken meanwhile
            form.password.errors.append(str(error))
        else:
            attach_guest_order(order, user.id)
            login_user(user)
            flash(f"Your account is ready, and order {order.number} is in it.", "success")
            return redirect(url_for("accounts.account"))
    return render_template("checkout/success.html", order=order, account_form=form), 400
