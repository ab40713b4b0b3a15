"""Cart pages: plain form posts that redirect with a message; adding also answers JSON to the page's script."""

from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user

from storefront.cart import bp
from storefront.cart.current import current_cart, remember_count
from storefront.cart.notices import anchor_of, flash_notice
from storefront.cart.services import (
    MAX_LINE_QUANTITY,
    CartError,
    InvalidQuantity,
    UnknownVariant,
    add_to_cart,
    apply_discount,
    parse_quantity,
    parse_variant_id,
    remove_discount,
    remove_line,
    set_quantity,
    summarise,
)
from storefront.discounts.services import DiscountError
from storefront.site_urls import local_path
from storefront.templating import image_url


def _cap_text(change) -> str | None:
    """Why the line holds less than asked, if it does (the per-line cap or the stock left)."""
    if change.capped and change.available == MAX_LINE_QUANTITY:
        # The per-line cap, not the stock, stopped it: "only 99 available" would be untrue.
        return f"A cart holds at most {MAX_LINE_QUANTITY} of {change.title}, so your cart has {change.quantity}."
    if change.capped:
        return f"Only {change.available} of {change.title} available, so your cart has {change.quantity}."
    return None


def _flash_change(change, verb: str) -> None:
    capped = _cap_text(change)
    if capped:
        flash(capped, "warning")
    else:
        flash(f"{verb} {change.title} (quantity {change.quantity}).", "success")


@bp.get("")
def view():
    cart = current_cart()
    remember_count(cart)
    return render_template("cart/cart.html", summary=summarise(cart, shopper_email()))


def shopper_email() -> str | None:
    """The signed-in shopper's email, for a code's per-customer limit (guests give theirs at checkout)."""
    return current_user.email if current_user and current_user.is_authenticated else None


@bp.post("/discount")
def apply_code():
    """Apply a discount code typed in the cart or at checkout, or from an article's code card
    (`ref` names the article); back to `next` (the article's card, the checkout) or the cart."""
    back = local_path(request.form.get("next"))
    anchor = anchor_of(back)
    try:
        cart = current_cart(create=True)
        code = apply_discount(cart, request.form.get("code", ""), request.form.get("ref"))
    except (DiscountError, CartError) as error:
        message, ok = str(error), False
    else:
        message, ok = f"Code {code} applied.", True
        summary = summarise(cart, shopper_email())
        if not summary.rows:
            message = f"Code {code} saved: add what you'd like to your cart and the saving shows there."
        elif summary.discount_problem:
            message = f"{message} {summary.discount_problem}"
        elif summary.discount:
            message = f"{message} {summary.discount.summary}."
        remember_count(cart)
    if anchor is not None:
        flash_notice(message, ok, anchor)
    else:
        flash(message, "success" if ok else "error")
    return redirect(back or url_for("cart.view"), code=303)


@bp.post("/discount/remove")
def remove_code():
    cart = current_cart()
    if cart is not None and cart.discount_code:
        remove_discount(cart)
        flash("Discount code removed.", "success")
    return redirect(local_path(request.form.get("next")) or url_for("cart.view"), code=303)


@bp.post("/add")
def add():
    """Add from a card or the product page: JSON for the page's script, else back where the shopper was."""
    back = local_path(request.form.get("next"))
    try:
        variant_id = parse_variant_id(request.form.get("variant_id"))
        quantity = parse_quantity(request.form.get("quantity", "1"))
        cart = current_cart(create=True)
        change = add_to_cart(cart, variant_id, quantity, request.form.get("ref"))
    except CartError as error:
        return _refused(str(error), _status(error), back)
    remember_count(cart, change.cart_quantity)
    if change.added == 0:
        # The line already held all there is: nothing happened, and the shopper must be told so.
        return _refused(_cap_text(change) or "", 409, back)
    return _added(change, back)


def _status(error: CartError) -> int:
    if isinstance(error, UnknownVariant):
        return 404
    if isinstance(error, InvalidQuantity):
        return 422
    return 409  # sold out, or the cart changed at the same moment elsewhere


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _json(payload: dict, status: int):
    response = jsonify({
        **payload,
        "cart_count": session.get("cart_count", 0),
        "cart_url": url_for("cart.view"),
        "checkout_url": url_for("checkout.start") if "checkout.start" in current_app.view_functions else None,
    })
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _added(change, back: str | None):
    message = f"Added {change.added} × {change.title} to your cart."
    capped = _cap_text(change)
    if _wants_json():
        line = {
            "title": change.product_title,
            "option_label": change.option_label,
            "quantity": change.added,
            "line_quantity": change.quantity,
            "image_url": image_url(change.image_path),
        }
        return _json({"ok": True, "message": message, "warning": capped, "line": line}, 200)
    anchor = anchor_of(back)
    if anchor is None:
        _flash_change(change, "Added")
    else:
        flash_notice(f"{message} {capped}" if capped else message, True, anchor)
    return redirect(back or url_for("cart.view"))


def _refused(message: str, status: int, back: str | None):
    if _wants_json():
        return _json({"ok": False, "error": message}, status)
    anchor = anchor_of(back)
    if anchor is None:
        flash(message, "error")
    else:
        flash_notice(message, False, anchor)
    return redirect(back or url_for("cart.view"))


@bp.post("/update")
def update():
    cart = current_cart()
    if cart is None:
        flash("Your cart is empty.", "info")
        return redirect(url_for("cart.view"))
    try:
        variant_id = parse_variant_id(request.form.get("variant_id"))
        raw = (request.form.get("quantity") or "").strip()
        quantity = 0 if raw == "0" else parse_quantity(raw)
        change = set_quantity(cart, variant_id, quantity)
    except CartError as error:
        flash(str(error), "error")
    else:
        if change is None:
            flash("Removed from your cart.", "success")
        else:
            _flash_change(change, "Updated")
    remember_count(cart)
    return redirect(url_for("cart.view"))


@bp.post("/remove")
def remove():
    cart = current_cart()
    if cart is not None:
        try:
            remove_line(cart, parse_variant_id(request.form.get("variant_id")))
        except CartError as error:
            flash(str(error), "error")
        else:
            flash("Removed from your cart.", "success")
    remember_count(cart)
    return redirect(url_for("cart.view"))
