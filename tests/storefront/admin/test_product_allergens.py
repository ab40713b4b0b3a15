"""Allergens in the staff product form (declared or not, one checkbox per major allergen, a notes
line) and a certificate's structured serving and listing URL."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select

from storefront.audit import AuditEntry
from storefront.catalog.allergens import mask_of
from storefront.catalog.models import Certification, Product
from storefront.extensions import db
from tests.storefront.admin.test_product_nutrition import edit_form
from tests.storefront.admin.test_products import NEW_PRODUCT


def test_declaring_allergens_stores_the_bits_and_audits_them(as_admin, product):
    data = edit_form(product) | {"allergen_status": "declared", "contains": ["milk", "soy"],
                                 "allergens": "May contain: tree nuts."}
    response = as_admin.post(f"/admin/products/{product.id}", data=data)
    assert response.status_code == 302
    db.session.refresh(product)
    assert product.allergen_mask == mask_of(["milk", "soy"])
    assert product.allergens == "May contain: tree nuts."
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.object_type == "product"))
    assert entry.before["allergen_mask"] is None and entry.after["allergen_mask"] == product.allergen_mask
    history = as_admin.get(f"/admin/audit/product/{product.id}").get_data(as_text=True)
    assert "Milk, Soy" in history
    # The form shows them ticked again.
    html = as_admin.get(f"/admin/products/{product.id}").get_data(as_text=True)
    assert re.search(r'<input checked id="contains-\d+" name="contains" type="checkbox" value="milk">', html)
    assert not re.search(r'<input checked [^>]*value="gluten"', html)
    assert re.search(r'<input checked id="allergen_status-0" name="allergen_status" type="radio" value="declared">', html)
    # ...and the shop states them.
    page = client_page(as_admin, product.slug)
    assert "<dd data-allergens-contains>Milk, Soy</dd>" in page
    assert "Free from</dt>" in page and "Cereals containing gluten" in page.split("data-allergens-free-from>")[1].split("</dd>")[0]
    assert "<p data-allergens-note>May contain: tree nuts.</p>" in page


def client_page(client, slug):
    return client.get(f"/products/{slug}").get_data(as_text=True)


def test_declared_with_nothing_ticked_is_free_of_all_and_undeclared_is_null(as_admin, product):
    as_admin.post(f"/admin/products/{product.id}", data=edit_form(product) | {"allergen_status": "declared"})
    db.session.refresh(product)
    assert product.allergen_mask == 0
    assert "<dd data-allergens-free-from>All major allergens</dd>" in client_page(as_admin, product.slug)
    as_admin.post(f"/admin/products/{product.id}", data=edit_form(product) | {"allergen_status": "unknown"})
    db.session.refresh(product)
    assert product.allergen_mask is None
    assert "has not declared this product's allergens" in client_page(as_admin, product.slug)


def test_ticking_allergens_while_undeclared_is_a_form_error(as_admin, product):
    data = edit_form(product) | {"allergen_status": "unknown", "contains": ["milk"]}
    response = as_admin.post(f"/admin/products/{product.id}", data=data)
    assert response.status_code == 422
    assert "Choose “Declared” to record the allergens ticked." in response.get_data(as_text=True)
    db.session.refresh(product)
    assert product.allergen_mask is None


def test_unknown_allergen_in_the_form_is_refused_not_a_500(as_admin, product):
    data = edit_form(product) | {"allergen_status": "declared", "contains": ["moonbeams"]}
    response = as_admin.post(f"/admin/products/{product.id}", data=data)
    assert response.status_code == 422


def test_a_post_without_the_allergen_fields_keeps_them(as_admin, product):
    product.allergen_mask = mask_of(["fish"])
    db.session.commit()
    assert as_admin.post(f"/admin/products/{product.id}", data=edit_form(product)).status_code == 302
    db.session.refresh(product)
    assert product.allergen_mask == mask_of(["fish"])


def test_a_new_product_records_its_allergens(as_admin):
    data = NEW_PRODUCT | {"allergen_status": "declared", "contains": ["sesame"]}
    assert as_admin.post("/admin/products/new", data=data).status_code == 302
    assert db.session.scalar(select(Product.allergen_mask).where(Product.title == "Ginger Chews")) == mask_of(["sesame"])


CERT = {"cert-body": "Monash University Low FODMAP Certified", "cert-licence_number": "MON-77",
        "cert-valid_from": "2026-01-01", "cert-valid_until": "2030-01-01"}


def test_a_certificate_records_its_serving_as_data_and_the_listing_url(as_admin, product):
    data = CERT | {"cert-serving_quantity": "2", "cert-serving_unit": "capsules",
                   "cert-serving_metric_quantity": "1.2", "cert-serving_metric_unit": "g",
                   "cert-listing_url": "https://www.example.org/listing/mon-77"}
    response = as_admin.post(f"/admin/products/{product.id}/certifications", data=data)
    assert response.status_code == 302
    cert = db.session.scalar(select(Certification).where(Certification.licence_number == "MON-77"))
    assert (cert.serving_quantity, cert.serving_unit) == (Decimal("2"), "capsules")
    assert (cert.serving_metric_quantity, cert.serving_metric_unit) == (Decimal("1.2"), "g")
    assert cert.serving_size_tested == "2 capsules (1.2 g)"
    assert cert.listing_url == "https://www.example.org/listing/mon-77"
    html = as_admin.get(f"/admin/products/{product.id}").get_data(as_text=True)
    assert "<td>2 capsules (1.2 g)</td>" in html


def test_a_serving_amount_needs_its_unit_and_a_weight_needs_an_amount(as_admin, product):
    response = as_admin.post(f"/admin/products/{product.id}/certifications", data=CERT | {"cert-serving_quantity": "2"})
    assert response.status_code == 422
    assert "Say what the amount counts" in response.get_data(as_text=True)
    response = as_admin.post(f"/admin/products/{product.id}/certifications",
                             data=CERT | {"cert-serving_metric_quantity": "1.2"})
    assert response.status_code == 422
    assert "Enter the serving&#39;s amount first." in response.get_data(as_text=True) or \
        "Enter the serving's amount first." in response.get_data(as_text=True)
    response = as_admin.post(f"/admin/products/{product.id}/certifications",
                             data=CERT | {"cert-serving_quantity": "-1", "cert-serving_unit": "g"})
    assert response.status_code == 422
