"""Payments: the gateway protocol and registry, the Stripe and demo gateways, provider events and the webhook.

Below orders: nothing here imports orders or checkout. A provider's event is turned into a
provider-neutral PaymentEvent here and applied to orders by the handler orders registers (events.py).
"""

from flask import Blueprint

bp = Blueprint("payments", __name__)


def init_app(app) -> None:
    from storefront.extensions import csrf
    from storefront.payments.stripe.webhook import stripe_webhook

    for name, default in (("STRIPE_CHECKOUT_EXPIRY_MINUTES", 60), ("STRIPE_MAX_NETWORK_RETRIES", 2)):
        raw = app.config.get(name, default)
        try:
            app.config[name] = int(raw)
        except (TypeError, ValueError):
            raise RuntimeError(f"{name} must be a whole number, not {raw!r}") from None
    # Stripe cannot send our CSRF token; the webhook is authenticated by its signature instead.
    csrf.exempt(stripe_webhook)


from storefront.payments.stripe import webhook  # noqa: E402, F401
