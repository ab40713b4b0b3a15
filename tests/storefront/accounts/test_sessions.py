"""Sessions end when they should: sign-out, a password change or reset, "log out of all other
devices", deactivation or a new role make every copy of an earlier session cookie useless.

Each test plays several browsers with separate Flask test clients; a stolen cookie is a session
cookie copied from one client into another.
"""

from __future__ import annotations

import re

import pytest
from flask_login.utils import encode_cookie
from sqlalchemy import select, update

from storefront.accounts import load_user
from storefront.accounts.models import User
from storefront.extensions import db
from storefront.mail import outbox, text_part
from tests.factories import make_user

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new secret"


pytestmark = pytest.mark.usefixtures("each_request_loads_its_own_user")


def _browser(app, email: str | None = None):
    """A new test client, signed in through the form when an email is given."""
    client = app.test_client()
    if email is not None:
        response = client.post("/account/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302 and response.headers["Location"] == "/account"
    return client


def _steal_session(app, victim):
    """Another client holding a copy of the victim's session cookie."""
    name = app.config["SESSION_COOKIE_NAME"]
    thief = app.test_client()
    thief.set_cookie(name, victim.get_cookie(name).value)
    return thief


def _signed_in(client) -> bool:
    response = client.get("/account")
    if response.status_code == 302:
        assert "/account/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def test_a_cookie_copied_before_sign_out_no_longer_reaches_the_account(app):
    make_user("ann@example.com")
    ann = _browser(app, "ann@example.com")
    thief = _steal_session(app, ann)
    assert _signed_in(thief)  # the copy really is a working session ...

    ann.post("/account/logout")

    assert not _signed_in(thief)  # ... until its owner signs out
    assert not _signed_in(ann)


def test_sign_out_says_it_covers_every_device(app):
    make_user("ann@example.com")
    page = _browser(app, "ann@example.com").get("/account").get_data(as_text=True)
    assert "Signing out signs your account out on every device" in page


def test_changing_the_password_signs_out_other_devices_but_keeps_this_one(app):
    make_user("ann@example.com")
    laptop = _browser(app, "ann@example.com")
    phone = _browser(app, "ann@example.com")
    thief = _steal_session(app, laptop)

    response = laptop.post("/account/password", data={
        "current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    }, follow_redirects=True)

    assert response.request.path == "/account"
    assert "Your password was changed." in response.get_data(as_text=True)
    assert _signed_in(laptop)
    assert not _signed_in(phone)
    assert not _signed_in(thief)
    assert db.session.scalar(select(User)).check_password(NEW_PASSWORD)


def test_a_wrong_current_password_changes_nothing(app):
    make_user("ann@example.com")
    laptop = _browser(app, "ann@example.com")
    phone = _browser(app, "ann@example.com")

    response = laptop.post("/account/password", data={
        "current_password": "not my password", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })

    assert response.status_code == 200
    assert "That is not your current password." in response.get_data(as_text=True)
    assert _signed_in(phone)
    assert db.session.scalar(select(User)).check_password(PASSWORD)


def test_changing_the_password_needs_a_signed_in_user(client):
    response = client.get("/account/password")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def _reset_path() -> str:
    link = re.search(r"https?://\S+/account/reset/\S+", text_part(outbox()[-1])).group(0)
    return "/" + link.split("/", 3)[3]


def test_a_password_reset_signs_out_a_stolen_cookie_and_signs_in_the_resetting_browser(app):
    make_user("ann@example.com")
    thief = _steal_session(app, _browser(app, "ann@example.com"))
    assert _signed_in(thief)

    ann = app.test_client()  # Ann forgot her password on another computer
    outbox().clear()
    ann.post("/account/reset", data={"email": "ann@example.com"})
    response = ann.post(_reset_path(), data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
                        follow_redirects=True)

    assert response.request.path == "/account"
    assert _signed_in(ann)
    assert not _signed_in(thief)


def test_log_out_of_all_other_devices(app):
    make_user("ann@example.com")
    laptop = _browser(app, "ann@example.com")
    phone = _browser(app, "ann@example.com")
    thief = _steal_session(app, laptop)

    response = laptop.post("/account/sessions/end-others", follow_redirects=True)

    assert "You are signed out on every other device." in response.get_data(as_text=True)
    assert _signed_in(laptop)
    assert not _signed_in(phone)
    assert not _signed_in(thief)


def test_log_out_of_all_other_devices_is_a_button_on_the_account_page(app):
    make_user("ann@example.com")
    page = _browser(app, "ann@example.com").get("/account").get_data(as_text=True)
    assert 'action="/account/sessions/end-others"' in page and "Log out of all other devices" in page


def test_a_session_from_before_session_tokens_is_a_visitor(app, client):
    user = make_user("ann@example.com")
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)  # the shape Flask-Login stored before this change
        session["_fresh"] = True

    assert not _signed_in(client)
    assert client.get("/").status_code == 200
    with client.session_transaction() as session:
        assert "_user_id" not in session  # the dead login is dropped, not carried on every request


@pytest.mark.parametrize("stored", ["{id}:", ":{token}", "{id}:{token}:extra", "x:{token}",
                                    "99999999999999999999:{token}", "{id}:{token}x"])
def test_a_malformed_or_foreign_session_id_is_a_visitor(app, client, stored):
    user = make_user("ann@example.com")
    with client.session_transaction() as session:
        session["_user_id"] = stored.format(id=user.id, token=user.session_token)
    assert not _signed_in(client)


def test_a_remember_cookie_dies_with_the_token(app, client):
    user = make_user("ann@example.com")
    name = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    client.set_cookie(name, encode_cookie(user.get_id()))
    assert _signed_in(client)

    user.end_all_sessions()
    db.session.commit()

    assert not _signed_in(client)
    assert client.get_cookie(name) is None  # and the browser is told to delete it


def test_deactivating_an_account_ends_its_sessions(app):
    user = make_user("ann@example.com")
    ann = _browser(app, "ann@example.com")
    user.active = False
    db.session.commit()
    assert not _signed_in(ann)


def test_an_account_deactivated_by_a_bulk_update_is_signed_out_too(app):
    make_user("ann@example.com")
    ann = _browser(app, "ann@example.com")
    db.session.execute(update(User).values(active=False))  # no ORM events: the loader checks
    db.session.commit()
    assert not _signed_in(ann)
    with ann.session_transaction() as session:
        assert "_user_id" not in session  # refused by the loader, not merely found inactive later


def test_a_new_role_ends_the_sessions_of_the_old_one(app):
    user = make_user("boss@example.com", role="admin")
    boss = _browser(app, "boss@example.com")
    assert boss.get("/admin/").status_code == 200
    user.role = "customer"
    db.session.commit()
    assert not _signed_in(boss)


def test_an_unchanged_role_keeps_the_session(app):
    user = make_user("ann@example.com")
    ann = _browser(app, "ann@example.com")
    user.role = "customer"
    user.name = "Ann"
    db.session.commit()
    assert _signed_in(ann)


def test_loading_the_user_of_a_session_is_one_query(app, count_queries):
    user = make_user("ann@example.com")
    session_id = user.get_id()
    db.session.expunge_all()
    with app.test_request_context(), count_queries() as counter:
        loaded = load_user(session_id)
    assert loaded is not None and loaded.email == "ann@example.com"
    assert counter.count == 1
