"""The "check your inbox" note, printed by the Notify-me form the reader used.

The same no-JavaScript pattern as the cart's add (storefront/cart/notices.py): the form carries
`next` (its page plus its anchor, "/blog/x#cta-4"); the view flashes the outcome under a category
naming the anchor ("stock-alert@cta-4") and redirects there; when the page renders, the note is
taken out of the generic flashes and printed inside that form's box. A flash waiting also keeps
that page out of the shared page cache. A `next` without an anchor gets an ordinary flash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, flash, g, get_flashed_messages, request, session
from flask.globals import request_ctx

PREFIX = "stock-alert@"
ANCHOR_RE = re.compile(r"^[a-z][a-z0-9-]{0,79}$")  # the shape the forms' anchors have (cta-3-2, notify)

__all__ = ["anchor_of", "alert_notice_at", "flash_notice", "init_notices"]


@dataclass
class AlertNotice:
    text: str
    anchor: str
    shown: bool = False


def anchor_of(next_url: str | None) -> str | None:
    """The form anchor a safe `next` ends with, when it has the shape the forms give it."""
    fragment = urlsplit(next_url).fragment if next_url else ""
    return fragment if ANCHOR_RE.match(fragment) else None


def flash_notice(text: str, anchor: str | None) -> None:
    flash(text, f"{PREFIX}{anchor}" if anchor else "success")


def _is_notice(category: object) -> bool:
    return isinstance(category, str) and category.startswith(PREFIX)


def _pending() -> list:
    flashes = request_ctx.flashes
    return list(flashes) if flashes is not None else list(session.get("_flashes") or [])


def _take_notices() -> dict:
    """Context processor: move alert notes out of the flashes before any template shows them."""
    if request.method != "GET" or "larder_alert_notices" in g:
        return {}
    if not any(_is_notice(category) for category, _ in _pending()):
        return {}
    messages = get_flashed_messages(with_categories=True)
    request_ctx.flashes = [(c, m) for c, m in messages if not _is_notice(c)]
    g.larder_alert_notices = [AlertNotice(str(m), c[len(PREFIX):]) for c, m in messages if _is_notice(c)]
    return {}


def alert_notice_at(anchor: str) -> AlertNotice | None:
    """The note for the form at `anchor`, once."""
    for notice in g.get("larder_alert_notices", ()):
        if not notice.shown and notice.anchor == anchor:
            notice.shown = True
            return notice
    return None


def init_notices(app: Flask) -> None:
    app.context_processor(_take_notices)
    app.jinja_env.globals["alert_notice_at"] = alert_notice_at
