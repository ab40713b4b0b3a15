"""Passwords are stored as Argon2id hashes; an account with an older Werkzeug hash still signs
in, and its hash is replaced then, without ending its other sessions."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from werkzeug.security import generate_password_hash

from storefront.accounts.models import User
from storefront.accounts.passwords import hash_password, needs_rehash, verify_password
from storefront.extensions import db
from tests.factories import make_user

PASSWORD = "correct horse battery"


pytestmark = pytest.mark.usefixtures("each_request_loads_its_own_user")


def _stored_hash(email: str) -> str:
    db.session.expire_all()
    return db.session.scalar(select(User.password_hash).where(User.email == email))


def _sign_in(client, email: str, password: str = PASSWORD):
    return client.post("/account/login", data={"email": email, "password": password})


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def _with_legacy_hash(email: str, method: str) -> None:
    """The account's row as an earlier Larder stored it (the session token left as it is)."""
    db.session.execute(
        update(User).where(User.email == email).values(password_hash=generate_password_hash(PASSWORD, method=method))
    )
    db.session.commit()


def test_a_new_password_is_stored_as_an_argon2id_hash_that_does_not_hold_it(app):
    make_user("ann@example.com")
    stored = _stored_hash("ann@example.com")
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in stored
    assert not needs_rehash(stored)


def test_two_accounts_with_one_password_get_different_hashes(app):
    make_user("ann@example.com")
    make_user("bob@example.com")
    assert _stored_hash("ann@example.com") != _stored_hash("bob@example.com")


def test_only_the_right_password_signs_in(client):
    make_user("ann@example.com")
    assert _sign_in(client, "ann@example.com", "correct horse batterY").status_code == 200
    assert not _signed_in(client)
    assert _sign_in(client, "ann@example.com").status_code == 302
    assert _signed_in(client)


@pytest.mark.parametrize("method", ["scrypt", "pbkdf2:sha256"])
def test_an_account_with_an_older_hash_signs_in_and_gets_an_argon2id_hash(app, method):
    make_user("ann@example.com")
    _with_legacy_hash("ann@example.com", method)
    assert _stored_hash("ann@example.com").startswith(method.split(":")[0] + ":")

    wrong = app.test_client()
    assert _sign_in(wrong, "ann@example.com", "not the password").status_code == 200
    assert _stored_hash("ann@example.com").startswith(method.split(":")[0] + ":")  # a failed try changes nothing

    assert _sign_in(app.test_client(), "ann@example.com").status_code == 302
    upgraded = _stored_hash("ann@example.com")
    assert upgraded.startswith("$argon2id$") and verify_password(upgraded, PASSWORD)
    assert _sign_in(app.test_client(), "ann@example.com").status_code == 302  # and signs in with it


def test_the_upgrade_at_sign_in_keeps_the_accounts_other_sessions(app):
    make_user("ann@example.com")
    laptop = app.test_client()
    assert _sign_in(laptop, "ann@example.com").status_code == 302
    _with_legacy_hash("ann@example.com", "scrypt")

    phone = app.test_client()
    assert _sign_in(phone, "ann@example.com").status_code == 302

    assert _stored_hash("ann@example.com").startswith("$argon2id$")
    assert _signed_in(laptop) and _signed_in(phone)


def test_a_hash_made_with_weaker_argon2_parameters_is_replaced_at_sign_in(app):
    from argon2 import PasswordHasher

    make_user("ann@example.com")
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    db.session.execute(update(User).where(User.email == "ann@example.com").values(password_hash=weak))
    db.session.commit()

    assert _sign_in(app.test_client(), "ann@example.com").status_code == 302
    assert _stored_hash("ann@example.com").startswith("$argon2id$v=19$m=19456,t=2,p=1$")


@pytest.mark.parametrize("stored", ["", "not-a-hash", "$argon2id$v=19$broken", "scrypt:1:2:3$x$y"])
def test_a_malformed_stored_hash_matches_no_password(stored):
    assert verify_password(stored, PASSWORD) is False
    assert verify_password(stored, "") is False


def test_hashing_and_checking_are_one_pair():
    stored = hash_password(PASSWORD)
    assert verify_password(stored, PASSWORD)
    assert not verify_password(stored, PASSWORD + " ")
