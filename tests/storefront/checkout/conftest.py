"""Checkout fixtures: Stripe (localstripe + the Checkout Sessions hook) and the postgres_only skip."""

from __future__ import annotations

import os

import pytest

from tests.fixtures.stripe import localstripe, stripe_app, stripe_harness  # noqa: F401


def _on_sqlite() -> bool:
    return not (os.environ.get("TEST_DATABASE_URL") or "").startswith(("postgres://", "postgresql"))


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres_only") and _on_sqlite():
        pytest.skip(
            "needs PostgreSQL: SQLite serialises every writer, so it cannot show row-level races "
            "(set TEST_DATABASE_URL=postgresql://... to run it)"
        )
