"""The cart: a database row per shopper, found by a signed cookie or by the account."""

from flask import Blueprint

bp = Blueprint("cart", __name__, url_prefix="/cart")


def init_app(app) -> None:
    from flask_login import user_logged_in, user_logged_out

    from storefront.cart.current import claim_guest_cart, forget_cart, write_cart_cookie
    from storefront.cart.notices import init_notices

    app.after_request(write_cart_cookie)
    init_notices(app)
    user_logged_in.connect(lambda sender, user, **_: claim_guest_cart(user), app, weak=False)
    user_logged_out.connect(lambda sender, user, **_: forget_cart(), app, weak=False)


from storefront.cart import views  # noqa: E402, F401
