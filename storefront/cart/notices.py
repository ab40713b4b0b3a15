"""Where a shopper lands after adding without JavaScript, and the notice that greets them there.

The add form carries `next`: the page it sits on plus the anchor of the card (`/blog/x#cta-3`).
The shopper goes back there only when it is a plain path on this site (`site_urls.local_path`);
anything else (another host, a scheme, `//`, a backslash, a control character) sends them to the
cart instead.

The notice travels as a flashed message whose category names the anchor
("cart-added@cta-3"), so the page cache already treats that page as personal (a page rendered
while a flash waits is never stored nor answered 304). When the next page is rendered, the
notice is taken out of the flashes (the generic top-of-page list would show it where the
reader is not looking) and printed next to the card's add button by the add-to-cart macro;
a notice whose card is not on the page (the product page's buy box, a card since removed) is
printed by the notification region at the end of the page, fixed to the bottom of the screen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, flash, g, get_flashed_messages, request, session
from flask.globals import request_ctx

from storefront.site_urls import this_page

ANCHOR_RE = re.compile(r"^[a-z][a-z0-9-]{0,79}$")
ADDED, REFUSED = "cart-added@", "cart-error@"


def anchor_of(next_url: str | None) -> str | None:
    """The card anchor a safe `next` ends with, when it has the shape the forms give it."""
    fragment = urlsplit(next_url).fragment if next_url else ""
    return fragment if ANCHOR_RE.match(fragment) else None


def return_to(anchor: str) -> str:
    """The `next` an add form on this page carries: this page (its query too, for a listing's
    filters and page, not `ref`: the form carries it anyway) and the card."""
    return f"{this_page()}#{anchor}"


def flash_notice(text: str, ok: bool, anchor: str) -> None:
    """Flash the add's outcome for the card at `anchor` (see the module docstring)."""
    flash(text, f"{ADDED if ok else REFUSED}{anchor}")


@dataclass
class CartNotice:
    text: str
    ok: bool
    anchor: str
    shown: bool = False


def _pending_flashes() -> list:
    flashes = request_ctx.flashes
    return list(flashes) if flashes is not None else list(session.get("_flashes") or [])


def _is_notice(category: object) -> bool:
    return isinstance(category, str) and category.startswith((ADDED, REFUSED))


def _take_notices() -> dict:
    """Context processor: move cart notices out of the flashes before any template shows them."""
    if request.method != "GET" or "larder_cart_notices" in g:
        return {}
    if not any(_is_notice(category) for category, _ in _pending_flashes()):
        return {}
    messages = get_flashed_messages(with_categories=True)  # loads them for this request
    request_ctx.flashes = [(c, m) for c, m in messages if not _is_notice(c)]
    g.larder_cart_notices = [
        CartNotice(str(m), c.startswith(ADDED), c.split("@", 1)[1])
        for c, m in messages
        if _is_notice(c)
    ]
    return {}


def cart_notice_at(anchor: str | None) -> CartNotice | None:
    """The notice for the card at `anchor`, once: the first caller prints it."""
    for notice in g.get("larder_cart_notices", ()):
        if not notice.shown and notice.anchor == anchor:
            notice.shown = True
            return notice
    return None


def unshown_cart_notices() -> list[CartNotice]:
    """Notices no card on the page printed: the notification region shows them."""
    left = [n for n in g.get("larder_cart_notices", ()) if not n.shown]
    for notice in left:
        notice.shown = True
    return left


def init_notices(app: Flask) -> None:
    app.context_processor(_take_notices)
    app.jinja_env.globals["return_to"] = return_to
    app.jinja_env.globals["cart_notice_at"] = cart_notice_at
    app.jinja_env.globals["unshown_cart_notices"] = unshown_cart_notices
