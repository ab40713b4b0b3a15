"""Orders: lines copied at purchase, an explicit status lifecycle, payments and the guest order page."""

from flask import Blueprint

bp = Blueprint("orders", __name__, url_prefix="/orders")

from storefront.orders import views  # noqa: E402, F401


def _seed_demo_activity(echo):
    from storefront.orders.seeding import seed_demo_activity

    return seed_demo_activity(echo)


def init_app(app) -> None:
    """Demo orders and article traffic for `flask larder seed-demo`, after the articles they refer to."""
    from storefront.hooks import register_seed_step

    register_seed_step(app, "Demo orders", _seed_demo_activity, late=True)
