"""Slugs the staff pages make from names: transliterated, not stripped to ASCII letters."""

from __future__ import annotations

from sqlalchemy import select

from storefront.catalog.models import Collection, DietTag, Product
from storefront.extensions import db


def test_admin_product_from_an_accented_title_gets_a_transliterated_url(as_admin):
    data = {
        "title": "Crème Brûlée Café Mix", "slug": "", "brand": "", "summary": "", "description": "",
        "ingredients": "", "allergens": "", "status": "active", "seo_title": "", "seo_description": "",
        "sku": "CREME-1", "option_label": "", "price": "9.00", "compare_at_price": "", "stock": "3",
        "weight_grams": "250",
    }
    assert as_admin.post("/admin/products/new", data=data).status_code == 302
    assert db.session.scalar(select(Product.slug)) == "creme-brulee-cafe-mix"
    page = as_admin.get("/products/creme-brulee-cafe-mix")
    assert page.status_code == 200 and "Crème Brûlée Café Mix" in page.get_data(as_text=True)


def test_admin_tag_and_collection_in_cyrillic_get_transliterated_slugs(as_admin):
    assert as_admin.post("/admin/tags", data={"name": "Без глютена", "slug": ""}).status_code == 302
    assert db.session.scalar(select(DietTag.slug)) == "bez-gliutena"
    data = {"title": "Магний и сон", "slug": "", "description": "", "rule": "", "position": "0"}
    assert as_admin.post("/admin/collections/new", data=data).status_code == 302
    assert db.session.scalar(select(Collection.slug)) == "magnii-i-son"
