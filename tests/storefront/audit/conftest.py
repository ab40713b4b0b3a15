"""Audit-log fixtures: a product with two variants (the signed-in staff are in tests/fixtures/staff.py)."""

from __future__ import annotations

import pytest

from tests.factories import make_product


@pytest.fixture
def product(app):
    return make_product("magnesium-glycinate", title="Magnesium Glycinate", certified=True,
                        variants=[{"price": 1899, "stock": 20, "option": "60 capsules"},
                                  {"price": 2999, "stock": 5, "option": "120 capsules"}])
