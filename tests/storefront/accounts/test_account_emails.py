"""Every account email: queued through the outbox with the change, sent once, HTML and text, every
link answering; the welcome, the verification that joins guest orders, the password-changed notice."""

from __future__ import annotations

import re

import pytest
from flask import g
from sqlalchemy import select

from storefront.accounts.models import User
from storefront.extensions import db
from storefront.jobs.models import OutboxJob
from storefront.mail import html_part, outbox, text_part
from storefront.orders.models import Order
from tests.factories import checkout_form, make_paid_order, make_product, make_user
from tests.fixtures.mail import assert_links_answer

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new secret"


@pytest.fixture(autouse=True)
def _empty_outbox(app):
    outbox().clear()


def _path(text: str, prefix: str) -> str:
    return re.search(rf"https?://[^/\s]+({prefix}\S+)", text).group(1)


def _only(subject_part: str):
    found = [m for m in outbox() if subject_part in m["Subject"]]
    assert len(found) == 1, f"expected one {subject_part!r} email, got {[m['Subject'] for m in outbox()]}"
    return found[0]


def _both_parts(message) -> tuple[str, str]:
    assert message.is_multipart() and message.get_content_type() == "multipart/alternative"
    return text_part(message), html_part(message)


def _register(client, email="ada@example.com", name="Ada"):
    client.post("/account/register", data={"email": email, "name": name})
    path = _path(text_part(outbox()[-1]), "/account/register/")
    client.post(path, data={"password": PASSWORD, "confirm": PASSWORD})
    return db.session.scalar(select(User).where(User.email == email))


# ------------------------------------------------------------------ registration


def test_the_registration_link_is_queued_html_and_text_and_answers(client):
    outbox().clear()
    client.post("/account/register", data={"email": "ada@example.com", "name": "Ada"})
    message = _only("Finish creating your")
    text, html = _both_parts(message)
    assert "Hello Ada" in text and "Hello Ada" in html and "24 hours" in text
    job = db.session.scalar(select(OutboxJob))
    assert job is not None and job.status == "done" and job.payload["to"] == "ada@example.com"
    link = _path(text, "/account/register/")
    assert link.rsplit("/", 1)[1] not in str(job.payload), "outbox rows (shown to staff) hold no working link"
    assert any("/account/register/" in p for p in assert_links_answer(client, message))


def test_no_reset_or_verify_token_is_kept_in_the_outbox(client, auth):
    user = make_user("ann@example.com")
    client.post("/account/reset", data={"email": "ann@example.com"})
    auth.login(user)
    client.post("/account/verify")
    sent = "".join(text_part(m) for m in outbox())
    tokens = re.findall(r"/account/(?:reset|verify)/(\S+)", sent)
    assert len(tokens) == 2
    kept = str(db.session.scalars(select(OutboxJob.payload)).all())
    assert not any(token in kept for token in tokens)


def test_the_owner_of_a_taken_address_is_told_in_both_parts(client):
    make_user("taken@example.com")
    outbox().clear()
    client.post("/account/register", data={"email": "taken@example.com"})
    message = _only("Someone tried to create")
    text, html = _both_parts(message)
    assert "already has one" in text and "already has one" in html
    assert "/account/register/" not in text + html
    # Read by someone signed out (the owner whose password someone else changed): all pages answer.
    g.pop("_login_user", None)  # the test's app context outlives requests (see tests/conftest.AuthActions)
    assert sorted(assert_links_answer(client, message)) == ["/", "/account/login", "/account/reset"]


def test_finishing_registration_verifies_and_sends_one_welcome(client):
    outbox().clear()
    user = _register(client)
    assert user.email_verified_at is not None, "opening the mailed link proved the address"
    message = _only("Welcome to")
    assert message["To"] == "ada@example.com"
    text, html = _both_parts(message)
    assert "Your account is ready" in text and "Your account is ready" in html
    assert "/account/verify/" not in text + html, "a proven address is not asked to prove itself again"
    assert set(assert_links_answer(client, message)) == {"/", "/account", "/products"}


def test_finishing_registration_joins_that_addresses_guest_orders_and_no_one_elses(client):
    mine = make_paid_order(email="Ada@Example.com")  # typed with capitals at checkout
    someone_elses = make_paid_order(email="bob@example.com")
    owner = make_user("carol@example.com")
    owned = make_paid_order(email="ada@example.com", user=owner)  # already in another account
    outbox().clear()
    user = _register(client)
    db.session.expire_all()
    assert db.session.get(Order, mine.id).user_id == user.id
    assert db.session.get(Order, someone_elses.id).user_id is None
    assert db.session.get(Order, owned.id).user_id == owner.id
    assert "1 earlier order" in text_part(_only("Welcome to"))
    page = client.get("/account").get_data(as_text=True)
    assert mine.number in page and someone_elses.number not in page and owned.number not in page


# ------------------------------------------------------------------ account from an order


def _account_from_order(client, email="ada@example.com"):
    variant = make_product("oat-biscuits", title="Oat Biscuits", price=2000, stock=9).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1})
    token = client.post("/checkout", data=checkout_form(email=email)).headers["Location"].rsplit("/", 1)[-1]
    client.post(f"/checkout/demo/{token}/pay")
    client.post(f"/account/from-order/{token}", data={"password": PASSWORD, "confirm": PASSWORD})
    return db.session.scalar(select(User).where(User.email == email))


def test_an_account_from_an_order_is_unverified_until_the_welcome_link_is_opened(client):
    earlier = make_paid_order(email="ADA@example.com")
    not_hers = make_paid_order(email="ada@example.org")
    outbox().clear()
    user = _account_from_order(client)
    assert user is not None and user.email_verified_at is None, "the address was only typed at checkout"
    db.session.expire_all()
    assert db.session.get(Order, earlier.id).user_id is None, "a typed address reveals no other orders"

    welcome = _only("Welcome to")
    text, html = _both_parts(welcome)
    assert "Confirm" in text and "Confirm my email address" in html
    visited = assert_links_answer(client, welcome)  # opening the verify link verifies
    assert any(p.startswith("/account/verify/") for p in visited)

    db.session.expire_all()
    assert db.session.get(User, user.id).email_verified_at is not None
    assert db.session.get(Order, earlier.id).user_id == user.id
    assert db.session.get(Order, not_hers.id).user_id is None


def test_opening_a_verify_link_twice_joins_nothing_twice(client):
    make_paid_order(email="ada@example.com")
    _account_from_order(client)
    path = _path(text_part(_only("Welcome to")), "/account/verify/")
    first = client.get(path).get_data(as_text=True)
    again = client.get(path)
    assert "1 earlier order" in first
    assert again.status_code == 200 and "earlier order" not in again.get_data(as_text=True)


def test_a_forged_or_expired_verify_link_is_a_clear_400(client, monkeypatch):
    from storefront.accounts import verification

    make_paid_order(email="ada@example.com")
    user = _account_from_order(client)
    path = _path(text_part(_only("Welcome to")), "/account/verify/")
    position = len(path) - 6
    forged = path[:position] + ("A" if path[position] != "A" else "B") + path[position + 1:]
    response = client.get(forged)
    assert response.status_code == 400 and "invalid or has expired" in response.get_data(as_text=True)
    monkeypatch.setattr(verification, "VERIFY_MAX_AGE", -1)
    assert client.get(path).status_code == 400
    db.session.expire_all()
    assert db.session.get(User, user.id).email_verified_at is None


# ------------------------------------------------------------------ asking again


def test_an_unverified_user_can_ask_for_a_verification_email(client, auth):
    user = make_user("cli@example.com")  # as the CLI makes them: unverified
    guest = make_paid_order(email="cli@example.com")
    auth.login(user)
    page = client.get("/account").get_data(as_text=True)
    assert "Email me a confirmation link" in page
    outbox().clear()
    response = client.post("/account/verify", follow_redirects=True)
    assert "We have sent a link to cli@example.com" in response.get_data(as_text=True)
    message = _only("Confirm your email address")
    text, html = _both_parts(message)
    assert "seven days" in text and "seven days" in html
    assert len(assert_links_answer(client, message)) == 2  # the shop's name, the link
    db.session.expire_all()
    assert db.session.get(Order, guest.id).user_id == user.id
    assert "Email me a confirmation link" not in client.get("/account").get_data(as_text=True)


def test_a_verified_user_is_sent_nothing_and_the_form_needs_its_csrf_token(app, client, auth):
    user = _register(client)
    outbox().clear()
    response = client.post("/account/verify", follow_redirects=True)
    assert "verified already" in response.get_data(as_text=True) and outbox() == []
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        user.email_verified_at = None
        db.session.commit()
        auth.login(user)
        client.post("/account/verify")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert outbox() == [], "no token, no email"


def test_staff_made_by_the_cli_start_unverified(runner):
    result = runner.invoke(args=["larder", "create-user", "--email", "ed@example.com", "--role", "editor",
                                 "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.email_verified_at).where(User.email == "ed@example.com")) is None


# ------------------------------------------------------------------ password reset and changed


def test_the_reset_email_is_html_and_text_and_its_link_answers(client):
    make_user("ann@example.com")
    outbox().clear()
    client.post("/account/reset", data={"email": "ann@example.com"})
    message = _only("Reset your")
    text, html = _both_parts(message)
    assert "two hours" in text and "Choose a new password" in html
    assert any(p.startswith("/account/reset/") for p in assert_links_answer(client, message))


def _assert_password_changed_notice(app, to: str, *secrets: str):
    message = _only("password was changed")
    assert message["To"] == to
    text, html = _both_parts(message)
    assert "was just changed" in text and "Not you?" in html
    for secret in secrets:
        assert secret not in text and secret not in html and secret not in message.as_string()
    # Read by someone signed out (the owner whose password someone else changed): all pages answer.
    g.pop("_login_user", None)  # the test's app context outlives requests (see tests/conftest.AuthActions)
    assert sorted(assert_links_answer(app.test_client(), message)) == ["/", "/account/login", "/account/reset"]


def test_a_reset_password_mails_the_owner_once_without_the_password(client):
    make_user("ann@example.com")
    client.post("/account/reset", data={"email": "ann@example.com"})
    path = _path(text_part(outbox()[-1]), "/account/reset/")
    outbox().clear()
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    _assert_password_changed_notice(client.application, "ann@example.com", NEW_PASSWORD)
    assert db.session.scalar(select(User)).email_verified_at is not None, "the reset link proved the mailbox"


def test_changing_the_password_in_the_account_mails_the_owner(client, auth):
    user = make_user("ann@example.com")
    auth.login(user)
    outbox().clear()
    client.post("/account/password", data={"current_password": PASSWORD, "password": NEW_PASSWORD,
                                           "confirm": NEW_PASSWORD})
    _assert_password_changed_notice(client.application, "ann@example.com", NEW_PASSWORD, PASSWORD)


def test_a_refused_change_mails_nothing(client, auth):
    auth.login(make_user("ann@example.com"))
    outbox().clear()
    client.post("/account/password", data={"current_password": "not my password", "password": NEW_PASSWORD,
                                           "confirm": NEW_PASSWORD})
    client.post("/account/password", data={"current_password": PASSWORD, "password": "short", "confirm": "short"})
    assert outbox() == []


def test_the_cli_sets_a_password_and_mails_the_owner(runner, client):
    user = make_user("ann@example.com")
    outbox().clear()
    result = runner.invoke(args=["larder", "set-password", "--email", "ANN@example.com", "--password", NEW_PASSWORD])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(NEW_PASSWORD)
    _assert_password_changed_notice(client.application, "ann@example.com", NEW_PASSWORD)
    missing = runner.invoke(args=["larder", "set-password", "--email", "nobody@example.com", "--password", NEW_PASSWORD])
    assert missing.exit_code != 0 and "No account uses nobody@example.com" in missing.output
