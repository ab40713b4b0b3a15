"""Checkout: address and delivery, the order with its stock reserved, then the payment gateway."""

from flask import Blueprint

bp = Blueprint("checkout", __name__, url_prefix="/checkout")


def init_app(app) -> None:
    from storefront.checkout.cli import reconcile_payments_command
    from storefront.cli import larder

    if "reconcile-payments" not in larder.commands:
        larder.add_command(reconcile_payments_command)


from storefront.checkout import views  # noqa: E402, F401
