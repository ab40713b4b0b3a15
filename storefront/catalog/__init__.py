from flask import Blueprint

bp = Blueprint("catalog", __name__)


def init_app(app) -> None:
    """Register the catalog's tables with the page cache."""
    from storefront.catalog.versioned import register_catalog_tables

    register_catalog_tables(app)


# collection_sort_keys and price_from: their triggers join create_all (as search's index does via views).
from storefront.catalog import collection_sort_keys, price_from, views  # noqa: E402, F401
