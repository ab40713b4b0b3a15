"""The Stripe webhook: a genuine, well-formed event is handed to events.process_stripe_event."""

from __future__ import annotations

import json

import stripe
from flask import abort, current_app, request

from storefront.payments import bp
from storefront.payments.stripe import objects
from storefront.payments.stripe.events import process_stripe_event


def verify_webhook(payload: bytes, signature: str | None, secret: str) -> str:
    """The body as text, if the Stripe-Signature header is valid (and recent); raises
    SignatureVerificationError, or ValueError for a body that is not UTF-8.

    Only the signature is checked: the caller parses the JSON itself. (The SDK's construct_event
    also builds an Event, and raises AttributeError on a signed body that is JSON but not an object.)
    """
    text = payload.decode("utf-8")
    stripe.WebhookSignature.verify_header(text, signature, secret, stripe.Webhook.DEFAULT_TOLERANCE)
    return text


# The URL given to Stripe's dashboard since checkout first had it: kept as it is.
@bp.post("/checkout/stripe/webhook")
def stripe_webhook():
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        abort(404)
    payload = request.get_data()
    try:
        body = verify_webhook(payload, request.headers.get("Stripe-Signature"), secret)  # raises unless genuine
        event = objects.envelope(json.loads(body))  # act on plain JSON, not on SDK objects
    except stripe.SignatureVerificationError:
        return {"error": "invalid signature"}, 400
    except (ValueError, RecursionError):  # not UTF-8 or JSON (or nested past Python's limit); not an event
        return {"error": "invalid payload"}, 400
    outcome = process_stripe_event(event.id, event.type, event.object)
    return {"received": True, "outcome": outcome}, 200
