"""Nutrition facts in the staff product form: a structured editor (serving size, rows of nutrient,
amount, unit and % daily value), validated, without JavaScript, and audited."""

from __future__ import annotations

import re

from sqlalchemy import select

from storefront.audit import AuditEntry
from storefront.catalog.models import Product
from storefront.extensions import db
from tests.storefront.admin.test_products import NEW_PRODUCT

FACTS = {"serving_size": "2 capsules", "servings_per_container": 30,
         "rows": [{"nutrient": "Magnesium", "amount": "200 mg", "daily_value": "48%"},
                  {"nutrient": "Calories", "amount": "5", "daily_value": ""}]}


def edit_form(product: Product, **nutrition) -> dict:
    data = {name: getattr(product, name) or "" for name in (
        "title", "slug", "brand", "summary", "description", "ingredients", "allergens", "status",
        "seo_title", "seo_description")}
    data.update({f"nutrition_facts-{key}": value for key, value in nutrition.items()})
    return data


def row(n: int, nutrient="", amount="", unit="", dv="") -> dict:
    return {f"rows-{n}-nutrient": nutrient, f"rows-{n}-amount": amount, f"rows-{n}-unit": unit,
            f"rows-{n}-daily_value": dv}


def test_the_editor_shows_the_stored_facts_split_into_fields_and_blank_rows(as_admin, product):
    product.nutrition = FACTS
    db.session.commit()
    html = as_admin.get(f"/admin/products/{product.id}").get_data(as_text=True)
    assert 'name="nutrition_facts-serving_size" type="text" value="2 capsules"' in html
    assert re.search(r'name="nutrition_facts-rows-0-amount"[^>]*value="200"', html)
    assert re.search(r'name="nutrition_facts-rows-0-unit"[^>]*value="mg"', html)
    assert re.search(r'name="nutrition_facts-rows-1-amount"[^>]*value="5"', html)
    # Three blank rows after the two filled ones: more nutrients need no JavaScript.
    assert 'name="nutrition_facts-rows-4-nutrient"' in html and 'name="nutrition_facts-rows-5-nutrient"' not in html
    assert '<label for="nutrition_facts-rows-0-nutrient">Nutrient' in html


def test_saving_the_editor_stores_the_facts_and_audits_the_change(as_admin, product):
    data = edit_form(product, serving_size="1 scoop (30 g)", servings_per_container="15",
                     **row(0, "Protein", "25", "g", "50"), **row(1, "Iron", "1.5", "mg", "8%"), **row(2))
    response = as_admin.post(f"/admin/products/{product.id}", data=data)
    assert response.status_code == 302
    db.session.refresh(product)
    assert product.nutrition == {"serving_size": "1 scoop (30 g)", "servings_per_container": 15, "rows": [
        {"nutrient": "Protein", "amount": "25 g", "daily_value": "50%"},
        {"nutrient": "Iron", "amount": "1.5 mg", "daily_value": "8%"}]}
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "product"))
    assert entry.before == {"nutrition": None} and entry.after["nutrition"] == product.nutrition
    assert entry.actor_email == "admin@example.com"
    history = as_admin.get(f"/admin/audit/product/{product.id}").get_data(as_text=True)
    assert "1 scoop (30 g) (15 per container): Protein 25 g (50%); Iron 1.5 mg (8%)" in history
    # The shop shows it as its nutrition table.
    page = as_admin.get(f"/products/{product.slug}").get_data(as_text=True)
    assert "Per serving: 1 scoop (30 g)" in page and "1.5 mg" in page


def test_emptying_every_row_removes_the_facts(as_admin, product):
    product.nutrition = FACTS
    db.session.commit()
    assert as_admin.post(f"/admin/products/{product.id}", data=edit_form(product, **row(0))).status_code == 302
    db.session.refresh(product)
    assert product.nutrition is None


def test_bad_nutrition_is_refused_with_messages_and_nothing_changes(as_admin, product):
    product.nutrition = FACTS
    db.session.commit()
    data = edit_form(product, serving_size="x" * 81, servings_per_container="0",
                     **row(0, "Protein", "lots", "g"), **row(1, "", "12", "mg"), **row(2, "Iron", "", "mg"),
                     **row(3, "Zinc", "1.23456", "mg"), **row(4, "Fat", "3", "g", "plenty"),
                     **row(5, "N" * 61, "1", "g"))
    response = as_admin.post(f"/admin/products/{product.id}", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for message in ("The amount must be a number such as 200 or 1.5.", "Name the nutrient this amount is for.",
                    "Enter the amount of this nutrient.", "The amount may have at most three decimals.",
                    "The daily value must be a percentage", "Field cannot be longer than 60 characters.",
                    "Field cannot be longer than 80 characters.", "Number must be between 1 and 100000."):
        assert message in html, message
    assert 'aria-invalid="true"' in html
    db.session.refresh(product)
    assert product.nutrition == FACTS
    assert db.session.scalar(select(AuditEntry.id)) is None


def test_a_new_product_can_have_nutrition(as_admin):
    data = {**NEW_PRODUCT, "nutrition_facts-serving_size": "1 bar (50 g)",
            **{f"nutrition_facts-{k}": v for k, v in row(0, "Calories", "220").items()}}
    assert as_admin.post("/admin/products/new", data=data).status_code == 302
    product = db.session.scalar(select(Product).where(Product.slug == "ginger-chews"))
    assert product.nutrition == {"serving_size": "1 bar (50 g)",
                                 "rows": [{"nutrient": "Calories", "amount": "220", "daily_value": ""}]}


def test_a_post_without_the_nutrition_fields_keeps_the_facts(as_admin, product):
    product.nutrition = FACTS
    db.session.commit()
    assert as_admin.post(f"/admin/products/{product.id}", data=edit_form(product)).status_code == 302
    db.session.refresh(product)
    assert product.nutrition == FACTS
