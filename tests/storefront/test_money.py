import pytest

from storefront.money import format_money, to_minor


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
