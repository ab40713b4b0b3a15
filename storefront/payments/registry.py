"""Payment gateways, chosen by PAYMENT_GATEWAY through this registry (no `if gateway == ...` elsewhere)."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app

from storefront.payments.base import PaymentGateway, PaymentUnavailable


def _stripe(app) -> PaymentGateway:
    from storefront.payments.stripe.gateway import StripeGateway

    return StripeGateway.from_app(app)


def _demo(app) -> PaymentGateway:
    from storefront.payments.demo import DemoGateway

    return DemoGateway()


GATEWAYS: dict[str, Callable[..., PaymentGateway]] = {"stripe": _stripe, "demo": _demo}


def get_gateway(name: str | None = None) -> PaymentGateway:
    """The gateway named (by an order's payment) or configured (for new checkouts)."""
    name = name or current_app.config["PAYMENT_GATEWAY"]
    try:
        factory = GATEWAYS[name]
    except KeyError:
        raise PaymentUnavailable(f"Unknown payment gateway {name!r}") from None
    return factory(current_app)
