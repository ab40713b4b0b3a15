"""Nutrition facts: one shape for the product page, the staff form and the CSV.

Stored in Product.nutrition as
    {"serving_size": "2 capsules", "servings_per_container": 30,
     "rows": [{"nutrient": "Magnesium", "amount": "200 mg", "daily_value": "48%"}]}
An amount is a number and an optional unit ("200 mg", "50 mcg (2000 IU)", "20" for calories);
a daily value is a percentage, "†" (no daily value established) or empty.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_ROWS = 30
NUTRIENT_MAX = 60
UNIT_MAX = 30
SERVING_MAX = 80
MAX_AMOUNT = Decimal(1_000_000)
MAX_SERVINGS = 100_000
AMOUNT_RE = re.compile(r"^\s*(\d{1,7}(?:\.\d{1,3})?)\s*(.*?)\s*$")
DAILY_RE = re.compile(r"^(?:(\d{1,6}(?:\.\d{1,2})?)\s*%?|†|\*)$")


class NutritionError(ValueError):
    """Nutrition facts that cannot be stored; .messages says what to fix, one line each."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def split_amount(amount: str) -> tuple[str, str]:
    """"200 mg" -> ("200", "mg"); "20" -> ("20", ""); text without a leading number -> ("", text)."""
    match = AMOUNT_RE.match(amount or "")
    return (match.group(1), match.group(2)) if match else ("", (amount or "").strip())


def check_amount(number: str) -> str | None:
    """Why a number is not a usable amount, or None."""
    try:
        value = Decimal(number.strip())
    except (InvalidOperation, ValueError, AttributeError):
        return "must be a number such as 200 or 1.5"
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        return f"must be between 0 and {MAX_AMOUNT:,}"
    if value != value.quantize(Decimal("0.001")):
        return "may have at most three decimals"
    return None


def daily_value(raw: str) -> str:
    """"48" or "48%" -> "48%"; "†" stays; empty stays empty. ValueError when unusable."""
    text = (raw or "").strip()
    if not text:
        return ""
    match = DAILY_RE.match(text)
    if not match:
        raise ValueError("must be a percentage such as 48 or 48%, or † when none is established")
    return f"{match.group(1)}%" if match.group(1) is not None else text


def _row(index: int, row: Any, errors: list[str]) -> dict[str, str] | None:
    if not isinstance(row, dict):
        errors.append(f"row {index}: must be an object with nutrient, amount and daily_value")
        return None
    nutrient = str(row.get("nutrient") or "").strip()
    number, unit = split_amount(str(row.get("amount") or ""))
    if not nutrient and not number and not unit:
        return None  # a blank row of the form
    where = f"row {index} ({nutrient[:30] or 'no name'})"
    if not nutrient:
        errors.append(f"{where}: name the nutrient")
    elif len(nutrient) > NUTRIENT_MAX:
        errors.append(f"{where}: the nutrient name is longer than {NUTRIENT_MAX} characters")
    problem = check_amount(number) if number else "needs an amount that starts with a number"
    if problem:
        errors.append(f"{where}: the amount {problem}")
    if len(unit) > UNIT_MAX:
        errors.append(f"{where}: the unit is longer than {UNIT_MAX} characters")
    try:
        dv = daily_value(str(row.get("daily_value") or ""))
    except ValueError as exc:
        errors.append(f"{where}: the daily value {exc}")
        dv = ""
    return {"nutrient": nutrient, "amount": f"{number} {unit}".strip(), "daily_value": dv}


def _servings(raw: Any, errors: list[str]) -> int | None:
    if raw in (None, ""):
        return None
    try:
        servings = int(str(raw).strip())
    except ValueError:
        servings = -1
    if not 1 <= servings <= MAX_SERVINGS:
        errors.append(f"servings per container must be a whole number from 1 to {MAX_SERVINGS:,}")
        return None
    return servings


def clean_nutrition(raw: Any) -> dict[str, Any] | None:
    """Validated nutrition facts in the stored shape; None when empty. NutritionError lists problems."""
    if raw in (None, "", {}):
        return None
    if not isinstance(raw, dict):
        raise NutritionError(["nutrition must be an object with serving_size and rows"])
    errors: list[str] = []
    serving = str(raw.get("serving_size") or "").strip()
    if len(serving) > SERVING_MAX:
        errors.append(f"the serving size is longer than {SERVING_MAX} characters")
    servings = _servings(raw.get("servings_per_container"), errors)
    rows_in = raw.get("rows") or []
    if not isinstance(rows_in, list):
        errors.append("rows must be a list")
        rows_in = []
    if len(rows_in) > MAX_ROWS * 2:
        errors.append(f"at most {MAX_ROWS} nutrients")
        rows_in = []
    rows = [r for i, row in enumerate(rows_in, 1) if (r := _row(i, row, errors)) is not None]
    if len(rows) > MAX_ROWS:
        errors.append(f"at most {MAX_ROWS} nutrients")
    if errors:
        raise NutritionError(errors)
    if not rows and not serving:
        return None
    facts: dict[str, Any] = {"serving_size": serving, "rows": rows}
    if servings is not None:
        facts["servings_per_container"] = servings
    return facts


def nutrition_from_csv(cell: str) -> dict[str, Any] | None:
    """The CSV's Nutrition (JSON) cell: the stored shape as JSON, or empty for none."""
    if not (cell or "").strip():
        return None
    try:
        raw = json.loads(cell)
    except ValueError as exc:
        raise NutritionError([f"is not valid JSON ({exc.msg} at character {exc.pos})"]) from None
    return clean_nutrition(raw)


def nutrition_to_csv(facts: dict[str, Any] | None) -> str:
    """Nutrition as one JSON cell (keys sorted, non-ASCII kept readable), empty for none."""
    return json.dumps(facts, ensure_ascii=False, sort_keys=True) if facts else ""


def describe_nutrition(facts: Any) -> str:
    """Facts as one line a person reads: "2 capsules (30 per container): Magnesium 200 mg (48%)"."""
    if not isinstance(facts, dict):
        return str(facts)
    serving = str(facts.get("serving_size") or "serving size not given")
    if facts.get("servings_per_container"):
        serving += f" ({facts['servings_per_container']} per container)"
    rows = [
        f"{r.get('nutrient', '')} {r.get('amount', '')}" + (f" ({r['daily_value']})" if r.get("daily_value") else "")
        for r in facts.get("rows") or [] if isinstance(r, dict)
    ]
    return f"{serving}: {'; '.join(rows) or 'no nutrients'}"
