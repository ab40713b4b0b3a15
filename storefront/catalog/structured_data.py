"""schema.org JSON-LD for product pages."""

from __future__ import annotations

from markupsafe import Markup

from storefront.catalog.availability import certificate_in_force
from storefront.catalog.models import Certification, Product
from storefront.catalog.nutrition import split_amount
from storefront.clock import today
from storefront.json_ld import to_script_json
from storefront.money import amount_for_schema
from storefront.site_urls import absolute_url_for
from storefront.templating import image_url


def product_json_ld(product: Product, extra: dict | None = None) -> Markup:
    """The Product's JSON-LD; `extra` adds properties other rooms give through the product-page
    hook (the reviews room's aggregateRating and review), so the catalog never imports them."""
    base, fodmap = product_json_ld_parts(product)
    return json_ld_script(base, extra, fodmap)


def product_json_ld_parts(product: Product) -> tuple[dict, dict]:
    """The product's own JSON-LD properties (JSON data), and its FODMAP ones for today: what
    the product page keeps with its HTML (storefront.catalog.product_page)."""
    from flask import current_app

    currency = current_app.config["STORE_CURRENCY"]
    page_url = absolute_url_for("catalog.product", slug=product.slug)
    offers = [
        {
            "@type": "Offer",
            "sku": v.sku,
            "name": v.option_label,
            "price": amount_for_schema(v.price, currency),
            "priceCurrency": currency,
            "availability": "https://schema.org/InStock" if v.stock > 0 else "https://schema.org/OutOfStock",
            "url": page_url,
        }
        for v in product.variants
    ]
    base = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.title,
        "description": product.summary,
        "brand": {"@type": "Brand", "name": product.brand},
        "sku": product.variants[0].sku if product.variants else None,
        "image": [image_url(i.path, external=True) for i in product.images],
        "offers": offers,
    }
    return base, fodmap_json_ld(product, today())


def json_ld_script(base: dict, extra: dict | None, fodmap: dict) -> Markup:
    """The script's JSON: the product's properties, then the other rooms', then FODMAP data."""
    data = {**base, **(extra or {}), **fodmap}
    return to_script_json({k: v for k, v in data.items() if v not in (None, [], "")})


# ---------------------------------------------------------------- FODMAP data: nutrition, certificates

# Nutrition rows (matched by name, case-insensitively) that schema.org's NutritionInformation has
# a property for; other nutrients (vitamins, minerals, enzymes) have none and stay on the page only.
NUTRIENT_PROPERTIES = {
    "calories": "calories", "energy": "calories",
    "total fat": "fatContent", "fat": "fatContent",
    "saturated fat": "saturatedFatContent",
    "trans fat": "transFatContent",
    "unsaturated fat": "unsaturatedFatContent",
    "cholesterol": "cholesterolContent",
    "sodium": "sodiumContent", "salt": None,
    "total carbohydrate": "carbohydrateContent", "carbohydrate": "carbohydrateContent",
    "carbohydrates": "carbohydrateContent",
    "total sugars": "sugarContent", "sugars": "sugarContent", "sugar": "sugarContent",
    "dietary fibre": "fiberContent", "dietary fiber": "fiberContent", "fibre": "fiberContent", "fiber": "fiberContent",
    "protein": "proteinContent",
}


def _energy(amount: str) -> str:
    """schema.org's Energy: a number and "calories" (kcal) or "kJ"."""
    number, unit = split_amount(amount)
    if unit.lower() in ("", "kcal", "cal", "calories", "calorie"):
        return f"{number} calories"
    return f"{number} {unit}"


def nutrition_json_ld(facts: dict | None) -> dict | None:
    """NutritionInformation from the structured nutrition facts; None when there are none."""
    if not isinstance(facts, dict) or not (facts.get("rows") or facts.get("serving_size")):
        return None
    info: dict = {"@type": "NutritionInformation"}
    if facts.get("serving_size"):
        info["servingSize"] = facts["serving_size"]
    for row in facts.get("rows") or []:
        prop = NUTRIENT_PROPERTIES.get(str(row.get("nutrient", "")).strip().lower())
        if prop and prop not in info and row.get("amount"):
            info[prop] = _energy(row["amount"]) if prop == "calories" else row["amount"]
    return info


def certification_json_ld(cert: Certification) -> dict:
    """schema.org Certification for one low-FODMAP certificate."""
    data = {
        "@type": "Certification",
        "name": f"{cert.body}: low FODMAP" if "fodmap" not in cert.body.lower() else cert.body,
        "certificationIdentification": cert.licence_number or None,
        "issuedBy": {"@type": "Organization", "name": cert.body},
        "validFrom": cert.valid_from.isoformat(),
        "expires": cert.valid_until.isoformat(),
        "url": cert.listing_url or cert.evidence_url or None,
        "description": f"Certified low FODMAP at {cert.serving_text}" if cert.serving_text else None,
    }
    return {k: v for k, v in data.items() if v is not None}


def fodmap_json_ld(product: Product, day) -> dict:
    """The Product's `nutrition` and `hasCertification` (certificates in force on `day`)."""
    certs = [certification_json_ld(c) for c in product.certifications if certificate_in_force(c, day)]
    return {"nutrition": nutrition_json_ld(product.nutrition), "hasCertification": certs}
