"""schema.org JSON-LD for product pages."""

from __future__ import annotations

from markupsafe import Markup

from storefront.catalog.models import Product
from storefront.json_ld import to_script_json
from storefront.money import amount_for_schema
from storefront.site_urls import absolute_url_for
from storefront.templating import image_url


def product_json_ld(product: Product, extra: dict | None = None) -> Markup:
    """The Product's JSON-LD; `extra` adds properties other rooms give through the product-page
    hook (the reviews room's aggregateRating and review), so the catalog never imports them."""
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
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.title,
        "description": product.summary,
        "brand": {"@type": "Brand", "name": product.brand},
        "sku": product.variants[0].sku if product.variants else None,
        "image": [image_url(i.path, external=True) for i in product.images],
        "offers": offers,
    }
    data.update(extra or {})
    return to_script_json({k: v for k, v in data.items() if v not in (None, [], "")})
