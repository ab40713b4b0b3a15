from flask import Blueprint

bp = Blueprint("seo", __name__)

from storefront.seo import views  # noqa: E402, F401
