"""Staff-area fixtures: a catalog with one of everything (the signed-in staff are in tests/fixtures/staff.py)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.factories import make_collection, make_product, make_tag
from tests.fixtures.stripe import localstripe, stripe_app, stripe_harness  # noqa: F401


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
