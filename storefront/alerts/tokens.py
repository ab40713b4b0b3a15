"""The signed links of the alert emails: confirm (timed) and unsubscribe (for good).

Each token names one alert row and is signed with the app's secret under its own salt, so a
confirm token cannot unsubscribe and neither can be forged or pointed at another row.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer, URLSafeTimedSerializer

CONFIRM_MAX_AGE = 7 * 24 * 3600  # a week to confirm; then ask again from the product


def _confirm() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="larder.stock-alert.confirm")


def _unsubscribe() -> URLSafeSerializer:
    # Not timed: an unsubscribe link must work from the oldest email in the inbox.
    return URLSafeSerializer(current_app.secret_key, salt="larder.stock-alert.unsubscribe")


def confirm_token(alert_id: int) -> str:
    return _confirm().dumps(alert_id)


def unsubscribe_token(alert_id: int) -> str:
    return _unsubscribe().dumps(alert_id)


def _as_id(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def alert_id_for_confirm(token: str) -> int | None:
    """The alert an authentic, fresh confirm token names, else None."""
    try:
        return _as_id(_confirm().loads(token, max_age=CONFIRM_MAX_AGE))
    except BadData:
        return None


def alert_id_for_unsubscribe(token: str) -> int | None:
    try:
        return _as_id(_unsubscribe().loads(token))
    except BadData:
        return None
