"""Staff product pages: create, edit, variants, stock with its history, archive or delete."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storefront.audit import AuditEntry
from storefront.catalog.models import Product, Variant
from storefront.extensions import db
from tests.factories import make_product, make_tag

NEW_PRODUCT = {
    "title": "Ginger Chews",
    "slug": "",
    "brand": "Larder Labs",
    "summary": "Chewy ginger sweets.",
    "description": "Spicy **ginger**.",
    "ingredients": "Ginger, cane sugar.",
    "allergens": "None",
    "status": "active",
    "seo_title": "",
    "seo_description": "",
    "sku": "GINGER-100",
    "option_label": "100 g",
    "price": "4.50",
    "compare_at_price": "",
    "stock": "12",
    "weight_grams": "100",
}


def test_admin_creates_a_product_with_its_first_variant(as_admin):
    tag = make_tag("vegan")
    response = as_admin.post("/admin/products/new", data={**NEW_PRODUCT, "tags": [str(tag.id)]})
    assert response.status_code == 302
    product = db.session.scalar(select(Product).where(Product.slug == "ginger-chews"))
    assert product.title == "Ginger Chews"
    assert [(v.sku, v.price, v.stock) for v in product.variants] == [("GINGER-100", 450, 12)]
    assert [t.slug for t in product.diet_tags] == ["vegan"]
    assert product.price_from == 450


def test_new_product_with_a_negative_price_is_refused_with_a_message(as_admin):
    response = as_admin.post("/admin/products/new", data={**NEW_PRODUCT, "price": "-1"})
    assert response.status_code == 422
    assert "cannot be negative" in response.get_data(as_text=True)
    assert db.session.scalar(select(Product.id)) is None


def test_duplicate_sku_is_refused_with_a_message(as_admin, product):
    data = {**NEW_PRODUCT, "sku": product.variants[0].sku}
    response = as_admin.post("/admin/products/new", data=data)
    assert response.status_code == 422
    assert "already used" in response.get_data(as_text=True)


def test_edit_page_shows_variants_images_and_certifications(as_admin, product):
    page = as_admin.get(f"/admin/products/{product.id}").get_data(as_text=True)
    assert product.variants[1].sku in page
    assert "Upload image" in page
    assert "(in force)" in page
    assert "[[product:magnesium-glycinate]]" in page


def test_admin_edits_a_product(as_admin, product):
    data = {**NEW_PRODUCT, "title": "Magnesium Glycinate 200", "slug": product.slug, "status": "draft"}
    assert as_admin.post(f"/admin/products/{product.id}", data=data).status_code == 302
    db.session.refresh(product)
    assert (product.title, product.status) == ("Magnesium Glycinate 200", "draft")


def test_admin_adds_a_variant(as_admin, product):
    data = {"newvariant-sku": "MAG-240", "newvariant-option_label": "240 capsules",
            "newvariant-price": "49.00", "newvariant-stock": "3", "newvariant-weight_grams": "0"}
    assert as_admin.post(f"/admin/products/{product.id}/variants", data=data).status_code == 302
    db.session.refresh(product)
    assert [v.sku for v in product.variants][-1] == "MAG-240"


def test_stock_adjustment_is_recorded_with_who_when_and_why(as_admin, admin_user, product):
    variant = product.variants[0]
    url = f"/admin/products/{product.id}/variants/{variant.id}/stock"
    assert as_admin.post(url, data={"stock-delta": "-4", "stock-reason": "Damaged in storage"}).status_code == 302
    db.session.refresh(variant)
    assert variant.stock == 16
    record = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "stock.adjust"))
    assert (record.before, record.after, record.note, record.actor_email) == (
        {"stock": 20}, {"stock": 16}, "Damaged in storage", admin_user.email)
    assert record.at is not None
    page = as_admin.get(f"/admin/products/{product.id}/variants/{variant.id}").get_data(as_text=True)
    assert "Damaged in storage" in page


def test_stock_cannot_go_below_zero(as_admin, product):
    variant = product.variants[1]  # 5 in stock
    url = f"/admin/products/{product.id}/variants/{variant.id}/stock"
    response = as_admin.post(url, data={"stock-delta": "-6", "stock-reason": "Count"})
    assert response.status_code == 422
    assert "cannot go below zero" in response.get_data(as_text=True)
    db.session.refresh(variant)
    assert variant.stock == 5
    assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.action == "stock.adjust")) is None


def test_stock_change_needs_a_reason(as_admin, product):
    variant = product.variants[0]
    response = as_admin.post(f"/admin/products/{product.id}/variants/{variant.id}/stock",
                             data={"stock-delta": "5", "stock-reason": ""})
    assert response.status_code == 422
    assert "Say why" in response.get_data(as_text=True)


def test_a_products_last_variant_cannot_be_deleted(as_admin):
    product = make_product("solo")
    variant = product.variants[0]
    as_admin.post(f"/admin/products/{product.id}/variants/{variant.id}/delete")
    assert db.session.get(Variant, variant.id) is not None


def test_unreferenced_product_is_deleted(as_admin):
    product = make_product("lonely")
    response = as_admin.post(f"/admin/products/{product.id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Product, product.id) is None


def test_product_linked_from_an_article_is_archived_not_deleted(as_admin, product):
    from blog.services import ArticleDraft, save_article

    save_article(None, ArticleDraft(source="Try it:\n\n[[product:magnesium-glycinate]]\n", title="Magnesium"))
    response = as_admin.post(f"/admin/products/{product.id}/delete", follow_redirects=True)
    assert "archived instead of deleted" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Product, product.id).status == "archived"


def test_variant_of_another_product_is_not_found(as_admin, product):
    other = make_product("other")
    response = as_admin.get(f"/admin/products/{product.id}/variants/{other.variants[0].id}")
    assert response.status_code == 404


def test_list_searches_by_title_and_exact_sku(as_admin, product):
    make_product("rice-crackers", title="Rice Crackers")
    page = as_admin.get("/admin/products?q=magnesium").get_data(as_text=True)
    assert "Magnesium Glycinate" in page and "Rice Crackers" not in page
    page = as_admin.get(f"/admin/products?q={product.variants[0].sku}").get_data(as_text=True)
    assert "Magnesium Glycinate" in page and "Rice Crackers" not in page


def test_list_filters_by_status_and_stock(as_admin):
    make_product("draft-one", title="Draft One", status="draft")
    make_product("sold-out", title="Sold Out Thing", stock=0)
    make_product("plenty", title="Plenty Thing", stock=50)
    page = as_admin.get("/admin/products?status=draft").get_data(as_text=True)
    assert "Draft One" in page and "Plenty Thing" not in page
    page = as_admin.get("/admin/products?stock=out").get_data(as_text=True)
    assert "Sold Out Thing" in page and "Plenty Thing" not in page


def test_list_sorts_by_price(as_admin):
    make_product("cheap", title="Cheap Thing", price=100)
    make_product("dear", title="Dear Thing", price=9900)
    page = as_admin.get("/admin/products?sort=price-desc").get_data(as_text=True)
    assert page.index("Dear Thing") < page.index("Cheap Thing")


def test_list_query_count_does_not_grow_with_products(as_admin, count_queries):
    for i in range(3):
        make_product(f"few-{i}")
    with count_queries() as few:
        as_admin.get("/admin/products")
    for i in range(40):
        make_product(f"many-{i}", commit=False)
    db.session.commit()
    with count_queries() as many:
        as_admin.get("/admin/products")
    assert many.count == few.count


def test_list_survives_hostile_query_arguments(as_admin):
    response = as_admin.get("/admin/products?page=abc&sort=drop&status=x&stock=y&q=%22%27*")
    assert response.status_code == 200


def test_diet_tags_and_collections_are_managed(as_admin):
    assert as_admin.post("/admin/tags", data={"name": "Low sugar", "slug": ""}).status_code == 302
    assert "Low sugar" in as_admin.get("/admin/tags").get_data(as_text=True)
    data = {"title": "Gut Health", "slug": "", "description": "", "rule": "tag:low-sugar", "position": "1"}
    assert as_admin.post("/admin/collections/new", data=data).status_code == 302
    bad = as_admin.post("/admin/collections/new", data={**data, "title": "Odd", "rule": "whatever"})
    assert bad.status_code == 422
    assert "A rule is" in bad.get_data(as_text=True)


def test_site_settings_change_the_banner(as_admin, client):
    data = {"banner_enabled": "y", "banner_text": "Free shipping this week", "banner_link": "/products",
            "tagline": "Tasty", "review_max_age_days": "180"}
    assert as_admin.post("/admin/settings", data=data).status_code == 302
    assert "Free shipping this week" in client.get("/").get_data(as_text=True)


def test_site_settings_refuse_a_javascript_link(as_admin):
    data = {"banner_enabled": "y", "banner_text": "x", "banner_link": "javascript:alert(1)",
            "tagline": "", "review_max_age_days": "180"}
    assert as_admin.post("/admin/settings", data=data).status_code == 422


def test_product_that_was_ordered_is_archived_not_deleted(as_admin):
    from tests.factories import make_paid_order

    product = make_product("ordered")
    make_paid_order([(product.variants[0], 1)])
    as_admin.post(f"/admin/products/{product.id}/delete")
    db.session.expire_all()
    assert db.session.get(Product, product.id).status == "archived"


def test_emptying_the_slug_keeps_the_current_one(as_admin, product):
    data = {**NEW_PRODUCT, "title": "Renamed", "slug": ""}
    assert as_admin.post(f"/admin/products/{product.id}", data=data).status_code == 302
    db.session.refresh(product)
    assert (product.title, product.slug) == ("Renamed", "magnesium-glycinate")


def test_variant_in_an_order_cannot_be_deleted(as_admin, product):
    from tests.factories import make_paid_order

    variant = product.variants[1]
    make_paid_order([(variant, 1)])
    page = as_admin.post(f"/admin/products/{product.id}/variants/{variant.id}/delete",
                         follow_redirects=True).get_data(as_text=True)
    assert "Orders refer to" in page
    assert db.session.get(Variant, variant.id) is not None


def test_diet_tag_is_renamed(as_admin):
    tag = make_tag("vegan", "Vegan")
    assert as_admin.post(f"/admin/tags/{tag.id}", data={"name": "Plant-based", "slug": "vegan"}).status_code == 302
    db.session.refresh(tag)
    assert (tag.name, tag.slug) == ("Plant-based", "vegan")
    clash = make_tag("keto")
    response = as_admin.post(f"/admin/tags/{clash.id}", data={"name": "Keto", "slug": "vegan"})
    assert response.status_code == 422 and "exists already" in response.get_data(as_text=True)


def test_a_63rd_diet_tag_is_a_form_error_naming_the_limit(as_admin):
    for n in range(62):
        make_tag(f"tag-{n}")
    db.session.commit()
    response = as_admin.post("/admin/tags", data={"name": "One too many", "slug": ""})
    assert response.status_code == 422
    assert "62 diet tags, the most it can filter by" in response.get_data(as_text=True)
    assert "one-too-many" not in as_admin.get("/admin/tags").get_data(as_text=True)


def test_a_page_past_the_end_still_counts_the_products(as_admin, product):
    page = as_admin.get("/admin/products?page=50").get_data(as_text=True)
    assert "1 product" in page and "No products match" in page


@pytest.mark.parametrize("field", ["price", "compare_at_price"])
@pytest.mark.parametrize("value", ["1e30", "Infinity", "sNaN"])
def test_variant_price_that_is_not_an_amount_is_a_form_error(as_admin, product, field, value):
    variant = product.variants[0]
    data = {"variant-sku": variant.sku, "variant-option_label": "60 capsules", "variant-price": "18.99",
            "variant-weight_grams": "0", f"variant-{field}": value}
    response = as_admin.post(f"/admin/products/{product.id}/variants/{variant.id}", data=data)
    assert response.status_code == 422
    assert "Enter an amount like" in response.get_data(as_text=True)
    db.session.refresh(variant)
    assert variant.price == 1899
