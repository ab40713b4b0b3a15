"""Accounts: customers and staff, log-in (rate-limited), registration, password reset, order history."""

import hmac

from flask import Blueprint, current_app, has_request_context, request, session
from flask_login.config import COOKIE_NAME
from flask_login.utils import decode_cookie

from storefront.extensions import db, login_manager

bp = Blueprint("accounts", __name__, url_prefix="/account")

_MAX_ID = 2**31 - 1  # PostgreSQL's integer: a larger id would be a database error, not a miss


@login_manager.user_loader
def load_user(user_id: str):
    """The user a session (or remember cookie) names, while its token is current: one query.

    Sessions hold "<id>:<session token>" (User.get_id). Anything else, including the "<id>" of
    sessions from before tokens, a rotated token or a deactivated account, is a visitor.
    """
    from storefront.accounts.models import User

    id_part, _, token = user_id.partition(":") if isinstance(user_id, str) else ("", "", "")
    user = None
    if token and id_part.isascii() and id_part.isdigit() and len(id_part) <= 10 and 0 < int(id_part) <= _MAX_ID:
        user = db.session.get(User, int(id_part))
    if user is None or not user.active or not hmac.compare_digest(
        user.session_token.encode(), token.encode()
    ):
        _forget_stale_login(user_id)
        return None
    return user


def _forget_stale_login(user_id) -> None:
    """Drop a refused login from the session, so the browser is plainly signed out from now on
    (and anonymous pages can be shared-cached again) instead of carrying a dead id forever."""
    if not has_request_context():
        return
    for key in ("_user_id", "_fresh", "_id"):
        session.pop(key, None)
    remember = request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME))
    if remember is not None and decode_cookie(remember) == user_id:
        session["_remember"] = "clear"  # Flask-Login deletes that remember cookie on the way out


from storefront.accounts import order_account, views  # noqa: E402, F401
