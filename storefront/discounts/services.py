"""Discount rules: is a code valid for these lines, what does it save, and taking a use of it.

Everything is computed here, on the server, from the code and the lines' own prices: a figure
posted by a form never enters. A saving never makes a line or an order negative, and is spread
over the eligible lines to the cent (largest remainder), so each line knows what was paid for it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from storefront import audit
from storefront.catalog.queries import slugs_in_collections
from storefront.clock import as_utc, now
from storefront.discounts.models import Discount, DiscountKind, DiscountRedemption
from storefront.extensions import db
from storefront.money import format_money

MAX_CODE = 40
CODE_RE = re.compile(r"[A-Z0-9][A-Z0-9_-]{1,39}")
_SPACES = re.compile(r"\s+")


class DiscountError(Exception):
    """A code that cannot be used here; the message is for the shopper."""

    reason = "invalid"

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        if reason:
            self.reason = reason


def normalise_code(raw: object) -> str:
    """The code as stored: upper case, without spaces ("welcome 10 " -> "WELCOME10")."""
    return _SPACES.sub("", str(raw or "")).upper()[: MAX_CODE + 1]


def money(minor: int) -> str:
    return format_money(minor, current_app.config["STORE_CURRENCY"])


def _day(moment: datetime) -> str:
    moment = as_utc(moment)
    return f"{moment.day} {moment:%B %Y}"


@dataclass(frozen=True)
class PricedLine:
    """A cart or order line as plain data: `key` names it for the caller (the variant id)."""

    key: int
    product_slug: str
    unit_price: int
    quantity: int
    on_sale: bool = False  # sale-priced: a compare-at price above the price

    @property
    def total(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class Quote:
    """What a valid code does to these lines."""

    discount_id: int
    code: str
    summary: str
    line_discounts: dict[int, int] = field(default_factory=dict)  # key -> minor units off the line
    free_delivery: bool = False

    @property
    def items_saving(self) -> int:
        return sum(self.line_discounts.values())

    def shipping_saving(self, rate: int) -> int:
        return rate if self.free_delivery else 0

    def saving(self, shipping_rate: int = 0) -> int:
        return self.items_saving + self.shipping_saving(shipping_rate)


def describe(discount: Discount) -> str:
    """What the code gives, in words: "10% off", "$5.00 off", "Free delivery"."""
    if discount.kind == DiscountKind.PERCENTAGE:
        return f"{discount.value}% off"
    if discount.kind == DiscountKind.FIXED:
        return f"{money(discount.value)} off"
    return "Free delivery"


def conditions(discount: Discount) -> list[str]:
    """The conditions a shopper should know, each a short sentence."""
    out = []
    if discount.min_subtotal:
        out.append(f"On orders of {money(discount.min_subtotal)} or more.")
    if discount.product_slugs or discount.collection_slugs:
        out.append("On selected products only.")
    if discount.exclude_sale_items:
        out.append("Not on sale-priced items.")
    if discount.per_customer_limit == 1:
        out.append("Once per customer.")
    elif discount.per_customer_limit:
        out.append(f"Up to {discount.per_customer_limit} times per customer.")
    if discount.ends_at:
        out.append(f"Until {_day(discount.ends_at)}.")
    return out


# ------------------------------------------------------------------ checks


def find_discount(code: str) -> Discount | None:
    code = normalise_code(code)
    if not code or len(code) > MAX_CODE:
        return None
    return db.session.scalar(select(Discount).where(Discount.code == code))


def uses(discount_id: int) -> int:
    return db.session.scalar(
        select(func.count(DiscountRedemption.id)).where(DiscountRedemption.discount_id == discount_id)
    ) or 0


def uses_by(discount_id: int, email: str) -> int:
    return db.session.scalar(
        select(func.count(DiscountRedemption.id)).where(
            DiscountRedemption.discount_id == discount_id, DiscountRedemption.email == email.strip().lower()
        )
    ) or 0


def code_problem(discount: Discount | None, raw: str, at: datetime | None = None) -> DiscountError | None:
    """What stops the code itself, whatever the cart: unknown, inactive, not started, expired, used up."""
    shown = normalise_code(raw)
    if not shown:
        return DiscountError("Please enter a discount code.", "unknown")
    if discount is None:
        return DiscountError(f"We don't recognise the code {shown}. Please check it and try again.", "unknown")
    at = at or now()
    code = discount.code
    if not discount.active:
        return DiscountError(f"The code {code} is no longer available.", "inactive")
    if discount.starts_at and as_utc(discount.starts_at) > at:
        return DiscountError(f"The code {code} can be used from {_day(discount.starts_at)}.", "not-started")
    if discount.ends_at and as_utc(discount.ends_at) <= at:
        return DiscountError(f"The code {code} expired on {_day(discount.ends_at)}.", "expired")
    if discount.used_up or (discount.usage_limit is not None and uses(discount.id) >= discount.usage_limit):
        return DiscountError(f"Sorry, the code {code} has been used up.", "used-up")
    return None


def _eligible(discount: Discount, lines: Sequence[PricedLine]) -> list[PricedLine]:
    candidates = [line for line in lines if line.quantity > 0 and line.total > 0]
    if discount.exclude_sale_items:
        candidates = [line for line in candidates if not line.on_sale]
    if discount.product_slugs or discount.collection_slugs:
        allowed = set(discount.product_slugs or [])
        if discount.collection_slugs:
            allowed |= slugs_in_collections([line.product_slug for line in candidates], discount.collection_slugs)
        candidates = [line for line in candidates if line.product_slug in allowed]
    return candidates


def allocate(amount: int, lines: Sequence[PricedLine]) -> dict[int, int]:
    """Spread `amount` over the lines in proportion to their totals, to the cent: each line gets
    the floor of its exact share, and the cents left go to the largest remainders (first line
    first on a tie). No line gets more than its own total."""
    total = sum(line.total for line in lines)
    amount = max(0, min(amount, total))
    if not amount:
        return {}
    shares = {line.key: amount * line.total // total for line in lines}
    left = amount - sum(shares.values())
    by_remainder = sorted(lines, key=lambda line: -((amount * line.total) % total))
    for line in by_remainder[:left]:
        shares[line.key] += 1
    return {key: share for key, share in shares.items() if share}


def quote(discount: Discount, lines: Sequence[PricedLine], email: str | None = None,
          at: datetime | None = None) -> Quote:
    """The code applied to these lines, or DiscountError saying why not (each case its own message)."""
    problem = code_problem(discount, discount.code, at)
    if problem:
        raise problem
    code = discount.code
    if email and discount.per_customer_limit is not None and uses_by(discount.id, email) >= discount.per_customer_limit:
        raise DiscountError(f"You have already used the code {code}.", "already-used")
    subtotal = sum(line.total for line in lines)
    if subtotal < discount.min_subtotal:
        raise DiscountError(
            f"The code {code} needs a subtotal of {money(discount.min_subtotal)} or more: "
            f"add {money(discount.min_subtotal - subtotal)} to use it.", "minimum")
    eligible = _eligible(discount, lines)
    if not eligible:
        raise DiscountError(f"None of the items in your cart can use the code {code}.", "no-eligible")
    summary = describe(discount)
    if discount.kind == DiscountKind.FREE_DELIVERY:
        return Quote(discount.id, code, summary, {}, free_delivery=True)
    base = sum(line.total for line in eligible)
    if discount.kind == DiscountKind.PERCENTAGE:
        amount = (base * discount.value + 50) // 100  # half a cent rounds up
    else:
        amount = discount.value
    return Quote(discount.id, code, summary, allocate(amount, eligible))


def check_code(raw: str) -> Discount:
    """A code a shopper typed, checked on its own (the cart decides the rest): the Discount or DiscountError."""
    discount = find_discount(raw)
    problem = code_problem(discount, raw)
    if problem:
        raise problem
    assert discount is not None
    return discount


def quote_code(raw: str, lines: Sequence[PricedLine], email: str | None = None) -> Quote:
    discount = find_discount(raw)
    problem = code_problem(discount, raw)
    if problem:
        raise problem
    assert discount is not None
    return quote(discount, lines, email)


# ------------------------------------------------------------------ taking and giving back a use


def lock_and_quote(raw: str, lines: Sequence[PricedLine], email: str) -> Quote:
    """Inside the caller's (order's) transaction: the code's row locked, then checked and priced.

    The row lock (FOR UPDATE on PostgreSQL; SQLite has one writer at a time) makes concurrent
    checkouts with one code take turns from here to their commit, so each counts the uses committed
    before it: a code with 5 uses left is used exactly 5 times, whatever the timing."""
    code = normalise_code(raw)
    discount = db.session.scalar(
        select(Discount).where(Discount.code == code).with_for_update()
        .execution_options(populate_existing=True)
    ) if code and len(code) <= MAX_CODE else None
    if discount is None:
        raise code_problem(None, raw) or DiscountError("Unknown code")
    return quote(discount, lines, email)


def record_redemption(quote_: Quote, order_id: int, email: str, amount: int, source: str | None) -> None:
    """Take the use (inside the caller's transaction, after lock_and_quote); the last use marks the code used up."""
    db.session.add(DiscountRedemption(discount_id=quote_.discount_id, order_id=order_id,
                                      email=email.strip().lower(), amount=amount, source=source))
    db.session.flush()
    discount = db.session.get(Discount, quote_.discount_id)
    if discount is not None and discount.usage_limit is not None and uses(discount.id) >= discount.usage_limit:
        discount.used_up = True


def release_redemption(order_id: int) -> None:
    """An order that was never paid gives its use back (inside the caller's transaction)."""
    redemption = db.session.scalar(select(DiscountRedemption).where(DiscountRedemption.order_id == order_id))
    if redemption is None:
        return
    discount = db.session.get(Discount, redemption.discount_id)
    db.session.delete(redemption)
    db.session.flush()
    if discount is not None:
        sync_used_up(discount)


def sync_used_up(discount: Discount) -> None:
    """Keep the used-up flag in step with the uses and the limit (after a use given back or a new limit)."""
    used_up = discount.usage_limit is not None and uses(discount.id) >= discount.usage_limit
    if discount.used_up != used_up:
        discount.used_up = used_up


# ------------------------------------------------------------------ staff


class DiscountSaveError(Exception):
    """A staff change that cannot be saved; the message is for staff."""


FIELDS = ("code", "note", "kind", "value", "min_subtotal", "starts_at", "ends_at", "usage_limit",
          "per_customer_limit", "product_slugs", "collection_slugs", "exclude_sale_items", "active")


def _snapshot(discount: Discount | None) -> dict:
    if discount is None:
        return {}
    return {name: (getattr(discount, name).isoformat() if isinstance(getattr(discount, name), datetime)
                   else getattr(discount, name)) for name in FIELDS}


def save_discount(discount: Discount | None, values: dict, actor: object) -> Discount:
    """Create or edit a code (values: Discount fields, money in minor units), audited."""
    code = normalise_code(values["code"])
    clash = db.session.scalar(select(Discount).where(Discount.code == code))
    if clash is not None and clash is not discount:
        raise DiscountSaveError(f"The code {code} exists already.")
    before = _snapshot(discount)
    creating = discount is None
    if discount is None:
        discount = Discount(code=code)
        db.session.add(discount)
    for name in FIELDS:
        setattr(discount, name, code if name == "code" else values.get(name))
    db.session.flush()
    sync_used_up(discount)
    audit.record_change(actor, "discount", discount.id, discount.code,
                        "discount.create" if creating else "discount.update", before, _snapshot(discount))
    db.session.commit()
    return discount
