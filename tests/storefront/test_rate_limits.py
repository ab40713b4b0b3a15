"""Sign-in and checkout attempts are rate-limited, with a 429 page in the site's design."""

from __future__ import annotations

import pytest

from storefront import create_app
from storefront.extensions import db


@pytest.fixture
def limited_app(tmp_path):
    app = create_app(
        {
            "LARDER_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/limits.db",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "CHECKOUT_RATE_LIMIT": "3 per minute",
            "LOGIN_RATE_LIMIT": "3 per minute",
            "REGISTER_RATE_LIMIT": "3 per hour",
        }
    )
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


# The guest's "keep this order in an account" form is limited like sign-up.
@pytest.mark.parametrize("url", ["/checkout", "/account/login", "/account/from-order/abc"])
def test_fourth_attempt_in_a_minute_gets_the_429_page(limited_app, url):
    if not limited_app.url_map.bind("localhost").test(url, method="POST"):
        pytest.skip(f"{url} is not installed")
    client = limited_app.test_client()
    statuses = [client.post(url, data={}).status_code for _ in range(3)]
    assert 429 not in statuses
    response = client.post(url, data={})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Slow down" in page or "Too many" in page
    assert "<html" in page


def test_browsing_the_checkout_page_is_not_limited(limited_app):
    client = limited_app.test_client()
    statuses = [client.get("/checkout").status_code for _ in range(6)]
    assert 429 not in statuses


def test_limits_still_apply_when_redis_is_down(tmp_path):
    """The limiter falls back to process memory: a sign-in never fails because Redis is down."""
    app = create_app(
        {
            "LARDER_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/down.db",
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0",
            "LOGIN_RATE_LIMIT": "2 per minute",
        }
    )
    with app.app_context():
        db.create_all()
    client = app.test_client()
    statuses = [client.post("/account/login", data={}).status_code for _ in range(3)]
    assert statuses[:2] == [200, 200]
    assert statuses[2] == 429
    with app.app_context():
        db.engine.dispose()
