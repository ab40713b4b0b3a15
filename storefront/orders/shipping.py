"""Shipping methods and rates from configuration (SHIPPING_METHODS), never from the form."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

# "code|Label|rate in minor units", separated by ";". Override with the SHIPPING_METHODS env var.
DEFAULT_SHIPPING_METHODS = (
    "standard|Standard delivery (3 to 5 working days)|495;express|Express delivery (next working day)|1295"
)


@dataclass(frozen=True)
class ShippingMethod:
    code: str
    label: str
    rate: int  # minor units


def parse_shipping_methods(spec: str) -> list[ShippingMethod]:
    """Parse the configuration string; a malformed entry is a start-up error naming it."""
    methods = []
    for entry in filter(None, (e.strip() for e in spec.split(";"))):
        parts = [p.strip() for p in entry.split("|")]
        if len(parts) != 3 or not parts[0] or not parts[2].isdigit():
            raise RuntimeError(f"SHIPPING_METHODS entry {entry!r} must look like 'code|Label|495'")
        methods.append(ShippingMethod(parts[0], parts[1], int(parts[2])))
    if not methods:
        raise RuntimeError("SHIPPING_METHODS must name at least one method")
    return methods


def configure(app) -> None:
    spec = app.config.get("SHIPPING_METHODS") or DEFAULT_SHIPPING_METHODS
    app.config["SHIPPING_METHODS"] = spec
    app.extensions["larder.shipping_methods"] = parse_shipping_methods(spec)


def shipping_methods() -> list[ShippingMethod]:
    return list(current_app.extensions["larder.shipping_methods"])


def shipping_method(code: str | None) -> ShippingMethod | None:
    return next((m for m in shipping_methods() if m.code == code), None)


@dataclass(frozen=True)
class DeliveryQuote:
    """One delivery option with the order total it makes (computed here, never in the browser)."""

    method: ShippingMethod
    total: int


def delivery_quotes(subtotal: int) -> list[DeliveryQuote]:
    return [DeliveryQuote(method, subtotal + method.rate) for method in shipping_methods()]


def cheapest_method() -> ShippingMethod:
    """The "delivery from" rate a cart shows before the shopper chooses."""
    return min(shipping_methods(), key=lambda method: method.rate)
