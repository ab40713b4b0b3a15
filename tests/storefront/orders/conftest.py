"""Order fixtures: Stripe (localstripe + the Checkout Sessions hook) for refunds through the real SDK."""

from tests.fixtures.stripe import localstripe, stripe_app, stripe_harness  # noqa: F401
