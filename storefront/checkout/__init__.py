"""Checkout: address and delivery, the order with its stock reserved, then the payment gateway."""

from flask import Blueprint

bp = Blueprint("checkout", __name__, url_prefix="/checkout")


def init_app(app) -> None:
    from storefront.checkout import shipping
    from storefront.checkout.views import stripe_webhook
    from storefront.extensions import csrf

    shipping.configure(app)
    # Stripe cannot send our CSRF token; the webhook is authenticated by its signature instead.
    csrf.exempt(stripe_webhook)


from storefront.checkout import views  # noqa: E402, F401
