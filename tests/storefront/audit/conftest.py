"""Audit-log fixtures: staff of each role and a product with two variants."""

from __future__ import annotations

import pytest

from tests.factories import make_product, make_user


@pytest.fixture
def admin_user(app):
    return make_user("admin@example.com", role="admin")


@pytest.fixture
def editor_user(app):
    return make_user("editor@example.com", role="editor")


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
    return make_product("magnesium-glycinate", title="Magnesium Glycinate", certified=True,
                        variants=[{"price": 1899, "stock": 20, "option": "60 capsules"},
                                  {"price": 2999, "stock": 5, "option": "120 capsules"}])
