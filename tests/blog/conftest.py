"""Fixtures for publication tests."""

from __future__ import annotations

import pytest

from tests.blog.helpers import make_author
from tests.fixtures.pieces import magnesium_product, zinc_product  # noqa: F401
from tests.fixtures.tiles import tile_renders  # noqa: F401


@pytest.fixture
def author(app):
    return make_author()


@pytest.fixture
def reviewer(app):
    return make_author("helen-marsh", "Dr Helen Marsh", "medical_reviewer", "MBBS")
