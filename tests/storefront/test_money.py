from decimal import Decimal

import pytest

from storefront.money import amount_for_schema, currency_symbol, format_money, major_units, to_minor


@pytest.mark.parametrize(("minor", "text"), [(0, "$0.00"), (1899, "$18.99"), (123456, "$1,234.56")])
def test_format_usd(minor, text):
    assert format_money(minor, "USD", "en_US") == text


def test_other_currency_and_locale():
    assert format_money(1899, "EUR", "de_DE") == "18,99\xa0€"
    assert format_money(500, "JPY", "ja_JP") == "￥500"


def test_to_minor_refuses_fractions_of_a_cent():
    assert to_minor("12.50", "USD") == 1250
    with pytest.raises(ValueError):
        to_minor("12.505", "USD")


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (500, "JPY", "¥500"),  # zero decimals: 500 minor units are 500 yen
        (150000, "JPY", "¥150,000"),
        (1234, "KWD", "KWD1.234"),  # three decimals: 1234 fils are 1.234 dinars
        (500, "BHD", "BHD0.500"),
        # Stripe sends lower-case codes; Babel would read "jpy" with two decimals (¥5.00).
        (500, "jpy", "¥500"),
        (500, "usd", "$5.00"),
    ],
)
def test_each_currency_keeps_its_own_decimals(minor, currency, text):
    assert format_money(minor, currency, "en_US") == text


def test_a_currency_babel_does_not_know_is_shown_as_minor_units_not_a_guess():
    assert format_money(500, "XYZ", "en_US") == "500 minor units of 'XYZ'"


def test_typed_amounts_follow_the_currency_decimals():
    assert to_minor("500", "JPY") == 500 and to_minor("1.234", "kwd") == 1234 and to_minor("12.50", "usd") == 1250
    with pytest.raises(ValueError):
        to_minor("5.5", "JPY")
    assert major_units(500, "JPY") == Decimal("500") and major_units(1234, "KWD") == Decimal("1.234")
    assert major_units(500, "USD") == Decimal("5.00")


def test_currency_symbol_for_field_labels():
    assert (currency_symbol("USD", "en_US"), currency_symbol("JPY", "en_US"), currency_symbol("kwd", "en_US")) == (
        "$", "¥", "KWD")


def test_to_minor_refusal_names_the_amount_and_the_currency():
    # The admin refund form shows this text to staff: it must say which amount and which currency.
    with pytest.raises(ValueError, match=r"^12\.505 has more decimals than USD allows$"):
        to_minor("12.505", "usd")


def test_outside_a_request_money_is_dollars_in_english():
    # CLI commands and workers run without an app context: the fallback is the default store's USD / en_US.
    assert format_money(1899) == "$18.99"
    assert major_units(1899) == Decimal("18.99")
    assert amount_for_schema(1899) == "18.99" and amount_for_schema(500, "jpy") == "500"
    assert currency_symbol() == "$"


def test_a_yen_store_shows_and_edits_whole_yen(app, monkeypatch):
    monkeypatch.setitem(app.config, "STORE_CURRENCY", "JPY")
    assert format_money(500) == "¥500"
    assert major_units(500) == Decimal("500")  # the admin price field shows 500, not 5.00
    assert amount_for_schema(500) == "500"


def test_the_locale_decides_the_symbol(app, monkeypatch):
    assert currency_symbol("USD", "en_CA") == "US$"  # in Canada "$" alone would mean Canadian dollars
    monkeypatch.setitem(app.config, "STORE_LOCALE", "en_CA")
    assert currency_symbol() == "US$" and format_money(1899) == "US$18.99"
