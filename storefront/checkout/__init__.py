"""Checkout: address and delivery, the order with its stock reserved, then the payment gateway."""

from flask import Blueprint

bp = Blueprint("checkout", __name__, url_prefix="/checkout")

from storefront.checkout import views  # noqa: E402, F401
