"""A certified serving as data: how many of what ("2" "capsules", "30" "g"), and for a serving
counted in units what it weighs or measures ("1.1" "g"). Read from text such as
"2 capsules (1.1 g)", "30 g" or "1/2 cup (125 g)" (the CSV, older certificates)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

UNIT_MAX = 30
METRIC_UNITS = ("g", "ml")
MAX_QUANTITY = Decimal(100_000)
SERVING_RE = re.compile(
    r"^\s*(?P<q>\d+/\d+|\d+(?:\.\d+)?)\s*(?P<unit>[^()\d][^()]*?)?\s*"
    r"(?:\(\s*(?P<m>\d+(?:\.\d+)?)\s*(?P<munit>g|ml)\s*\))?\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Serving:
    quantity: Decimal
    unit: str
    metric_quantity: Decimal | None = None
    metric_unit: str = ""

    def fields(self) -> dict:
        """As Certification's columns."""
        return {"serving_quantity": self.quantity, "serving_unit": self.unit,
                "serving_metric_quantity": self.metric_quantity, "serving_metric_unit": self.metric_unit,
                "serving_size_tested": self.text()}

    def text(self) -> str:
        text = f"{number(self.quantity)} {self.unit}".strip()
        if self.metric_quantity is not None and self.metric_unit:
            text += f" ({number(self.metric_quantity)} {self.metric_unit})"
        return text


def number(value: Decimal) -> str:
    """2.500 -> "2.5", 30.000 -> "30"."""
    text = format(Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _quantity(raw: str) -> Decimal:
    if "/" in raw:
        top, bottom = raw.split("/")
        if int(bottom) == 0:
            raise ValueError("a fraction cannot divide by zero")
        return (Decimal(top) / Decimal(bottom)).quantize(Decimal("0.001"))
    return Decimal(raw)


def check(serving: Serving) -> Serving:
    """The serving when its numbers and units fit the columns; ValueError saying what to fix."""
    for value in (serving.quantity, serving.metric_quantity):
        if value is not None and not (0 < value <= MAX_QUANTITY and value == value.quantize(Decimal("0.001"))):
            raise ValueError(f"a serving amount must be above 0 and at most {MAX_QUANTITY:,}, with at most three decimals")
    if len(serving.unit) > UNIT_MAX:
        raise ValueError(f"the serving unit is longer than {UNIT_MAX} characters")
    if serving.metric_quantity is not None and serving.metric_unit not in METRIC_UNITS:
        raise ValueError("the weight or volume of a serving is in g or ml")
    return serving


def parse_serving(text: str) -> Serving | None:
    """ "2 capsules (1.1 g)" as a Serving; None for empty text; ValueError when unreadable."""
    if not (text or "").strip():
        return None
    match = SERVING_RE.match(text)
    if not match:
        raise ValueError(f"“{text.strip()[:40]}” is not a serving such as “2 capsules (1.1 g)” or “30 g”")
    try:
        quantity = _quantity(match.group("q"))
        metric = Decimal(match.group("m")) if match.group("m") else None
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"“{text.strip()[:40]}”: {exc}") from None
    return check(Serving(quantity, (match.group("unit") or "").strip(), metric,
                         (match.group("munit") or "").lower() if metric is not None else ""))
