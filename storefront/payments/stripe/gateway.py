"""Stripe Checkout through the official SDK (`stripe.StripeClient`).

Tests (and anyone) can hand the SDK a custom HTTP client by putting it in
`app.extensions["larder.stripe_http_client"]`; the app's code runs unchanged through the SDK.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import stripe

from storefront.clock import now
from storefront.payments.base import (
    CheckoutRedirect,
    CheckoutState,
    PaymentUnavailable,
    RefundFailed,
    RefundResult,
    ReturnUrls,
)

HTTP_CLIENT_KEY = "larder.stripe_http_client"
# Stripe accepts 30 minutes to 24 hours; stock stays reserved until then.
DEFAULT_EXPIRY_MINUTES = 60


def _line_item(line, code: str | None, currency: str) -> dict:
    """One order line as Stripe charges it: what the shopper pays for it, to the cent. A line whose
    discount divides evenly by its quantity keeps its quantity at the discounted unit price; else it
    goes as one item at its paid total ("3 × Magnesium"), so Stripe never rounds a unit price."""
    name = line.title if not line.option_label else f"{line.title} ({line.option_label})"
    discount = line.discount or 0
    unit, quantity = line.unit_price, line.quantity
    if discount:
        name = f"{name}, with code {code}" if code else name
        if discount % line.quantity == 0:
            unit = line.unit_price - discount // line.quantity
        else:
            unit, quantity, name = line.paid_total, 1, f"{line.quantity} × {name}"
    return {
        "price_data": {
            "currency": currency,
            "unit_amount": unit,
            "product_data": {"name": name, "metadata": {"sku": line.sku}},
        },
        "quantity": quantity,
    }


def _shipping_name(order) -> str:
    label = order.shipping_label or "Shipping"
    if order.shipping_discount and order.discount_code:
        return f"{label} (free with code {order.discount_code})"
    return label


class StripeGateway:
    name = "stripe"

    def __init__(self, client: stripe.StripeClient, expiry_minutes: int = DEFAULT_EXPIRY_MINUTES) -> None:
        self.client = client
        self.expiry_minutes = max(30, min(int(expiry_minutes), 24 * 60))

    @classmethod
    def from_app(cls, app) -> StripeGateway:
        key = app.config.get("STRIPE_SECRET_KEY")
        if not key:
            raise PaymentUnavailable("STRIPE_SECRET_KEY is not set")
        base = app.config.get("STRIPE_API_BASE")
        client = stripe.StripeClient(
            key,
            base_addresses={"api": base} if base else None,
            max_network_retries=int(app.config.get("STRIPE_MAX_NETWORK_RETRIES", 2)),
            http_client=app.extensions.get(HTTP_CLIENT_KEY),
        )
        return cls(client, app.config.get("STRIPE_CHECKOUT_EXPIRY_MINUTES", DEFAULT_EXPIRY_MINUTES))

    def checkout_params(self, order, urls: ReturnUrls) -> dict:
        """The Checkout Session, built from the order's stored lines and totals only."""
        currency = order.currency.lower()
        line_items = [_line_item(line, order.discount_code, currency) for line in order.lines]
        params: dict = {
            "mode": "payment",
            "line_items": line_items,
            "metadata": {"order_id": str(order.id), "order_number": order.number},
            "payment_intent_data": {"metadata": {"order_id": str(order.id), "order_number": order.number}},
            "client_reference_id": str(order.id),
            "customer_email": order.email,
            "success_url": urls.success + ("&" if "?" in urls.success else "?") + "session_id={CHECKOUT_SESSION_ID}",
            "cancel_url": urls.cancel,
            "expires_at": int((now() + timedelta(minutes=self.expiry_minutes)).timestamp()),
        }
        if order.shipping_total or order.shipping_label:
            params["shipping_options"] = [
                {
                    "shipping_rate_data": {
                        "type": "fixed_amount",
                        "display_name": _shipping_name(order),
                        "fixed_amount": {"amount": order.shipping_total - order.shipping_discount, "currency": currency},
                    }
                }
            ]
        return params

    def create_checkout(self, order, urls: ReturnUrls) -> CheckoutRedirect:
        try:
            session = self.client.v1.checkout.sessions.create(
                params=self.checkout_params(order, urls),
                options={"idempotency_key": f"larder-checkout-{order.number}"},
            )
        except stripe.StripeError as error:
            raise PaymentUnavailable(f"Stripe: {type(error).__name__}: {error.user_message or error}") from error
        expires = session.expires_at
        return CheckoutRedirect(
            url=session.url,
            session_id=session.id,
            payment_intent=session.payment_intent if isinstance(session.payment_intent, str) else None,
            expires_at=datetime.fromtimestamp(expires, UTC) if expires else None,
        )

    def cancel_checkout(self, payment) -> None:
        if not payment.provider_session_id:
            return
        try:
            self.client.v1.checkout.sessions.expire(payment.provider_session_id)
        except stripe.StripeError as error:
            raise PaymentUnavailable(f"Stripe: {error}") from error

    def refund(self, payment, amount: int, idempotency_key: str) -> RefundResult:
        if not payment.provider_payment_intent:
            raise RefundFailed("This payment has no Stripe PaymentIntent to refund yet")
        try:
            refund = self.client.v1.refunds.create(
                params={"payment_intent": payment.provider_payment_intent, "amount": amount},
                options={"idempotency_key": idempotency_key},
            )
        except stripe.StripeError as error:
            raise RefundFailed(f"Stripe: {error.user_message or error}") from error
        return RefundResult(refund_id=refund.id, status=refund.status or "pending")

    def checkout_state(self, payment, age_minutes: float) -> CheckoutState:
        if not payment.provider_session_id:
            return CheckoutState("unknown")
        try:
            session = self.client.v1.checkout.sessions.retrieve(payment.provider_session_id)
        except stripe.StripeError as error:
            raise PaymentUnavailable(f"Stripe: {error}") from error
        if session.status == "complete" and session.payment_status == "paid":
            status = "paid"
        elif session.status == "expired":
            status = "expired"
        else:
            status = "open"
        intent = session.payment_intent
        return CheckoutState(
            status,
            amount=session.amount_total,
            currency=session.currency,
            payment_intent=intent if isinstance(intent, str) else None,
        )
