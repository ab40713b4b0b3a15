"""Who may enter the staff area: deny by default, per-view roles opt in.

Every request to the admin blueprint is checked here before its view runs, so a view
without a `staff_required` decorator is reachable by admins only, never by accident by anyone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user

from storefront.accounts.models import Role
from storefront.extensions import login_manager

ADMIN_ONLY = (Role.ADMIN.value,)
EDITORS = (Role.EDITOR.value, Role.REVIEWER.value, Role.ADMIN.value)
# Medical sign-off: reviewers only. The one place admins are not let in by default.
REVIEWERS = (Role.REVIEWER.value,)


def _deny_or_login():
    if not current_user.is_authenticated:
        if "accounts.login" in current_app.view_functions:
            return login_manager.unauthorized()
        abort(401)
    abort(403)


def staff_required(*roles: str) -> Callable:
    """Allow a view to the given roles (admins always); checked again by the blueprint guard."""
    allowed = tuple(dict.fromkeys((*roles, Role.ADMIN.value))) if roles else ADMIN_ONLY

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not (current_user.is_authenticated and current_user.is_active and current_user.has_role(*allowed)):
                return _deny_or_login()
            return view(*args, **kwargs)

        wrapper.staff_roles = allowed  # type: ignore[attr-defined]
        return wrapper

    return decorate


def reviewers_only(view: Callable) -> Callable:
    """Allow a view to reviewers alone (not admins): medical approval needs the reviewer role."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not (current_user.is_authenticated and current_user.is_active and current_user.has_role(*REVIEWERS)):
            return _deny_or_login()
        return view(*args, **kwargs)

    wrapper.staff_roles = REVIEWERS  # type: ignore[attr-defined]
    return wrapper


def guard_admin_request():
    """Blueprint before_request: log-in first, then the view's roles (admins only by default)."""
    view = current_app.view_functions.get(request.endpoint or "")
    allowed = getattr(view, "staff_roles", ADMIN_ONLY)
    if not (current_user.is_authenticated and current_user.is_active):
        return _deny_or_login()
    if not current_user.has_role(*allowed):
        abort(403)
    return None


def refuse_nul_bytes():
    """Blueprint before_request: a NUL byte in any field or query value is a 400, not a database error."""
    for source in (request.args, request.form):
        for key, values in source.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                abort(400, "Text cannot contain invisible NUL characters. Please remove them and try again.")
    return None
