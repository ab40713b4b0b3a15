"""The one small interface every payment gateway implements, and the errors checkout catches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from storefront.payments.models import Payment


class PaymentError(Exception):
    """The payment provider could not do what we asked; the message is safe to log."""


class PaymentUnavailable(PaymentError):
    """The provider could not be reached or failed: the shopper keeps the cart and may retry."""


class RefundFailed(PaymentError):
    """The provider refused or failed a refund."""


@dataclass(frozen=True)
class ReturnUrls:
    """Where the provider sends the shopper back (absolute URLs, built by the view)."""

    success: str
    cancel: str


@dataclass(frozen=True)
class CheckoutRedirect:
    """A started payment: where to send the shopper, and the provider's ids for it."""

    url: str
    session_id: str
    payment_intent: str | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class RefundResult:
    refund_id: str
    status: str  # "succeeded", "pending" or "failed", as the provider says


@dataclass(frozen=True)
class CheckoutState:
    """What the provider says about a started checkout, for reconciling missed notifications."""

    status: str  # "open", "paid", "expired" or "unknown"
    amount: int | None = None
    currency: str | None = None
    payment_intent: str | None = None


class LineToPay(Protocol):
    title: str
    option_label: str
    sku: str
    unit_price: int
    quantity: int


class OrderToPay(Protocol):
    """What a gateway reads of an order (storefront.orders.models.Order): payments does not import orders."""

    id: int
    number: str
    public_token: str
    email: str
    currency: str
    shipping_total: int
    shipping_label: str
    lines: Sequence[LineToPay]


class PaymentGateway(Protocol):
    """A payment provider. Orders become paid only through its confirmed notification."""

    name: str

    def create_checkout(self, order: OrderToPay, urls: ReturnUrls) -> CheckoutRedirect:
        """Start paying for the order with server-side amounts; raises PaymentUnavailable."""
        ...

    def cancel_checkout(self, payment: Payment) -> None:
        """Stop an unfinished checkout so it can no longer be paid (best effort)."""
        ...

    def refund(self, payment: Payment, amount: int, idempotency_key: str) -> RefundResult:
        """Give back part or all of a captured payment; raises RefundFailed."""
        ...

    def checkout_state(self, payment: Payment, age_minutes: float) -> CheckoutState:
        """Ask the provider how a started checkout ended; raises PaymentUnavailable."""
        ...
