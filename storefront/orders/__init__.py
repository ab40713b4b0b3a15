"""Orders: lines copied at purchase, an explicit status lifecycle, payments and the guest order page."""

from flask import Blueprint

bp = Blueprint("orders", __name__, url_prefix="/orders")

from storefront.orders import views  # noqa: E402, F401


def init_app(app) -> None:
    """Shipping rates, and how payment events change orders."""
    from storefront.orders import shipping
    from storefront.orders.addresses import order_address_lines
    from storefront.orders.payment_events import apply_payment_event
    from storefront.payments.events import set_event_handler

    shipping.configure(app)
    # One address layout for the order pages, the confirmation email and the admin.
    app.jinja_env.globals["order_address_lines"] = order_address_lines
    # The cart (a room below orders) shows the cheapest delivery rate through its template.
    app.jinja_env.globals["cheapest_delivery"] = shipping.cheapest_method
    # Payments sits below orders: it hands each provider event to this handler instead of importing orders.
    set_event_handler(app, apply_payment_event)
