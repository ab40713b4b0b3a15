"""Payments fixtures: Stripe (localstripe + the Checkout Sessions hook)."""

from tests.fixtures.stripe import localstripe, stripe_app, stripe_harness  # noqa: F401
