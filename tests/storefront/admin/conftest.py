"""Staff-area fixtures: users of each role and a catalog with one of everything."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.factories import make_collection, make_product, make_tag, make_user
from tests.fixtures.stripe import localstripe, stripe_app, stripe_harness  # noqa: F401


@pytest.fixture
def admin_user(app):
    return make_user("admin@example.com", role="admin")


@pytest.fixture
def editor_user(app):
    return make_user("editor@example.com", role="editor")


@pytest.fixture
def reviewer_user(app):
    return make_user("reviewer@example.com", role="reviewer")


@pytest.fixture
def as_reviewer(client, auth, reviewer_user):
    auth.login(reviewer_user)
    return client


@pytest.fixture
def customer_user(app):
    return make_user("customer@example.com", role="customer")


@pytest.fixture
def as_admin(client, auth, admin_user):
    auth.login(admin_user)
    return client


@pytest.fixture
def as_editor(client, auth, editor_user):
    auth.login(editor_user)
    return client


@pytest.fixture
def product(app):
    return make_product("magnesium-glycinate", title="Magnesium Glycinate", certified=True, tags=["vegan"],
                        variants=[{"price": 1899, "stock": 20, "option": "60 capsules"},
                                  {"price": 2999, "stock": 5, "option": "120 capsules"}])


@pytest.fixture
def collection(app):
    return make_collection("supplements")


@pytest.fixture
def tag(app):
    return make_tag("low-sugar", "Low sugar")


def png_bytes(size=(64, 48), color=(200, 30, 30), fmt="PNG", **save) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format=fmt, **save)
    return buf.getvalue()
