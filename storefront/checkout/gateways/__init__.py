"""Payment gateways, chosen by PAYMENT_GATEWAY through this registry (no `if gateway == ...` elsewhere)."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app

from storefront.checkout.gateways.base import (
    CheckoutRedirect,
    CheckoutState,
    PaymentError,
    PaymentGateway,
    PaymentUnavailable,
    RefundFailed,
    RefundResult,
    ReturnUrls,
)

__all__ = [
    "CheckoutRedirect",
    "CheckoutState",
    "PaymentError",
    "PaymentGateway",
    "PaymentUnavailable",
    "RefundFailed",
    "RefundResult",
    "ReturnUrls",
    "get_gateway",
    "register_gateway",
]


def _stripe(app) -> PaymentGateway:
    from storefront.checkout.gateways.stripe import StripeGateway

    return StripeGateway.from_app(app)


def _demo(app) -> PaymentGateway:
    from storefront.checkout.gateways.demo import DemoGateway

    return DemoGateway()


GATEWAYS: dict[str, Callable[..., PaymentGateway]] = {"stripe": _stripe, "demo": _demo}


def register_gateway(name: str, factory: Callable[..., PaymentGateway]) -> None:
    GATEWAYS[name] = factory


def get_gateway(name: str | None = None) -> PaymentGateway:
    """The gateway named (by an order's payment) or configured (for new checkouts)."""
    name = name or current_app.config["PAYMENT_GATEWAY"]
    try:
        factory = GATEWAYS[name]
    except KeyError:
        raise PaymentUnavailable(f"Unknown payment gateway {name!r}") from None
    return factory(current_app)
