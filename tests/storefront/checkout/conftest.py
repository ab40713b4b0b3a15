"""Checkout fixtures: Stripe (localstripe + the Checkout Sessions hook) and the postgres_only skip."""

from __future__ import annotations

from tests.fixtures.postgres import on_postgresql, postgres_test_unavailable
from tests.fixtures.stripe import localstripe, stripe_app, stripe_harness  # noqa: F401


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres_only") and not on_postgresql():
        postgres_test_unavailable(
            "needs PostgreSQL: SQLite serialises every writer, so it cannot show row-level races "
            "(set TEST_DATABASE_URL=postgresql://... to run it)"
        )
