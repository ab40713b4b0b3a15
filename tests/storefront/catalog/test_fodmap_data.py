"""FODMAP data as data: the certified serving, servings per pack and the certificate on the
product page, and `nutrition` / `hasCertification` in its JSON-LD as a crawler reads them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import extruct
import pytest

from storefront.catalog.allergens import mask_of
from storefront.catalog.servings import Serving, parse_serving
from storefront.clock import today
from storefront.extensions import db
from tests.factories import make_certification, make_product

FACTS = {"serving_size": "2 capsules", "servings_per_container": 30, "rows": [
    {"nutrient": "Calories", "amount": "5", "daily_value": ""},
    {"nutrient": "Total Fat", "amount": "0.5 g", "daily_value": "1%"},
    {"nutrient": "Protein", "amount": "1 g", "daily_value": ""},
    {"nutrient": "Total Carbohydrate", "amount": "0.2 g", "daily_value": "<1%"},
    {"nutrient": "Sodium", "amount": "10 mg", "daily_value": ""},
    {"nutrient": "Magnesium", "amount": "200 mg", "daily_value": "48%"},
]}


@pytest.fixture
def certified(app):
    product = make_product("magnesium", title="Magnesium Glycinate", commit=False)
    product.nutrition = FACTS
    product.allergen_mask = mask_of(["soy"])
    cert = make_certification()
    cert.licence_number = "MON-2025-0412"
    cert.listing_url = "https://www.example.org/certified/mon-2025-0412"
    cert.evidence_url = "https://www.example.org/certificates/mon-2025-0412.pdf"
    for name, value in Serving(Decimal("2"), "capsules", Decimal("1.2"), "g").fields().items():
        setattr(cert, name, value)
    product.certifications = [cert]
    db.session.commit()
    return product


def test_the_product_page_states_the_certified_serving_servings_and_certificate(client, certified):
    html = client.get("/products/magnesium").get_data(as_text=True)
    assert ("<p class=\"certified-serving\" data-certified-serving>Certified low FODMAP at 2 capsules (1.2 g); "
            "30 servings per pack; certificate #MON-2025-0412.</p>") in html
    assert '<a href="https://www.example.org/certified/mon-2025-0412" rel="nofollow noopener">' in html
    assert "<dd data-allergens-contains>Soy</dd>" in html


def _json_ld_product(html: str, url: str) -> dict:
    data = extruct.extract(html, base_url=url, syntaxes=["json-ld"], uniform=True)["json-ld"]
    (product,) = [item for item in data if item.get("@type") == "Product"]
    return product


def test_extruct_reads_nutrition_and_has_certification(client, certified):
    url = "http://localhost/products/magnesium"
    product = _json_ld_product(client.get("/products/magnesium").get_data(as_text=True), url)
    assert product["nutrition"] == {
        "@type": "NutritionInformation",
        "servingSize": "2 capsules",
        "calories": "5 calories",
        "fatContent": "0.5 g",
        "proteinContent": "1 g",
        "carbohydrateContent": "0.2 g",
        "sodiumContent": "10 mg",
    }
    (cert,) = product["hasCertification"]
    cert_obj = certified.certifications[0]
    assert cert == {
        "@type": "Certification",
        "name": "Monash University Low FODMAP Certified",
        "certificationIdentification": "MON-2025-0412",
        "issuedBy": {"@type": "Organization", "name": "Monash University Low FODMAP Certified"},
        "validFrom": cert_obj.valid_from.isoformat(),
        "expires": cert_obj.valid_until.isoformat(),
        "url": "https://www.example.org/certified/mon-2025-0412",
        "description": "Certified low FODMAP at 2 capsules (1.2 g)",
    }


def test_a_lapsed_certificate_and_missing_nutrition_are_left_out(client, app):
    product = make_product("lapsed", commit=False)
    product.certifications = [make_certification(valid_from=today() - timedelta(days=400),
                                                 valid_until=today() - timedelta(days=1))]
    db.session.commit()
    data = _json_ld_product(client.get("/products/lapsed").get_data(as_text=True), "http://localhost/products/lapsed")
    assert "hasCertification" not in data and "nutrition" not in data
    assert data["offers"]  # the rest is intact


@pytest.mark.parametrize("text,serving", [
    ("2 capsules (1.1 g)", Serving(Decimal("2"), "capsules", Decimal("1.1"), "g")),
    ("30 g", Serving(Decimal("30"), "g")),
    ("1/2 cup (125 g)", Serving(Decimal("0.500"), "cup", Decimal("125"), "g")),
    ("1 tbsp (15 ml)", Serving(Decimal("1"), "tbsp", Decimal("15"), "ml")),
])
def test_serving_text_is_read_as_data(text, serving):
    assert parse_serving(text) == serving
    assert parse_serving(text).text() == text.replace("1/2", "0.5")


@pytest.mark.parametrize("text", ["two capsules", "1/0 cup", "0 g", "2 capsules (1.1 oz)"])
def test_unreadable_serving_text_says_so(text):
    with pytest.raises(ValueError):
        parse_serving(text)
