"""Orders: lines copied at purchase, an explicit status lifecycle, payments and the guest order page."""

from flask import Blueprint

bp = Blueprint("orders", __name__, url_prefix="/orders")

from storefront.orders import views  # noqa: E402, F401


def init_app(app) -> None:
    """Shipping rates, and how payment events change orders."""
    from storefront.orders import shipping
    from storefront.orders.payment_events import apply_payment_event
    from storefront.payments.events import set_event_handler

    shipping.configure(app)
    # Payments sits below orders: it hands each provider event to this handler instead of importing orders.
    set_event_handler(app, apply_payment_event)
