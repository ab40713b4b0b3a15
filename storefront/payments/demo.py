"""A keyless gateway for local runs: a clearly labelled demo page with Pay and Cancel.

Production refuses to start with it (ProductionConfig.validate).
"""

from __future__ import annotations

import secrets

from flask import url_for

from storefront.payments.base import (
    CheckoutRedirect,
    CheckoutState,
    RefundResult,
    ReturnUrls,
)

# A demo checkout not paid within this time was abandoned (there is no provider to ask).
DEMO_CHECKOUT_MINUTES = 60


class DemoGateway:
    name = "demo"

    def create_checkout(self, order, urls: ReturnUrls) -> CheckoutRedirect:
        # The demo page is checkout's (it confirms through orders): named by endpoint, never imported.
        return CheckoutRedirect(
            url=url_for("checkout.demo_payment", token=order.public_token),
            session_id=f"demo_cs_{secrets.token_hex(8)}",
        )

    def cancel_checkout(self, payment) -> None:
        """Nothing to stop: the demo page only acts on pending orders."""

    def refund(self, payment, amount: int, idempotency_key: str) -> RefundResult:
        return RefundResult(refund_id=f"demo_re_{secrets.token_hex(8)}", status="succeeded")

    def checkout_state(self, payment, age_minutes: float) -> CheckoutState:
        return CheckoutState("expired" if age_minutes >= DEMO_CHECKOUT_MINUTES else "open")
