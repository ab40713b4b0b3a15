"""Carriers staff ship with, and the tracking link each one gives a tracking number.

A known carrier's link is built here from the number, so staff type only the number; any other
carrier comes with the link staff paste (checked to be http(s)). The link is stored on the order
as it was emailed, so the order page and the shipping email always show the same one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

OTHER = "other"  # the form's "Other carrier" choice: staff give the name and the link
NUMBER_MAX = 40
URL_MAX = 500
NAME_MAX = 60
# Letters, digits and hyphens: what carriers print. Spaces staff paste from a label are dropped.
_NUMBER_RE = re.compile(rf"[A-Za-z0-9-]{{4,{NUMBER_MAX}}}")


@dataclass(frozen=True)
class Carrier:
    code: str
    name: str
    url: str  # "{number}" is replaced by the (URL-quoted) tracking number


CARRIERS: dict[str, Carrier] = {
    c.code: c
    for c in (
        Carrier("usps", "USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}"),
        Carrier("ups", "UPS", "https://www.ups.com/track?tracknum={number}"),
        Carrier("fedex", "FedEx", "https://www.fedex.com/fedextrack/?trknbr={number}"),
        Carrier("dhl", "DHL", "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}"),
        Carrier("royal-mail", "Royal Mail", "https://www.royalmail.com/track-your-item#/tracking-results/{number}"),
        Carrier("canada-post", "Canada Post",
                "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={number}"),
        Carrier("australia-post", "Australia Post", "https://auspost.com.au/mypost/track/details/{number}"),
    )
}


class TrackingError(ValueError):
    """Tracking details that cannot make a working link; the message is for staff, per field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Tracking:
    carrier: str  # the name shoppers read ("UPS", or what staff typed for another carrier)
    number: str
    url: str


def normalize_number(raw: str | None) -> str:
    """'1Z 999 AA1 01' -> '1Z999AA101': labels print numbers in groups; links want them whole."""
    return "".join((raw or "").split())


def is_web_link(url: str) -> bool:
    """An absolute http(s) address with a host: nothing else belongs in an email's link."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not any(c.isspace() for c in url)


def build_tracking(carrier: str, number: str = "", other_name: str = "", other_url: str = "") -> Tracking | None:
    """The tracking of a shipment from what staff entered; None when it was sent untracked.

    Raises TrackingError naming the field at fault, so the form can show it beside that field.
    """
    carrier, number = (carrier or "").strip(), normalize_number(number)
    other_name, other_url = " ".join((other_name or "").split()), (other_url or "").strip()
    if number and not _NUMBER_RE.fullmatch(number):
        raise TrackingError("tracking_number", f"A tracking number is 4 to {NUMBER_MAX} letters, digits or hyphens.")
    if carrier != OTHER and (other_name or other_url):
        raise TrackingError("carrier", "Choose “Other carrier” to give a carrier name and tracking link.")
    if not carrier:
        if number:
            raise TrackingError("carrier", "Choose the carrier of this tracking number.")
        return None
    if carrier == OTHER:
        return _other_carrier(number, other_name, other_url)
    known = CARRIERS.get(carrier)
    if known is None:
        raise TrackingError("carrier", "Choose a carrier from the list.")
    if not number:
        raise TrackingError("tracking_number", f"Enter the {known.name} tracking number.")
    return Tracking(known.name, number, known.url.format(number=quote(number, safe="")))


def _other_carrier(number: str, name: str, url: str) -> Tracking:
    if not name:
        raise TrackingError("other_carrier", "Enter the carrier's name.")
    if len(name) > NAME_MAX:
        raise TrackingError("other_carrier", f"Keep the carrier's name under {NAME_MAX} characters.")
    if not url:
        raise TrackingError("tracking_url", "Enter the tracking link the carrier gave you.")
    if len(url) > URL_MAX or not is_web_link(url):
        raise TrackingError("tracking_url", "The tracking link must be a web address starting with http:// or https://.")
    return Tracking(name, number, url)
