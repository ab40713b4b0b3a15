"""Nutrition facts: one validated shape for the form, the product page and the CSV, where they
travel as one JSON cell and come back unchanged."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import delete, select

from storefront.catalog.csv_io import (
    NUTRITION,
    CsvImportError,
    export_products_csv,
    import_products_csv,
)
from storefront.catalog.models import DietTag, Product
from storefront.catalog.nutrition import (
    NutritionError,
    clean_nutrition,
    nutrition_from_csv,
    split_amount,
)
from storefront.extensions import db
from tests.factories import make_product

SITE = "https://larder.example"
FACTS = {"serving_size": "1 softgel", "servings_per_container": 90,
         "rows": [{"nutrient": "Vitamin D", "amount": "50 mcg (2000 IU)", "daily_value": "250%"},
                  {"nutrient": "Calories", "amount": "5", "daily_value": ""},
                  {"nutrient": "EPA", "amount": "360 mg", "daily_value": "†"},
                  {"nutrient": "Fibre — soluble", "amount": "1.5 g", "daily_value": "5%"}]}


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_export_then_import_gives_the_same_nutrition(app):
    make_product("vitamin-d", title="Vitamin D")
    product = db.session.scalar(select(Product))
    product.nutrition = FACTS
    make_product("plain-rice")  # no nutrition: an empty cell
    db.session.commit()
    exported = export_products_csv("USD", SITE)
    assert [r[NUTRITION] != "" for r in _rows(exported)] == [True, False]

    db.session.execute(delete(Product))
    db.session.execute(delete(DietTag))
    db.session.commit()
    import_products_csv(exported.encode(), "USD", SITE)
    by_slug = {p.slug: p.nutrition for p in db.session.scalars(select(Product))}
    assert by_slug == {"vitamin-d": FACTS, "plain-rice": None}
    assert export_products_csv("USD", SITE) == exported


def test_an_import_changes_nutrition_and_the_audit_log_says_so(app):
    from storefront.audit import AuditEntry

    product = make_product("vitamin-d")
    product.nutrition = FACTS
    db.session.commit()
    exported = export_products_csv("USD", SITE).replace("250%", "300%")
    import_products_csv(exported.encode(), "USD", SITE)
    db.session.refresh(product)
    assert product.nutrition["rows"][0]["daily_value"] == "300%"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "product"))
    assert entry.note == "CSV import"
    assert entry.before["nutrition"]["rows"][0]["daily_value"] == "250%"


def test_a_file_without_the_column_keeps_the_nutrition(app):
    product = make_product("vitamin-d")
    product.nutrition = FACTS
    db.session.commit()
    rows = _rows(export_products_csv("USD", SITE))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[c for c in rows[0] if c != NUTRITION], extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    import_products_csv(out.getvalue().encode(), "USD", SITE)
    db.session.refresh(product)
    assert product.nutrition == FACTS


@pytest.mark.parametrize(("cell", "message"), [
    ("{not json", "Nutrition: is not valid JSON"),
    ('["a list"]', "Nutrition: nutrition must be an object"),
    ('{"rows": [{"nutrient": "Iron", "amount": "lots"}]}', "Nutrition: row 1 (Iron): the amount needs an amount"),
    ('{"rows": [{"nutrient": "Iron", "amount": "2 mg", "daily_value": "high"}]}', "the daily value must be a percentage"),
    ('{"servings_per_container": "many"}', "servings per container must be a whole number"),
])
def test_unusable_nutrition_in_a_file_is_refused_with_its_row(app, cell, message):
    make_product("vitamin-d")
    rows = _rows(export_products_csv("USD", SITE))
    rows[0][NUTRITION] = cell
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    with pytest.raises(CsvImportError) as refused:
        import_products_csv(out.getvalue().encode(), "USD", SITE)
    assert any(e.row == 2 and message in e.message for e in refused.value.errors), refused.value.errors


def test_clean_nutrition_normalises_and_bounds():
    facts = clean_nutrition({"serving_size": " 2 g ", "servings_per_container": "10",
                             "rows": [{"nutrient": " Iron ", "amount": "2mg", "daily_value": "11"}, {}]})
    assert facts == {"serving_size": "2 g", "servings_per_container": 10,
                     "rows": [{"nutrient": "Iron", "amount": "2 mg", "daily_value": "11%"}]}
    assert clean_nutrition({"rows": []}) is None and nutrition_from_csv("  ") is None
    with pytest.raises(NutritionError):
        clean_nutrition({"rows": [{"nutrient": "x", "amount": "1 g"}] * 31})
    with pytest.raises(NutritionError):
        clean_nutrition({"rows": [{"nutrient": "x", "amount": "1 " + "g" * 31}]})
    assert split_amount("50 mcg (2000 IU)") == ("50", "mcg (2000 IU)")


def test_demo_nutrition_is_valid_as_it_stands():
    """Every demo product's facts pass the same rules (so the editor can open and save them)."""
    import json
    from pathlib import Path

    data = json.loads((Path(__file__).parents[3] / "storefront/demo/catalog.json").read_text())
    products = data if isinstance(data, list) else data["products"]
    for item in products:
        if item.get("nutrition"):
            assert clean_nutrition(item["nutrition"]) == item["nutrition"], item["slug"]
