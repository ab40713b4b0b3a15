"""What other rooms read of discount codes: the article code cards, in one query for a whole page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from storefront.clock import as_utc, now
from storefront.discounts.models import Discount
from storefront.discounts.services import conditions, describe
from storefront.extensions import db

# Why a card cannot offer its code now (None: it can).
STATE_TEXT = {
    "missing": "This code is no longer offered.",
    "inactive": "This code is no longer offered.",
    "not-started": "This code is not valid yet.",
    "expired": "This code has expired.",
    "used-up": "This code has been used up.",
}


@dataclass(frozen=True)
class CodeCard:
    code: str
    headline: str = ""
    conditions: list[str] = field(default_factory=list)
    problem: str | None = None  # a key of STATE_TEXT

    @property
    def problem_text(self) -> str:
        return STATE_TEXT.get(self.problem or "", "")


def problem_of(discount: Discount) -> str | None:
    at = now()
    if not discount.active:
        return "inactive"
    if discount.starts_at and as_utc(discount.starts_at) > at:
        return "not-started"
    if discount.ends_at and as_utc(discount.ends_at) <= at:
        return "expired"
    if discount.used_up:
        return "used-up"
    return None


def code_cards(codes: Iterable[str]) -> dict[str, CodeCard]:
    """code -> its card (codes not found give a "missing" card): one SELECT whatever the number of codes.

    The used-up state is the discount row's own flag (services.record_redemption sets it with the
    last use), so a card changes exactly when that row does and the page cache follows it."""
    wanted = list(dict.fromkeys(c.upper() for c in codes))
    if not wanted:
        return {}
    found = {d.code: d for d in db.session.scalars(select(Discount).where(Discount.code.in_(wanted)))}
    return {
        code: CodeCard(code, describe(found[code]), conditions(found[code]), problem_of(found[code]))
        if code in found else CodeCard(code, problem="missing")
        for code in wanted
    }
