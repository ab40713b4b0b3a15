"""The request's cart: found by the signed cart cookie (guests) or by the logged-in account."""

from __future__ import annotations

from flask import current_app, request, session
from flask_login import current_user
from itsdangerous import BadData, URLSafeSerializer

from storefront.cart.models import Cart
from storefront.cart.services import claim_cart, create_cart, find_cart

COOKIE_NAME = "larder_cart"
COOKIE_MAX_AGE = 60 * 60 * 24 * 60  # a guest cart waits 60 days for its shopper


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="larder.cart")


def cookie_token() -> str | None:
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        token = _serializer().loads(raw)
    except BadData:
        return None
    return token if isinstance(token, str) else None


def _user_id() -> int | None:
    return current_user.id if current_user and current_user.is_authenticated else None


# Per-request state lives on request.environ, not on g: an app context can outlive a request.
CART_KEY = "larder.cart"
COOKIE_KEY = "larder.cart_cookie"


def current_cart(create: bool = False) -> Cart | None:
    """This visitor's cart; with create=True a new one is made (and its cookie set) when there is none."""
    state = request.environ
    if CART_KEY in state and (state[CART_KEY] is not None or not create):
        return state[CART_KEY]
    user_id = _user_id()
    cart = find_cart(user_id=user_id) if user_id else find_cart(token=cookie_token())
    if cart is None and create:
        cart = create_cart(user_id=user_id)
        if user_id is None:
            state[COOKIE_KEY] = cart.token
    state[CART_KEY] = cart
    return cart


def remember_count(cart: Cart | None, quantity: int | None = None) -> None:
    """Keep the header's cart count in the session, so pages show it without a query
    (`quantity`: the count, when the caller has it already)."""
    if quantity is None:
        quantity = cart.quantity if cart is not None else 0
    session["cart_count"] = quantity


def claim_guest_cart(user) -> None:
    """On log-in, the guest cart from the cookie joins the account's cart."""
    cart = claim_cart(find_cart(token=cookie_token()), user.id)
    request.environ[CART_KEY] = cart
    request.environ[COOKIE_KEY] = ""  # the account finds its cart now; the guest cookie is spent
    remember_count(cart)


def forget_cart() -> None:
    """On log-out the next visitor on this browser starts with an empty cart."""
    request.environ[CART_KEY] = None
    request.environ[COOKIE_KEY] = ""
    session["cart_count"] = 0


def write_cart_cookie(response):
    token = request.environ.get(COOKIE_KEY)
    if token is None:
        return response
    if token == "":
        response.delete_cookie(COOKIE_NAME)
    else:
        response.set_cookie(
            COOKIE_NAME,
            _serializer().dumps(token),
            max_age=COOKIE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
    return response
