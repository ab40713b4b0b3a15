"""Proving an account's email address, and what a proven address brings: its guest orders.

What "verified" means for each way an account is made (User.email_verified_at):
- registered by the emailed "finish creating your account" link: verified when finished (opening
  the link proved the mailbox);
- made from an order confirmation page: not verified (the address was typed at checkout); the
  welcome email carries a verification link;
- made by the CLI (staff or customers) and accounts older than verification: not verified (an
  operator typed the address); the owner can ask for a verification email from the account page;
- any account whose owner sets a new password by a reset link: verified (the link was mailed).

Only a verified address joins guest orders, and only orders placed with that same address
(case-insensitive) that no account owns yet: typing someone's address at checkout or in a
sign-up form never reveals their orders.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, select

from storefront.accounts.models import User
from storefront.clock import now
from storefront.extensions import db
from storefront.orders.models import Order
from storefront.site_urls import absolute_url_for

VERIFY_MAX_AGE = 7 * 24 * 60 * 60  # seconds a verification link stays valid


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="larder.verify-email")


def make_verification_token(user: User) -> str:
    """Signed and timed; names the address too, so a link dies if the account's address changes."""
    return _serializer().dumps({"uid": user.id, "email": user.email})


def verification_link(user: User) -> str:
    return absolute_url_for("accounts.verify_email", token=make_verification_token(user))


def user_for_verification_token(token: str) -> User | None:
    """The active user an authentic, fresh token was made for, while the address is the same."""
    try:
        data = _serializer().loads(token, max_age=VERIFY_MAX_AGE)
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    user = db.session.get(User, data["uid"])
    if user is None or not user.active or user.email != data.get("email"):
        return None
    return user


def mark_verified(user: User) -> int:
    """Record the proof (first time only) and join the address's guest orders; returns how many
    joined. The caller commits."""
    if user.email_verified_at is None:
        user.email_verified_at = now()
    return join_guest_orders(user)


def join_guest_orders(user: User) -> int:
    """Orders placed with the user's (verified) address by a guest join the account."""
    if user.email_verified_at is None or user.id is None:
        return 0
    orders = db.session.scalars(
        select(Order).where(Order.user_id.is_(None), func.lower(Order.email) == user.email.lower())
    ).all()
    for order in orders:
        order.user_id = user.id
        order.note("shopper", "Joined the account when its email address was verified")
    return len(orders)


def verify_email(token: str) -> tuple[User, int] | None:
    """Open a verification link: the account it proves and how many guest orders joined it (0 when
    opened again), or None for a link that is forged, expired or for another address."""
    user = user_for_verification_token(token)
    if user is None:
        return None
    joined = mark_verified(user)
    db.session.commit()
    return user, joined
