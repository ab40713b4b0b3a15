"""Holes punched in a stored page: the visitor's CSRF token and cart count.

One stored copy of a page serves every anonymous visitor; these two parts differ per visitor,
so the page is rendered with placeholders in their place and each response fills them in.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask, g, session

from storefront.state import larder_state

HOLE_PREFIX = "__larder_"  # holes are "__larder_<kind>_<secret>__"


def holes() -> tuple[str, str]:
    """Placeholders for the CSRF token and cart count, derived from SECRET_KEY: the same on
    every instance sharing Redis, and not guessable, so text a visitor can get onto a page
    (a search query) cannot make it print their token somewhere of the attacker's choosing."""
    return larder_state().page_holes


def fill_holes(body: str) -> str:
    from flask_wtf.csrf import generate_csrf

    csrf_hole, cart_hole = holes()
    return body.replace(csrf_hole, generate_csrf()).replace(
        cart_hole, str(session.get("cart_count", 0))
    )


def punching_holes() -> bool:
    """Whether the page being rendered is for the shared page cache (the decorator sets it)."""
    return bool(g.get("larder_punch_holes"))


def _cart_count_hole() -> dict:
    if punching_holes():
        return {"cart_count": holes()[1]}
    return {}


def init_holes(app: Flask) -> None:
    secret = hmac.new(
        str(app.config.get("SECRET_KEY") or "").encode(), b"larder page holes", hashlib.sha256
    ).hexdigest()[:24]
    larder_state(app).page_holes = (f"{HOLE_PREFIX}csrf_{secret}__", f"{HOLE_PREFIX}cart_{secret}__")
    app.context_processor(_cart_count_hole)
