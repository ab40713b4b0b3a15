"""Money is integer minor units everywhere; this module is the only place it becomes text.

Pages, emails, order history, flash messages, log lines and CLI output all say "$5.00" through
format_money; "500 USD" (minor units next to a code) reads as a hundred times the money.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency, get_currency_precision, get_currency_symbol, is_currency
from flask import current_app, has_app_context


def _store_currency_and_locale() -> tuple[str, str]:
    if has_app_context():
        return current_app.config["STORE_CURRENCY"], current_app.config["STORE_LOCALE"]
    return "USD", "en_US"


def currency_code(currency: str | None) -> str:
    """"usd" (as Stripe sends it) as "USD": Babel knows only upper-case codes and would otherwise
    assume two decimals, misreading yen or dinars by a factor of 100 or 10."""
    return (currency or "").strip().upper()


def to_decimal(minor: int, currency: str) -> Decimal:
    """Minor units as a Decimal amount in the currency's major unit."""
    return Decimal(minor).scaleb(-get_currency_precision(currency_code(currency)))


def to_minor(amount: Decimal | str, currency: str) -> int:
    """A decimal amount ("12.50") as integer minor units; refuses fractions of a cent."""
    value = Decimal(str(amount)).scaleb(get_currency_precision(currency_code(currency)))
    if value != value.to_integral_value():
        raise ValueError(f"{amount} has more decimals than {currency_code(currency)} allows")
    return int(value)


def format_money(minor: int | None, currency: str | None = None, locale: str | None = None) -> str:
    """Integer minor units as text a person reads, e.g. 1899 -> "$18.99", 500 JPY -> "¥500".

    The one formatter for every page, email, order event, flash message, log line and CLI line.
    """
    if minor is None:
        return ""
    store_currency, store_locale = _store_currency_and_locale()
    return _formatted(int(minor), currency_code(currency) or store_currency, locale or store_locale)


@lru_cache(maxsize=8192)
def _formatted(minor: int, currency: str, locale: str) -> str:
    # A pure function of its arguments, and Babel takes ~65 us a call: a listing shows dozens
    # of prices, mostly the same few hundred amounts.
    if not is_currency(currency):
        # A code a provider sent that Babel does not know: its decimals are unknown, so say
        # exactly what arrived rather than guess two (the guess could be off by 100x).
        return f"{minor} minor units of {currency!r}"
    return format_currency(to_decimal(minor, currency), currency, locale=locale)


def major_units(minor: int, currency: str | None = None) -> Decimal:
    """Minor units as the number a shopper types into a price field (500 -> 5.00 USD, 500 JPY -> 500)."""
    return to_decimal(minor, currency_code(currency) or _store_currency_and_locale()[0])


def currency_symbol(currency: str | None = None, locale: str | None = None) -> str:
    """The store currency's symbol for a field label ("$", "¥", "KWD")."""
    store_currency, store_locale = _store_currency_and_locale()
    return get_currency_symbol(currency_code(currency) or store_currency, locale or store_locale)


def amount_for_schema(minor: int, currency: str | None = None) -> str:
    """Plain decimal string for JSON-LD and feeds ("18.99")."""
    currency = currency_code(currency) or _store_currency_and_locale()[0]
    return format(to_decimal(minor, currency), "f")
