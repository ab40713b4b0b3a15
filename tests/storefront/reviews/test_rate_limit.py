"""Posting reviews is rate-limited, with the site's 429 page."""

from __future__ import annotations

import pytest

from storefront import create_app
from storefront.extensions import db


@pytest.fixture
def limited_app(tmp_path):
    app = create_app({
        "LARDER_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/limits.db",
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "REVIEW_RATE_LIMIT": "3 per minute",
    })
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_fourth_review_post_in_a_minute_gets_the_429_page(limited_app):
    client = limited_app.test_client()
    statuses = [client.post("/reviews/write/not-a-token", data={}).status_code for _ in range(3)]
    assert 429 not in statuses
    response = client.post("/reviews/write/not-a-token", data={})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "<html" in page and "Slow down" in page


def test_reading_the_form_is_not_limited(limited_app):
    client = limited_app.test_client()
    assert 429 not in [client.get("/reviews/write/not-a-token").status_code for _ in range(6)]
