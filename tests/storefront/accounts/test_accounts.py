"""Accounts: sign in and out, rate limit, password reset, order history, create-user."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from storefront.accounts.models import User
from storefront.accounts.services import make_reset_token
from storefront.extensions import db, limiter
from storefront.mail import outbox, text_part
from storefront.orders.services import abandon_checkout, cancel_order
from tests.factories import make_order, make_paid_order, make_user

PASSWORD = "correct horse battery"


def _login(client, email, password=PASSWORD, **kwargs):
    return client.post("/account/login", data={"email": email, "password": password}, **kwargs)


def test_log_in_and_out(client):
    make_user("ann@example.com")
    response = _login(client, "ANN@example.com ", follow_redirects=True)
    assert response.request.path == "/account" and "ann@example.com" in response.get_data(as_text=True)
    response = client.post("/account/logout", follow_redirects=True)
    assert "You are signed out." in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_wrong_password_gets_one_message_for_both_cases(client):
    make_user("ann@example.com")
    wrong = _login(client, "ann@example.com", "wrong password!").get_data(as_text=True)
    unknown = _login(client, "nobody@example.com").get_data(as_text=True)
    assert "That email and password do not match an account." in wrong
    assert "That email and password do not match an account." in unknown


def test_sign_in_with_a_nul_byte_in_the_email_is_just_a_mismatch(client):
    make_user("ann@example.com")
    assert "do not match" in _login(client, "ann\x00@example.com").get_data(as_text=True)


def test_deactivated_account_cannot_sign_in(client):
    user = make_user("gone@example.com")
    user.active = False
    db.session.commit()
    assert "do not match" in _login(client, "gone@example.com").get_data(as_text=True)


# Browsers read a backslash as "/" and drop tabs, so "/\evil.example" and "/<tab>/evil.example" are "//evil.example".
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)",
                                    "/\\evil.example/x", "/\t/evil.example/x"])
def test_next_never_leaves_the_site(client, target):
    make_user("ann@example.com")
    response = client.post("/account/login", query_string={"next": target}, data={"email": "ann@example.com", "password": PASSWORD})
    assert response.headers["Location"] == "/account"


def test_next_within_the_site_is_followed(client):
    make_user("ann@example.com")
    response = client.post("/account/login?next=/checkout", data={"email": "ann@example.com", "password": PASSWORD})
    assert response.headers["Location"] == "/checkout"


@pytest.fixture
def limited_client(app):
    """A client of an app with rate limiting on (TestingConfig turns it off for every other test)."""
    from storefront import create_app

    limited = create_app({
        "LARDER_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT": "3 per minute",
    })
    limiter.reset()
    try:
        yield limited.test_client()
    finally:
        limiter.reset()
        limiter.enabled = False  # the limiter object is shared with the session app
        with limited.app_context():
            db.engine.dispose()


def test_log_in_is_rate_limited(limited_client):
    make_user("ann@example.com")
    codes = [_login(limited_client, "ann@example.com", "wrong password!").status_code for _ in range(4)]
    page = _login(limited_client, "ann@example.com")  # even the right password waits
    assert codes == [200, 200, 200, 429]
    assert page.status_code == 429
    assert "Too many" in page.get_data(as_text=True)


def test_log_in_page_itself_is_not_limited(limited_client):
    assert [limited_client.get("/account/login").status_code for _ in range(5)] == [200] * 5


def test_registering_is_rate_limited(limited_client):
    limited_client.application.config["REGISTER_RATE_LIMIT"] = "3 per minute"
    sent = limited_client.application.extensions.setdefault("larder.mail_outbox", [])
    codes = [limited_client.post("/account/register", data={"email": f"bot{i}@example.com"}).status_code
             for i in range(4)]
    assert codes == [302, 302, 302, 429]
    assert [m["To"] for m in sent] == ["bot0@example.com", "bot1@example.com", "bot2@example.com"]


def test_password_reset_requests_are_rate_limited(limited_client):
    codes = [limited_client.post("/account/reset", data={"email": "ann@example.com"}).status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]


def _reset_link() -> str:
    body = text_part(outbox()[-1])
    return re.search(r"https?://\S+/account/reset/\S+", body).group(0)


def test_password_reset_by_emailed_link(client):
    make_user("ann@example.com")
    outbox().clear()
    client.post("/account/reset", data={"email": "ann@example.com"})
    path = "/" + _reset_link().split("/", 3)[3]
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": "a brand new secret", "confirm": "a brand new secret"},
                           follow_redirects=True)
    assert "Your password was changed and you are signed in" in response.get_data(as_text=True)
    assert response.request.path == "/account"
    client.post("/account/logout")
    assert "do not match" in _login(client, "ann@example.com").get_data(as_text=True)
    assert _login(client, "ann@example.com", "a brand new secret").headers["Location"] == "/account"


def test_reset_link_works_once(client):
    make_user("ann@example.com")
    outbox().clear()
    client.post("/account/reset", data={"email": "ann@example.com"})
    path = "/" + _reset_link().split("/", 3)[3]
    client.post(path, data={"password": "a brand new secret", "confirm": "a brand new secret"})
    again = client.post(path, data={"password": "another new secret", "confirm": "another new secret"},
                        follow_redirects=True)
    assert "invalid or has expired" in again.get_data(as_text=True)


def test_tampered_reset_token_is_refused(client):
    user = make_user("ann@example.com")
    token = make_reset_token(user)
    # Change a character well inside the signature: the last base64 character carries padding
    # bits, so altering only the tail can leave the decoded signature unchanged (a flaky test).
    position = len(token) - 6
    tampered = token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]
    response = client.get(f"/account/reset/{tampered}", follow_redirects=True)
    assert "invalid or has expired" in response.get_data(as_text=True)


def test_reset_request_does_not_reveal_accounts(client):
    outbox().clear()
    page = client.post("/account/reset", data={"email": "nobody@example.com"}, follow_redirects=True)
    assert "If an account uses that email" in page.get_data(as_text=True)
    assert outbox() == []


def test_order_history_shows_only_my_orders(client):
    me, other = make_user("me@example.com"), make_user("other@example.com")
    mine = make_paid_order(user=me, email="me@example.com")
    theirs = make_paid_order(user=other, email="other@example.com")
    _login(client, "me@example.com")
    page = client.get("/account").get_data(as_text=True)
    assert mine.number in page and theirs.number not in page
    assert client.get(f"/account/orders/{mine.number}").status_code == 200
    assert client.get(f"/account/orders/{theirs.number}").status_code == 404


def test_order_history_keeps_a_paid_order_that_staff_cancelled(client):
    me = make_user("me@example.com")
    order = make_paid_order(user=me, email="me@example.com")
    cancel_order(order, make_user("boss@example.com", role="admin"), "Out of stock at the warehouse")
    abandoned = make_order(user=me, email="me@example.com")
    abandon_checkout(abandoned)
    _login(client, "me@example.com")
    page = client.get("/account").get_data(as_text=True)
    assert order.number in page  # money went out and came back: the shopper must see why
    assert abandoned.number not in page  # a checkout never paid is no order to the shopper
    assert client.get(f"/account/orders/{order.number}").status_code == 200


def test_account_needs_log_in(client):
    response = client.get("/account")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_create_user_command_makes_an_admin(runner):
    result = runner.invoke(args=["larder", "create-user", "--email", "Boss@Example.com", "--role", "admin",
                                 "--password", "a long admin password"])
    assert result.exit_code == 0, result.output
    assert "Created admin boss@example.com" in result.output
    user = db.session.scalar(select(User))
    assert user.is_admin and user.check_password("a long admin password")


def test_create_user_prompts_for_the_password(runner):
    result = runner.invoke(args=["larder", "create-user", "--email", "ed@example.com", "--role", "editor"],
                           input="an editor password\nan editor password\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.role)) == "editor"


@pytest.mark.parametrize("args,message", [
    (["--email", "not-an-email", "--password", "long enough pass"], "not valid"),
    (["--email", "a@example.com", "--password", "short"], "at least 10 characters"),
    (["--email", "a@example.com", "--role", "owner", "--password", "long enough pass"], "'owner' is not one of"),
])
def test_create_user_explains_bad_input(runner, args, message):
    result = runner.invoke(args=["larder", "create-user", *args])
    assert result.exit_code != 0 and message in result.output
    assert db.session.scalar(select(User)) is None


def test_create_user_refuses_a_duplicate(runner):
    make_user("dup@example.com")
    result = runner.invoke(args=["larder", "create-user", "--email", "dup@example.com", "--password", "long enough pass"])
    assert result.exit_code == 1 and "already exists" in result.output
