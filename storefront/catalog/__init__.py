from flask import Blueprint

bp = Blueprint("catalog", __name__)


def init_app(app) -> None:
    """Register the catalog's tables with the page cache, its template helpers and how the audit
    log reads its nutrition facts."""
    from storefront import audit
    from storefront.catalog.allergens import ALLERGENS, allergens_in, describe_mask, free_from
    from storefront.catalog.card_html import init_tiles
    from storefront.catalog.certificate_days import init_certificate_days
    from storefront.catalog.images import sized_path
    from storefront.catalog.nutrition import describe_nutrition
    from storefront.catalog.price_range import init_price_range
    from storefront.catalog.responsive import GALLERY_SIZES, image_srcset
    from storefront.catalog.versioned import register_catalog_tables

    register_catalog_tables(app)
    init_price_range(app)
    init_tiles(app)
    init_certificate_days(app)
    app.jinja_env.globals["image_srcset"] = image_srcset
    app.jinja_env.globals["gallery_sizes"] = GALLERY_SIZES
    app.jinja_env.filters["sized_path"] = sized_path
    audit.register_field_format("nutrition", describe_nutrition)
    app.jinja_env.filters["allergens_contained"] = allergens_in
    app.jinja_env.filters["allergens_free_from"] = free_from
    app.jinja_env.globals["allergen_count"] = len(ALLERGENS)
    audit.register_field_format("allergen_mask", describe_mask)


# certificate_window, collection_sort_keys, diet_tag_bits and price_from: their triggers join create_all (as search's index does via views).
from storefront.catalog import (  # noqa: E402, F401
    certificate_window,
    collection_sort_keys,
    diet_tag_bits,
    price_from,
    views,
)
