"""The guest order page, reached only by the order's secret token."""

from __future__ import annotations

from flask import abort, render_template

from storefront.orders import bp
from storefront.orders.services import get_order_by_token


@bp.get("/<token>")
def guest_order(token: str):
    order = get_order_by_token(token)
    if order is None:
        abort(404)
    return render_template("orders/order.html", order=order)
