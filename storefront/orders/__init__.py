"""Orders: lines copied at purchase, an explicit status lifecycle, payments and the guest order page."""

from flask import Blueprint

bp = Blueprint("orders", __name__, url_prefix="/orders")

from storefront.orders import views  # noqa: E402, F401
