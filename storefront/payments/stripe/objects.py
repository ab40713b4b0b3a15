"""The fields Larder reads from Stripe's event objects, checked against the shapes Stripe sends.

A validly signed event can still carry a value no handler can use: an amount that is text, a number
beyond what a column holds, an id PostgreSQL refuses (a NUL byte, 300 characters), metadata that is
not an object. Reading every field through here turns each of those into Malformed before anything
is changed; the event is then recorded as ignored (payments.events), never answered with a 500 that
Stripe would retry for days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storefront.payments.events import Malformed

INT4_MAX = 2**31 - 1  # the integer columns (amounts, order ids)
ID_LENGTH = 255  # the provider id columns
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CURRENCY = re.compile(r"[A-Za-z]{3}")
_ORDER_ID = re.compile(r"[0-9]{1,10}")


_MISSING = object()


def _present(obj: dict, key: str, field: str, required: bool):
    value = obj.get(key, _MISSING)
    if value is _MISSING or value is None:
        if required:
            raise Malformed(field, "is missing")
        return None
    return value


def text(obj: dict, key: str, *, field: str | None = None, required: bool = False,
         max_length: int = ID_LENGTH, controls: bool = False) -> str | None:
    """A string (None when absent or null); controls=True lets line breaks through (free text)."""
    field = field or key
    value = _present(obj, key, field, required)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Malformed(field, f"is {type(value).__name__}, not text")
    if len(value) > max_length:
        raise Malformed(field, f"is longer than {max_length} characters")
    if "\x00" in value or (not controls and _CONTROL.search(value)):
        raise Malformed(field, "holds control characters")
    if required and not value:
        raise Malformed(field, "is empty")
    return value


def amount(obj: dict, key: str, *, required: bool = False) -> int | None:
    """Minor units: an integer (not a bool, not a float) from 0 to what the columns hold."""
    value = _present(obj, key, key, required)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Malformed(key, f"is {type(value).__name__}, not an integer")
    if not 0 <= value <= INT4_MAX:
        raise Malformed(key, "is out of range")
    return value


def mapping(obj: dict, key: str, *, field: str | None = None) -> dict:
    value = _present(obj, key, field or key, False)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Malformed(field or key, f"is {type(value).__name__}, not an object")
    return value


def flag(obj: dict, key: str) -> bool | None:
    value = _present(obj, key, key, False)
    if value is not None and not isinstance(value, bool):
        raise Malformed(key, f"is {type(value).__name__}, not true or false")
    return value


def _metadata(obj: dict) -> dict[str, str]:
    # Stripe's limits: 50 keys of up to 40 characters, values of up to 500, all strings.
    raw = mapping(obj, "metadata")
    if len(raw) > 50:
        raise Malformed("metadata", "has more than 50 keys")
    values = {}
    for key in raw:
        if len(key) > 40 or _CONTROL.search(key):
            raise Malformed("metadata", "has a key Stripe would not send")
        values[key] = text(raw, key, field=f"metadata.{key[:40]}", required=True, max_length=500)
    return values


def order_id(reference: str | None) -> int | None:
    """Our order id in a reference we put on the session (str(order.id)); anything else is no order of ours."""
    if reference is None or not _ORDER_ID.fullmatch(reference):
        return None
    value = int(reference)
    return value if 0 < value <= INT4_MAX else None


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    payment_status: str | None
    amount_total: int | None
    currency: str | None
    payment_intent: str | None
    # metadata.order_id, or client_reference_id when that is empty: as sent, for staff to read.
    reference: str | None
    metadata: dict[str, str]
    customer_name: str
    customer_email: str
    livemode: bool | None

    @property
    def paid(self) -> bool:
        return self.payment_status == "paid"

    @property
    def order_id(self) -> int | None:
        return order_id(self.reference)


def checkout_session(obj: dict) -> CheckoutSession:
    """A checkout.session object; a paid one must say how much, in which currency."""
    metadata = _metadata(obj)
    client_reference = text(obj, "client_reference_id", max_length=200)
    details = mapping(obj, "customer_details")
    payment_status = text(obj, "payment_status", max_length=40)
    paid = payment_status == "paid"
    details_email = text(details, "email", field="customer_details.email", max_length=254)
    session_email = text(obj, "customer_email", max_length=254)  # read (so checked) even when unused
    currency = text(obj, "currency", required=paid, max_length=3)
    if currency is not None and not _CURRENCY.fullmatch(currency):
        raise Malformed("currency", "is not a three-letter code")
    return CheckoutSession(
        id=text(obj, "id", required=True),
        payment_status=payment_status,
        amount_total=amount(obj, "amount_total", required=paid),
        currency=currency,
        payment_intent=text(obj, "payment_intent"),
        reference=metadata.get("order_id") or client_reference,
        metadata=metadata,
        customer_name=text(details, "name", field="customer_details.name", max_length=300) or "",
        customer_email=details_email or session_email or "",
        livemode=flag(obj, "livemode"),
    )


@dataclass(frozen=True)
class Charge:
    payment_intent: str | None
    amount_refunded: int


def charge(obj: dict) -> Charge:
    """A charge object (charge.refunded): amount_refunded is cumulative and always sent."""
    return Charge(payment_intent=text(obj, "payment_intent"), amount_refunded=amount(obj, "amount_refunded", required=True))


@dataclass(frozen=True)
class Refund:
    id: str
    status: str
    amount: int
    payment_intent: str | None


def refund(obj: dict) -> Refund:
    """A refund object (refund.created / refund.updated)."""
    return Refund(
        id=text(obj, "id", required=True),
        status=text(obj, "status", required=True, max_length=40),
        amount=amount(obj, "amount", required=True),
        payment_intent=text(obj, "payment_intent"),
    )


@dataclass(frozen=True)
class Envelope:
    id: str
    type: str
    object: dict


def envelope(data: object) -> Envelope:
    """The event around the object: its id (stored, unique) and type. Malformed here is a 400."""
    if not isinstance(data, dict):
        raise Malformed("event", "is not an object")
    inner = mapping(data, "data")
    obj = inner.get("object")
    if not isinstance(obj, dict):
        raise Malformed("data.object", "is not an object")
    return Envelope(id=text(data, "id", required=True), type=text(data, "type", required=True, max_length=80), object=obj)
