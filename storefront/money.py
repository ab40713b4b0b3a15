"""Money is integer minor units everywhere; this module is the only place it becomes text."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency, get_currency_precision
from flask import current_app, has_app_context


def _store_currency_and_locale() -> tuple[str, str]:
    if has_app_context():
        return current_app.config["STORE_CURRENCY"], current_app.config["STORE_LOCALE"]
    return "USD", "en_US"


def to_decimal(minor: int, currency: str) -> Decimal:
    """Minor units as a Decimal amount in the currency's major unit."""
    return Decimal(minor).scaleb(-get_currency_precision(currency))


def to_minor(amount: Decimal | str, currency: str) -> int:
    """A decimal amount ("12.50") as integer minor units; refuses fractions of a cent."""
    value = Decimal(str(amount)).scaleb(get_currency_precision(currency))
    if value != value.to_integral_value():
        raise ValueError(f"{amount} has more decimals than {currency} allows")
    return int(value)


def format_money(minor: int | None, currency: str | None = None, locale: str | None = None) -> str:
    """Integer minor units as shop-display text, e.g. 1899 -> "$18.99"."""
    if minor is None:
        return ""
    store_currency, store_locale = _store_currency_and_locale()
    return _formatted(int(minor), currency or store_currency, locale or store_locale)


@lru_cache(maxsize=8192)
def _formatted(minor: int, currency: str, locale: str) -> str:
    # A pure function of its arguments, and Babel takes ~65 us a call: a listing shows dozens
    # of prices, mostly the same few hundred amounts.
    return format_currency(to_decimal(minor, currency), currency, locale=locale)


def amount_for_schema(minor: int, currency: str | None = None) -> str:
    """Plain decimal string for JSON-LD and feeds ("18.99")."""
    currency = currency or _store_currency_and_locale()[0]
    return format(to_decimal(minor, currency), "f")
