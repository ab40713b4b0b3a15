"""The listing filter form (read from the query string, never trusted, never a 500) and the
staff product form's nutrition editor."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from types import SimpleNamespace
from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import FieldList, FormField, IntegerField, StringField
from wtforms import Form as WtfForm
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from storefront.catalog.allergens import ALLERGENS
from storefront.catalog.nutrition import (
    MAX_ROWS,
    MAX_SERVINGS,
    NUTRIENT_MAX,
    SERVING_MAX,
    UNIT_MAX,
    check_amount,
    clean_nutrition,
    daily_value,
    split_amount,
)
from storefront.catalog.queries import SORTS, ListingFilters
from storefront.catalog.search import MAX_QUERY_LENGTH
from storefront.money import to_minor
from storefront.slugs import SLUG_RE

MAX_PAGE = 10_000
MAX_PRICE = 10**7  # in major units; anything above is not a real shopper's filter


def _price(raw: str | None, currency: str) -> int | None:
    if raw is None or raw.strip() == "":
        return None
    try:
        value = Decimal(raw.strip())
    except (InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value < 0 or value > MAX_PRICE:
        return None
    try:
        return to_minor(value.quantize(Decimal("0.01")), currency)
    except (ValueError, InvalidOperation):
        return None


def _page(raw: str | None) -> int:
    try:
        page = int(raw or 1)
    except ValueError:
        return 1
    return page if 1 <= page <= MAX_PAGE else 1


def parse_listing_args(args: MultiDict, currency: str, searching: bool = False) -> ListingFilters:
    """Filters from the query string; malformed values are dropped, not fatal (a GET form that
    changes nothing: a made-up value shows the listing without that filter, never an error).

    Tags are checked for shape here and for existence by the view, against the facet list.
    """
    q = (args.get("q") or "").strip()[:MAX_QUERY_LENGTH]
    tags = [t for t in dict.fromkeys(args.getlist("tag")) if SLUG_RE.match(t)][:20]
    chosen = set(args.getlist("free_from"))
    free_from = [a.slug for a in ALLERGENS if a.slug in chosen]  # unknown names are dropped
    sort = args.get("sort") or ("relevance" if searching and q else "featured")
    if sort not in SORTS or (sort == "relevance" and not q):
        sort = "featured"
    truthy = {"1", "y", "yes", "on", "true"}
    filters = ListingFilters(
        q=q,
        certified=(args.get("certified") or "").lower() in truthy,
        in_stock=(args.get("in_stock") or "").lower() in truthy,
        tags=tags,
        free_from=free_from,
        price_min=_price(args.get("price_min"), currency),
        price_max=_price(args.get("price_max"), currency),
        sort=sort,
        page=_page(args.get("page")),
    )
    if (
        filters.price_min is not None
        and filters.price_max is not None
        and filters.price_min > filters.price_max
    ):
        filters.price_min, filters.price_max = filters.price_max, filters.price_min
    return filters


# ---------------------------------------------------------------- staff: nutrition facts


NUTRITION_BLANK_ROWS = 3  # empty rows offered after the filled ones (no JavaScript needed to add more)


class NutritionRowForm(WtfForm):
    # No Optional(): it would skip the checks below, which pair an empty field with its row's others.
    nutrient = StringField("Nutrient", validators=[Length(max=NUTRIENT_MAX)])
    amount = StringField("Amount", validators=[Length(max=12)])
    unit = StringField("Unit", validators=[Optional(), Length(max=UNIT_MAX)],
                       description="e.g. g, mg, mcg, kcal; leave empty for calories")
    daily_value = StringField("% Daily value", validators=[Optional(), Length(max=10)])

    def validate_amount(self, field) -> None:
        if field.data and field.data.strip():
            problem = check_amount(field.data)
            if problem:
                raise ValidationError(f"The amount {problem}.")
        elif (self.nutrient.data or "").strip():
            raise ValidationError("Enter the amount of this nutrient.")

    def validate_nutrient(self, field) -> None:
        if not (field.data or "").strip() and ((self.amount.data or "").strip() or (self.unit.data or "").strip()):
            raise ValidationError("Name the nutrient this amount is for.")

    def validate_daily_value(self, field) -> None:
        try:
            daily_value(field.data or "")
        except ValueError as exc:
            raise ValidationError(f"The daily value {exc}.") from None


class NutritionForm(WtfForm):
    serving_size = StringField("Serving size", validators=[Optional(), Length(max=SERVING_MAX)],
                               description="e.g. “2 capsules” or “1 scoop (30 g)”")
    servings_per_container = IntegerField(
        "Servings per container", validators=[Optional(), NumberRange(min=1, max=MAX_SERVINGS)])
    rows = FieldList(FormField(NutritionRowForm), min_entries=1, max_entries=MAX_ROWS)


def nutrition_form_data(facts: dict[str, Any] | None) -> SimpleNamespace:
    """Stored facts as the form's object: each amount split into number and unit, then blank rows."""
    facts = facts or {}
    rows = []
    for row in facts.get("rows") or []:
        number, unit = split_amount(str(row.get("amount") or ""))
        rows.append(SimpleNamespace(nutrient=row.get("nutrient", ""), amount=number, unit=unit,
                                    daily_value=row.get("daily_value", "")))
    blank = SimpleNamespace(nutrient="", amount="", unit="", daily_value="")
    rows += [blank] * max(0, min(NUTRITION_BLANK_ROWS, MAX_ROWS - len(rows)))
    return SimpleNamespace(serving_size=facts.get("serving_size", ""),
                           servings_per_container=facts.get("servings_per_container"), rows=rows)


def nutrition_from_form(form: NutritionForm) -> dict[str, Any] | None:
    """The submitted editor as stored facts (blank rows dropped); the form has been validated."""
    return clean_nutrition({
        "serving_size": form.serving_size.data or "",
        "servings_per_container": form.servings_per_container.data,
        "rows": [
            {"nutrient": r.nutrient.data or "", "amount": f"{(r.amount.data or '').strip()} {(r.unit.data or '').strip()}",
             "daily_value": r.daily_value.data or ""}
            for r in form.rows
        ],
    })
