"""Shop accounts: customers and staff, with roles, and the session token that signs them all out."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import DateTime, String, event
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm.base import NEVER_SET, NO_VALUE

from storefront.accounts.passwords import hash_password, verify_password
from storefront.db_mixins import TimestampMixin
from storefront.extensions import db


class Role(enum.StrEnum):
    CUSTOMER = "customer"
    EDITOR = "editor"
    # An editor who may also sign off health articles (medical review); admins may not, unless
    # they are given this role instead: running the shop is no medical qualification.
    REVIEWER = "reviewer"
    ADMIN = "admin"


# What rows that existed before session tokens carry until their first rotation. The token is no
# secret (the session cookie that holds it is signed with SECRET_KEY): it is a generation marker, so
# one shared value is harmless, and sessions from before it held only "<id>" and are refused anyway.
INITIAL_SESSION_TOKEN = "initial"


def new_session_token() -> str:
    """Random rather than a counter: a database restored from a backup, or a deleted user's id
    handed to a new account (SQLite reuses ids), never brings an old cookie's value back."""
    return secrets.token_urlsafe(16)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default=Role.CUSTOMER.value)
    active: Mapped[bool] = mapped_column(default=True)
    # Part of what Flask-Login keeps in the session and remember cookie (see get_id); a new value
    # ends every session of this user at once. Rotated by end_all_sessions() and, automatically,
    # by any change of password, role or active flag (the listeners below).
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token,
                                               server_default=INITIAL_SESSION_TOKEN)
    # When the owner proved they read mail at this address (opened a link we sent to it); None
    # while unproven. Only a verified address joins the guest orders placed with it (see
    # accounts.verification). Registering by emailed link verifies; an account made from an order
    # confirmation page, by the CLI or before this column existed starts unverified.
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"

    @staticmethod
    def normalise_email(email: str) -> str:
        return email.strip().lower()

    def set_password(self, password: str) -> None:
        """Hash with Argon2id (storefront.accounts.passwords); the plain password is never stored."""
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return verify_password(self.password_hash, password)

    def store_password_anew(self, password: str) -> None:
        """The same password hashed the way new ones are (after a sign-in proved it). It is no new
        password, so the account's other sessions go on (setting the hash alone would end them)."""
        token = self.session_token
        self.set_password(password)
        self.session_token = token

    def get_id(self) -> str:
        """Flask-Login's "alternative token": the loader accepts it only while the token is current."""
        return f"{self.id}:{self.session_token}"

    def end_all_sessions(self) -> None:
        """Every session and remember cookie of this user stops working (commit to take effect)."""
        self.session_token = new_session_token()

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated accounts cannot log in
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.EDITOR, Role.REVIEWER, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def has_role(self, *roles: str) -> bool:
        return self.role in roles


def _end_sessions_on_change(target: User, value, oldvalue, initiator) -> None:
    # A new password, a demotion or a deactivation must not leave a copied cookie working. Set on
    # the attribute, so any code path that changes these (a future admin view included) rotates;
    # bulk SQL UPDATEs bypass it and must call end_all_sessions() themselves.
    if oldvalue not in (NO_VALUE, NEVER_SET) and value != oldvalue:
        target.end_all_sessions()


for _attribute in (User.password_hash, User.role, User.active):
    # active_history: after a commit the old value is expired; load it so a change is recognised.
    event.listen(_attribute, "set", _end_sessions_on_change, active_history=True)
