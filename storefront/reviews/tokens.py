"""The signed link of the "How was it?" email: it names one order line, signed with the app's
secret under its own salt, so it cannot be forged, pointed at another line, or used for anything
but writing that line's review. Timed: a link is good for REVIEW_LINK_MAX_AGE_DAYS (default 90)."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

DEFAULT_MAX_AGE_DAYS = 90


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="larder.review.write")


def review_token(order_line_id: int) -> str:
    return _serializer().dumps(order_line_id)


def order_line_for_token(token: str) -> int | None:
    """The order line an authentic, fresh token names, else None."""
    days = int(current_app.config.get("REVIEW_LINK_MAX_AGE_DAYS", DEFAULT_MAX_AGE_DAYS))
    try:
        value = _serializer().loads(token, max_age=days * 24 * 3600)
    except BadData:
        return None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
