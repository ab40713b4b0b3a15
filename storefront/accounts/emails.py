"""Every account email, queued through the outbox: the caller's commit sends it, a worker renders it.

Each queue_* function only records a job in the current transaction; nothing is sent inside a
request. Emails that carry a secret link (finish registration, reset, verify) are recorded as
`accounts.email` jobs holding only who and what, and the worker signs the link when it sends:
outbox rows are shown to staff (failed work in the admin) and kept, so they never hold a working
token. Notices with nothing secret in them use the generic `mail.send` (storefront.mail.queue).
Templates: templates/email/<name>.{html,txt}.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from storefront import jobs
from storefront.accounts.models import User
from storefront.accounts.verification import verification_link
from storefront.extensions import db
from storefront.mail import send_email
from storefront.mail.queue import queue_email
from storefront.site_urls import absolute_url_for

ACCOUNT_EMAIL = "accounts.email"  # outbox job kind: {"message": <name>, ...who}


def _store() -> str:
    return current_app.config["STORE_NAME"]


# ------------------------------------------------------------------ recording (in the change's transaction)


def queue_registration_link(email: str, name: str) -> None:
    """Step one of signing up: the link that proves the address and lets its reader pick a password."""
    jobs.record(ACCOUNT_EMAIL, {"message": "register_finish", "to": email, "name": name})


def queue_existing_account_notice(user: User) -> None:
    """Someone tried to register an address that has an account: tell its owner, not the visitor."""
    queue_email(
        user.email, f"Someone tried to create a {_store()} account with your email", "register_existing",
        name=user.name, login_link=absolute_url_for("accounts.login"),
        reset_link=absolute_url_for("accounts.reset_request"),
    )


def queue_password_reset(user: User) -> None:
    jobs.record(ACCOUNT_EMAIL, {"message": "password_reset", "user_id": user.id})


def queue_welcome(user: User, *, joined_orders: int = 0, verify: bool = False) -> None:
    """Once per account: what it is for, and, for an unproven address, the link that verifies it."""
    jobs.record(ACCOUNT_EMAIL, {"message": "welcome", "user_id": user.id, "joined_orders": joined_orders,
                                "verify": verify}, key=f"welcome:{user.id}")


def queue_verification(user: User) -> None:
    """The link that proves the account's address (asked for again from the account page)."""
    jobs.record(ACCOUNT_EMAIL, {"message": "verify_email", "user_id": user.id})


def queue_password_changed(user: User) -> None:
    """Tell the owner their password changed (never what it is), with a way back in if it wasn't them.

    Keyed on the new hash (salted, so unique per change): recorded twice for one change, sent once.
    """
    queue_email(
        user.email, f"Your {_store()} password was changed", "password_changed",
        key=f"password-changed:{user.id}:{user.password_hash[-16:]}",
        name=user.name, reset_link=absolute_url_for("accounts.reset_request"),
        login_link=absolute_url_for("accounts.login"),
    )


# ------------------------------------------------------------------ sending (the worker's half)


def _registration(payload: dict) -> tuple[str, str, dict[str, Any]]:
    from storefront.accounts.services import make_registration_token  # services records these jobs

    link = absolute_url_for("accounts.finish_registration",
                            token=make_registration_token(payload["to"], payload.get("name", "")))
    return f"Finish creating your {_store()} account", "register_finish", {"name": payload.get("name", ""), "link": link}


def _password_reset(user: User, payload: dict) -> tuple[str, str, dict[str, Any]]:
    from storefront.accounts.services import make_reset_token

    link = absolute_url_for("accounts.reset_password", token=make_reset_token(user))
    return f"Reset your {_store()} password", "password_reset", {"name": user.name, "link": link}


def _welcome(user: User, payload: dict) -> tuple[str, str, dict[str, Any]]:
    return f"Welcome to {_store()}", "welcome", {
        "name": user.name, "account_link": absolute_url_for("accounts.account"),
        "shop_link": absolute_url_for("catalog.all_products"),
        "joined_orders": int(payload.get("joined_orders") or 0),
        "verify_link": verification_link(user) if payload.get("verify") and not user.email_verified else "",
    }


def _verify(user: User, payload: dict) -> tuple[str, str, dict[str, Any]]:
    return f"Confirm your email address for {_store()}", "verify_email", {"name": user.name,
                                                                          "link": verification_link(user)}


_FOR_USERS = {"password_reset": _password_reset, "welcome": _welcome, "verify_email": _verify}


@jobs.handler(ACCOUNT_EMAIL)
def send_account_email(payload: dict) -> None:
    """Sign the link now and send; an account deactivated meanwhile is sent nothing."""
    message = payload.get("message")
    if message == "register_finish":
        subject, template, context = _registration(payload)
        send_email(payload["to"], subject, template, **context)
        return
    build = _FOR_USERS.get(message)
    if build is None:
        raise jobs.PermanentFailure(f"Unknown account email {message!r}")
    user = db.session.get(User, payload.get("user_id"))
    if user is None or not user.active:
        return
    subject, template, context = build(user, payload)
    send_email(user.email, subject, template, **context)
