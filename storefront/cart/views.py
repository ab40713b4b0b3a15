"""Cart pages: plain form posts that redirect back to the cart with a message."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from storefront.cart import bp
from storefront.cart.current import current_cart, remember_count
from storefront.cart.services import (
    MAX_LINE_QUANTITY,
    CartError,
    add_to_cart,
    parse_quantity,
    parse_variant_id,
    remove_line,
    set_quantity,
    summarise,
)


def _flash_change(change, verb: str) -> None:
    if change.capped and change.available == MAX_LINE_QUANTITY:
        # The per-line cap, not the stock, stopped it: "only 99 available" would be untrue.
        flash(
            f"A cart holds at most {MAX_LINE_QUANTITY} of {change.title}, "
            f"so your cart has {change.quantity}.",
            "warning",
        )
    elif change.capped:
        flash(
            f"Only {change.available} of {change.title} available, so your cart has {change.quantity}.",
            "warning",
        )
    else:
        flash(f"{verb} {change.title} (quantity {change.quantity}).", "success")


@bp.get("")
def view():
    cart = current_cart()
    remember_count(cart)
    return render_template("cart/cart.html", summary=summarise(cart))


@bp.post("/add")
def add():
    try:
        variant_id = parse_variant_id(request.form.get("variant_id"))
        quantity = parse_quantity(request.form.get("quantity", "1"))
        cart = current_cart(create=True)
        change = add_to_cart(cart, variant_id, quantity, request.form.get("ref"))
    except CartError as error:
        flash(str(error), "error")
    else:
        _flash_change(change, "Added")
        remember_count(cart)
    return redirect(url_for("cart.view"))


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
