"""Signing up in two steps: the address gets a link, the link chooses the password. The form
answers the same for addresses with and without an account; an owner is told by email."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from storefront.accounts import services
from storefront.accounts.models import User
from storefront.extensions import db
from storefront.mail import outbox, text_part
from tests.factories import make_user

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="[^"]*"')


def _start(client, email, **extra):
    return client.post("/account/register", data={"email": email, **extra})


def _link(message) -> str:
    return re.search(r"https?://\S+/account/register/\S+", text_part(message)).group(0)


def _path(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def _finish(client, path, password=PASSWORD, confirm=None, **kwargs):
    return client.post(path, data={"password": password, "confirm": confirm or password}, **kwargs)


def test_the_mailed_link_creates_the_account_and_signs_in(app, client):
    outbox().clear()
    started = _start(client, "Ada@Example.com", name="Ada")
    assert started.status_code == 302 and started.headers["Location"] == "/account/register/sent"
    assert "Check your email" in client.get("/account/register/sent").get_data(as_text=True)
    assert db.session.scalar(select(User)) is None, "nothing exists until the mailbox's owner says so"

    [message] = outbox()
    assert message["To"] == "ada@example.com"
    link = _link(message)
    assert link.startswith(app.config["SITE_URL"] + "/account/register/")
    page = client.get(_path(link))
    assert page.status_code == 200 and "ada@example.com" in page.get_data(as_text=True)

    response = _finish(client, _path(link), follow_redirects=True)
    assert response.request.path == "/account"
    assert "Welcome! Your account is ready." in response.get_data(as_text=True)
    user = db.session.scalar(select(User))
    assert (user.email, user.name, user.role) == ("ada@example.com", "Ada", "customer")
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_known_and_unknown_addresses_get_the_same_answer(app, monkeypatch):
    owner = make_user("taken@example.com")
    owner_hash = owner.password_hash
    hashed = []
    monkeypatch.setattr(User, "set_password", lambda self, password: hashed.append(password))
    outbox().clear()

    answers = []
    for email in ("taken@example.com", "fresh@example.com"):
        client = app.test_client()
        response = _start(client, email, password=PASSWORD, confirm=PASSWORD)
        page = client.get(response.headers["Location"])
        answers.append((response.status_code, response.headers["Location"],
                        CSRF.sub("", page.get_data(as_text=True))))
    assert answers[0] == answers[1]
    assert hashed == [], "no password is hashed for either: the same work, the same time"

    notice, finish = outbox()
    assert notice["To"] == "taken@example.com" and finish["To"] == "fresh@example.com"
    text = text_part(notice)
    site = app.config["SITE_URL"]
    assert "Someone tried to create" in text and "already has one" in text
    assert f"{site}/account/login" in text and f"{site}/account/reset" in text
    assert "/account/register/" not in text, "the owner gets no link that could make a second account"
    db.session.expire_all()
    assert db.session.get(User, owner.id).password_hash == owner_hash
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_register_cannot_choose_a_staff_role(client):
    outbox().clear()
    _start(client, "x@example.com", role="admin")
    path = _path(_link(outbox()[-1]))
    client.post(path, data={"password": PASSWORD, "confirm": PASSWORD, "role": "admin"})
    assert db.session.scalar(select(User.role)) == "customer"


@pytest.mark.parametrize("data,message", [
    ({"email": "not-an-email"}, "Please enter a valid email address."),
    ({"name": "Ann\x00"}, "Please remove the special characters."),
])
def test_the_first_step_explains_bad_input(client, data, message):
    outbox().clear()
    response = client.post("/account/register", data={"email": "x@example.com", **data})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert outbox() == []


@pytest.mark.parametrize("password,confirm,message", [
    ("short", "short", "Use at least 10 characters."),
    (PASSWORD, "something else entirely", "The passwords do not match."),
])
def test_the_second_step_explains_bad_input(client, password, confirm, message):
    outbox().clear()
    _start(client, "x@example.com")
    response = _finish(client, _path(_link(outbox()[-1])), password, confirm)
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None


def test_a_link_works_once(client):
    outbox().clear()
    _start(client, "x@example.com")
    path = _path(_link(outbox()[-1]))
    _finish(client, path)
    client.post("/account/logout")
    again = _finish(client, path, "another long secret", follow_redirects=True)
    assert "invalid, has expired or was used already" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_an_expired_or_tampered_link_is_refused(client, monkeypatch):
    outbox().clear()
    _start(client, "x@example.com")
    path = _path(_link(outbox()[-1]))
    position = len(path) - 6  # well inside the signature (see the reset-token test)
    tampered = path[:position] + ("A" if path[position] != "A" else "B") + path[position + 1:]
    assert "invalid, has expired" in client.get(tampered, follow_redirects=True).get_data(as_text=True)
    monkeypatch.setattr(services, "REGISTER_MAX_AGE", -1)
    assert "invalid, has expired" in client.get(path, follow_redirects=True).get_data(as_text=True)
