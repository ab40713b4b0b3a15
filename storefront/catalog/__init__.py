from flask import Blueprint

bp = Blueprint("catalog", __name__)

# collection_sort_keys: its triggers join create_all (as search's index does via views).
from storefront.catalog import collection_sort_keys, views  # noqa: E402, F401
