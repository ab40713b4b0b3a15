"""Account actions: register, authenticate, create staff, change or reset a password, end sessions.

Every email an action causes is recorded in the action's own transaction (accounts.emails) and
sent by a worker after the commit: a rolled-back action sends nothing, a committed one always
sends, and no request waits for the mail server.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from storefront import audit
from storefront.accounts import emails
from storefront.accounts.models import Role, User
from storefront.accounts.passwords import needs_rehash
from storefront.accounts.verification import mark_verified
from storefront.extensions import db

MIN_PASSWORD_LENGTH = 10
RESET_MAX_AGE = 2 * 60 * 60  # seconds a reset link stays valid
REGISTER_MAX_AGE = 24 * 60 * 60  # seconds a "finish creating your account" link stays valid
# A hash of a random password: checking against it when no user matches keeps log-in timing the
# same for known and unknown emails.
_DUMMY_HASH = None


class AccountError(Exception):
    """An account action that cannot be done; the message is for the person at the keyboard."""


class WrongPasswordError(AccountError):
    """The current password given to confirm a change is not the account's."""


def normalise_email(email: str) -> str:
    """A valid address in canonical form; raises AccountError naming the problem."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError(f"That email address is not valid: {error}") from None


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Use a password of at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > 200:
        raise AccountError("That password is too long (200 characters at most).")


def find_user(email: str) -> User | None:
    if "\x00" in email:  # never an address, and PostgreSQL refuses it in a query
        return None
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def _new_user(email: str, password: str, role: str, name: str) -> User:
    """A valid, unsaved account for an unused address (the caller commits)."""
    email = normalise_email(email)
    if role not in {r.value for r in Role}:
        raise AccountError(f"Unknown role {role!r}; use one of {', '.join(r.value for r in Role)}.")
    check_password_strength(password)
    if find_user(email) is not None:
        raise AccountError("An account with that email already exists. Try signing in instead.")
    user = User(email=email, name=name.strip()[:120], role=role)
    user.set_password(password)
    db.session.add(user)
    return user


def _save_new_account(finish=None) -> None:
    """Flush the new account, run `finish` (which needs its id), then commit; the address taken
    meanwhile by someone else is the same clear error as one taken before."""
    try:
        db.session.flush()
        if finish is not None:
            finish()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AccountError("An account with that email already exists. Try signing in instead.") from None


def create_user(email: str, password: str, role: str = Role.CUSTOMER.value, name: str = "") -> User:
    """A new account (the CLI's): the email must be unused and the password long enough.

    Unverified: an operator typed the address; its owner verifies it from the account page.
    """
    user = _new_user(email, password, role, name)
    _save_new_account()
    return user


def register_customer(email: str, password: str, name: str = "", *, email_proven: bool = False) -> User:
    """Shoppers sign themselves up as customers only; staff roles come from the CLI or an admin.

    With `email_proven` (they came through the link mailed to the address) the account starts
    verified and the address's guest orders join it; otherwise the welcome email carries a link
    that verifies it. The welcome is recorded with the account: one commit, one email.
    """
    user = _new_user(email, password, Role.CUSTOMER.value, name)

    def welcome() -> None:
        if email_proven:
            emails.queue_welcome(user, joined_orders=mark_verified(user))
        else:
            emails.queue_welcome(user, verify=True)

    _save_new_account(welcome)
    return user
def _registration_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="larder.register")


def make_registration_token(email: str, name: str = "") -> str:
    """A signed, timed token for an address nobody has registered yet: whoever opens the link
    sent to that address proved they read its mail, and chooses the password then."""
    return _registration_serializer().dumps({"email": email, "name": name.strip()[:120]})


def registration_for_token(token: str) -> tuple[str, str] | None:
    """(email, name) of an authentic, fresh registration token whose address is still free."""
    try:
        data = _registration_serializer().loads(token, max_age=REGISTER_MAX_AGE)
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("email"), str):
        return None
    if find_user(data["email"]) is not None:  # used already, or registered another way since
        return None
    name = data.get("name")
    return data["email"], name if isinstance(name, str) else ""


def start_registration(email: str, name: str = "") -> None:
    """Step one of signing up: mail the address a link to finish, or, when it already has an
    account, a note to its owner with links to sign in and reset the password.

    Nothing else differs between the two (no password is hashed in either), so the answer the
    visitor gets says nothing about who has an account. Raises AccountError for a bad address.
    """
    email = normalise_email(email)
    user = find_user(email)
    if user is None:
        emails.queue_registration_link(email, name.strip()[:120])
    else:
        emails.queue_existing_account_notice(user)
    db.session.commit()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, else None (same work either way)."""
    global _DUMMY_HASH
    user = find_user(email or "")
    if user is None or not user.active:
        if _DUMMY_HASH is None:
            probe = User(email="", password_hash="")
            probe.set_password("not-a-real-password")
            _DUMMY_HASH = probe.password_hash
        User(email="", password_hash=_DUMMY_HASH).check_password(password or "")
        return None
    if not user.check_password(password or ""):
        return None
    if needs_rehash(user.password_hash):
        # An older hash (Werkzeug's scrypt, or weaker Argon2 parameters) is replaced now, while
        # the password is at hand: the only moment it can be.
        user.store_password_anew(password)
        db.session.commit()
    return user


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="larder.password-reset")


def make_reset_token(user: User) -> str:
    """A signed, timed token; it dies when the password changes (it carries part of the old hash)."""
    return _reset_serializer().dumps({"uid": user.id, "pw": user.password_hash[-16:]})


def user_for_reset_token(token: str) -> User | None:
    """The user a reset token was made for, if it is authentic, fresh and unused."""
    try:
        data = _reset_serializer().loads(token, max_age=RESET_MAX_AGE)
    except BadData:  # bad signature, expired, or a payload that is not ours
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("uid")) if isinstance(data.get("uid"), int) else None
    if user is None or not user.active or user.password_hash[-16:] != data.get("pw"):
        return None
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link to the active account with this address, if there is one (the caller
    answers the same either way, so the form does not reveal who has an account)."""
    user = find_user(email or "")
    if user is None or not user.active:
        return
    emails.queue_password_reset(user)
    db.session.commit()


def _set_new_password(user: User, password: str) -> None:
    """The one way a password changes: hashed, every session ended (the listeners in
    accounts.models), and the owner told by email in the same commit."""
    check_password_strength(password)
    user.set_password(password)
    emails.queue_password_changed(user)
    db.session.commit()


def reset_password(user: User, password: str) -> None:
    """Set a new password; every earlier reset link and every session of the user stop working
    (the new hash rotates the session token: see the listeners in accounts.models).

    Opening the reset link proved the mailbox too, so the address counts as verified from now on.
    """
    check_password_strength(password)
    mark_verified(user)
    _set_new_password(user, password)


def change_password(user: User, current_password: str, new_password: str) -> None:
    """The signed-in user's new password, given the current one; every session ends (the caller
    signs the current browser in again with the new token)."""
    if not user.check_password(current_password or ""):
        raise WrongPasswordError("That is not your current password.")
    _set_new_password(user, new_password)


def set_password(email: str, password: str) -> User:
    """An operator's new password for an account (the CLI); its owner is told by email."""
    user = find_user(normalise_email(email))
    if user is None:
        raise AccountError(f"No account uses {email}.")
    _set_new_password(user, password)
    return user


def send_verification(user: User) -> bool:
    """Mail the account a link proving its address; False when it is verified already."""
    if user.email_verified_at is not None:
        return False
    emails.queue_verification(user)
    db.session.commit()
    return True


def end_all_sessions(user: User) -> None:
    """Sign the user out everywhere: every session and remember cookie holding the old token dies."""
    user.end_all_sessions()
    db.session.commit()


def change_role(user: User, role: str, actor: object = None) -> User:
    """Give an account another role; its sessions end (the old role's pages close at once) and the
    audit log records who changed it. The admin's customer page and `flask larder set-role` call this."""
    if role not in {r.value for r in Role}:
        raise AccountError(f"“{role}” is not a role (customer, editor or admin).")
    if user.role == role:
        return user
    audit.record_change(actor, "user", user.id, user.email, "user.role", {"role": user.role}, {"role": role})
    user.role = role
    user.end_all_sessions()
    db.session.commit()
    return user
