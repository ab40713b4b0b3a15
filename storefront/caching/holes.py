"""Holes punched in a stored page: the visitor's CSRF token, cart count and account links.

One stored copy of a page serves every visitor, signed in or not; these three parts differ per
visitor, so the page is rendered with placeholders in their place and each response fills them in.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Flask, current_app, g, session

from storefront.state import larder_state

HOLE_PREFIX = "__larder_"  # holes are "__larder_<kind>_<secret>__"
ACCOUNT_LINKS = "_account_links.html"


def holes() -> tuple[str, str, str]:
    """Placeholders for the CSRF token, cart count and account links, derived from SECRET_KEY:
    the same on every instance sharing Redis, and not guessable, so text a visitor can get onto
    a page (a search query) cannot make it print their token somewhere of the attacker's choosing."""
    return larder_state().page_holes


def fill_holes(body: str) -> str:
    from flask_wtf.csrf import generate_csrf

    csrf_hole, cart_hole, account_hole = holes()
    body = body.replace(csrf_hole, generate_csrf()).replace(cart_hole, str(session.get("cart_count", 0)))
    if account_hole in body:
        body = body.replace(account_hole, _account_links())
    return body


def _account_links() -> str:
    """The header's account links for this visitor. Rendered on every stored page served, so
    with what they read only (a full render_template would run every context processor)."""
    from flask_login import current_user

    template = current_app.jinja_env.get_template(ACCOUNT_LINKS)
    return template.render(current_user=current_user, url_map_endpoints=current_app.view_functions)


def punching_holes() -> bool:
    """Whether the page being rendered is for the shared page cache (the decorator sets it)."""
    return bool(g.get("larder_punch_holes"))


def _visitor_holes() -> dict:
    if punching_holes():
        _, cart_hole, account_hole = holes()
        return {"cart_count": cart_hole, "account_links_hole": account_hole}
    return {}


def init_holes(app: Flask) -> None:
    secret = hmac.new(
        str(app.config.get("SECRET_KEY") or "").encode(), b"larder page holes", hashlib.sha256
    ).hexdigest()[:24]
    larder_state(app).page_holes = tuple(f"{HOLE_PREFIX}{kind}_{secret}__" for kind in ("csrf", "cart", "account"))
    app.context_processor(_visitor_holes)
