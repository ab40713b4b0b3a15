"""Every account email, queued through the outbox: the caller's commit sends it, a worker renders it.

Each function only records the email (storefront.mail.queue) in the current transaction; none
sends anything inside a request. Contexts are plain strings so the outbox row holds all a worker
needs. Templates: templates/email/<name>.{html,txt}.
"""

from __future__ import annotations

from flask import current_app

from storefront.accounts.models import User
from storefront.mail.queue import queue_email
from storefront.site_urls import absolute_url_for


def _store() -> str:
    return current_app.config["STORE_NAME"]


def queue_registration_link(email: str, name: str, link: str) -> None:
    """Step one of signing up: the link that proves the address and lets its reader pick a password."""
    queue_email(email, f"Finish creating your {_store()} account", "register_finish", name=name, link=link)


def queue_existing_account_notice(user: User) -> None:
    """Someone tried to register an address that has an account: tell its owner, not the visitor."""
    queue_email(
        user.email, f"Someone tried to create a {_store()} account with your email", "register_existing",
        name=user.name, login_link=absolute_url_for("accounts.login"),
        reset_link=absolute_url_for("accounts.reset_request"),
    )


def queue_password_reset(user: User, link: str) -> None:
    queue_email(user.email, f"Reset your {_store()} password", "password_reset", name=user.name, link=link)


def queue_welcome(user: User, *, joined_orders: int = 0, verify_link: str | None = None) -> None:
    """Once per account: what it is for, and, for an unproven address, the link that verifies it."""
    queue_email(
        user.email, f"Welcome to {_store()}", "welcome", key=f"welcome:{user.id}",
        name=user.name, account_link=absolute_url_for("accounts.account"),
        shop_link=absolute_url_for("catalog.all_products"), joined_orders=joined_orders,
        verify_link=verify_link or "",
    )


def queue_verification(user: User, link: str) -> None:
    """The link that proves the account's address (asked for again from the account page)."""
    queue_email(user.email, f"Confirm your email address for {_store()}", "verify_email",
                name=user.name, link=link)


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
