"""Validly signed webhooks with malformed fields (wrong types, huge numbers, missing fields, nested
nulls, text PostgreSQL refuses) never answer 500 and never change anything: Stripe retries a 5xx for
days, and a value no handler can use must not move an order, its stock or its money.

Each event type the shop handles starts from a base event that does change state (checked by the first
test, so the fuzz is not vacuous); Hypothesis then breaks one to three of the fields its handler reads.
"""

from __future__ import annotations

import copy
import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.mail import outbox
from storefront.orders.models import Order, OrderEvent
from storefront.payments.models import Payment, ProcessedEvent, UnmatchedPayment
from tests.factories import checkout_form, make_paid_order, make_product

CHECKOUT = checkout_form()
MISSING = object()  # a mutation that deletes the key
_event_ids = itertools.count(1)


# ---------------------------------------------------------------- the shop and the base events


@pytest.fixture
def shop(stripe_harness, client):
    """A pending Stripe order (paid on localstripe, webhook not yet here) and a paid one with a refund."""
    variant = make_product(price=1899, stock=5).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 2})
    client.post("/checkout", data=CHECKOUT)
    pending = db.session.scalar(select(Order).where(Order.status == "pending_payment"))
    session = stripe_harness.pay(stripe_harness.session_for(pending))
    session.update(customer_details={"email": "ada@example.com", "name": "Ada Shopper"}, livemode=False)

    paid = make_paid_order(gateway="stripe")
    charge = paid.payments[0]
    charge.provider_payment_intent = "pi_fuzz_paid"
    paid.payments.append(Payment(gateway="stripe", kind="refund", status="succeeded", amount=300,
                                 currency=paid.currency, provider_payment_intent="pi_fuzz_paid",
                                 provider_refund_id="re_fuzz_known"))
    paid.refunded_total = 300
    paid.status = "partially_refunded"
    db.session.commit()
    outbox().clear()

    orphan = dict(session, id="cs_test_orphan", client_reference_id="999999",
                  metadata={"order_id": "999999", "campaign": "spring"},
                  customer_details={"email": "lost@example.com", "name": "Lost Shopper"}, livemode=False)
    unpaid = dict(session, status="expired", payment_status="unpaid")
    return {
        # event type -> the object of an event that changes state
        "checkout.session.completed": session,  # pending -> paid
        "checkout.session.async_payment_succeeded": session,
        "orphan:checkout.session.completed": orphan,  # a payment without an order, kept for staff
        "checkout.session.expired": unpaid,  # pending -> cancelled, stock back
        "checkout.session.async_payment_failed": unpaid,
        "charge.refunded": {"id": "ch_fuzz", "object": "charge", "payment_intent": "pi_fuzz_paid",
                            "amount": paid.total, "amount_refunded": 800},
        "refund.created": {"id": "re_fuzz_new", "object": "refund", "status": "succeeded", "amount": 250,
                           "payment_intent": "pi_fuzz_paid"},
        "refund.updated": {"id": "re_fuzz_known", "object": "refund", "status": "failed", "amount": 300,
                           "payment_intent": "pi_fuzz_paid"},
    }


def _event(kind: str, obj: dict) -> dict:
    return {"id": f"evt_fuzz_{next(_event_ids)}", "object": "event", "api_version": "2025-01-27.acacia",
            "type": kind.split(":")[-1], "data": {"object": copy.deepcopy(obj)}}


def _post(harness, event: dict):
    return harness.post("", {}, payload=json.dumps(event))  # json.dumps writes NaN/Infinity as Python reads them


def _state() -> dict:
    """Everything a webhook may change (ProcessedEvent apart)."""
    db.session.expire_all()

    def rows(*columns):
        return sorted(tuple(row) for row in db.session.execute(select(*columns)))

    return {
        "orders": rows(Order.id, Order.status, Order.needs_review, Order.review_reason, Order.refunded_total,
                       Order.paid_at, Order.confirmation_sent_at),
        "stock": rows(Variant.id, Variant.stock),
        "payments": rows(Payment.id, Payment.kind, Payment.status, Payment.amount, Payment.currency,
                         Payment.provider_session_id, Payment.provider_payment_intent, Payment.provider_refund_id,
                         Payment.error),
        "unmatched": rows(UnmatchedPayment.id, UnmatchedPayment.amount, UnmatchedPayment.event_id),
        "order events": db.session.scalar(select(func.count()).select_from(OrderEvent)),
        "emails": len(outbox()),
    }


@pytest.mark.parametrize("kind", [
    "checkout.session.completed", "checkout.session.async_payment_succeeded", "orphan:checkout.session.completed",
    "checkout.session.expired", "checkout.session.async_payment_failed", "charge.refunded", "refund.created",
    "refund.updated",
])
def test_every_base_event_changes_state(stripe_harness, shop, kind):
    """Without this the fuzz below could pass by sending events that change nothing anyway."""
    before = _state()
    response = _post(stripe_harness, _event(kind, shop[kind]))
    assert response.status_code == 200
    assert not response.json["outcome"].startswith("ignored")
    assert _state() != before


# ---------------------------------------------------------------- what breaks a field

huge = st.one_of(st.integers(min_value=2**31), st.integers(max_value=-1), st.sampled_from([2**31, 2**63, 10**30, -1]))
not_text = st.one_of(
    st.integers(), st.floats(), st.booleans(), st.lists(st.none(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.none(), max_size=2), st.sampled_from([0, 1.5, True, [], {}, {"id": None}]),
)
not_amount = st.one_of(
    huge, st.text(max_size=12), st.floats(), st.booleans(), st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from(["abc", "100", "", 12.5, 1e300, float("nan"), float("inf"), True, [], {}]),
)
bad_text = st.one_of(  # text no provider id column (255) holds, or PostgreSQL refuses
    st.text(min_size=256, max_size=400), st.text(max_size=20).map(lambda t: t + "\x00"),
    st.sampled_from(["a\x00b", "x" * 256, "\x00"]),
)
absent = st.sampled_from([MISSING, None])
not_object = st.one_of(st.integers(), st.text(max_size=10), st.booleans(), st.lists(st.integers(), max_size=2))


def _fields(paid: bool) -> list[tuple[tuple, st.SearchStrategy]]:
    """(path in the session, values that make it malformed) for the fields the session handlers read."""
    required_if_paid = [absent] if paid else []
    return [
        (("id",), st.one_of(not_text, bad_text, absent, st.just(""))),
        (("payment_status",), st.one_of(not_text, absent, st.text(min_size=41, max_size=60))),
        (("amount_total",), st.one_of(not_amount, *required_if_paid)),
        (("currency",), st.one_of(not_text, st.sampled_from(["usdx", "us", "u$d", "€€€", "x" * 300]),
                                  *required_if_paid)),
        (("payment_intent",), st.one_of(not_text, bad_text)),
        (("metadata",), not_object),
        (("metadata", "order_id"), st.one_of(not_text, absent.filter(lambda v: v is None), huge,
                                             st.sampled_from(["1\x00", "9" * 501]))),
        (("metadata", "campaign"), st.one_of(not_text, st.just(None), st.just("x" * 501))),
        (("client_reference_id",), st.one_of(not_text, huge, st.just("9" * 201))),
        (("customer_details",), not_object),
        (("customer_details", "name"), st.one_of(not_text, st.just("x" * 301))),
        (("customer_details", "email"), st.one_of(not_text, st.just("a\x00@example.com"))),
        (("customer_email",), not_text),
        (("livemode",), st.one_of(st.integers(), st.text(max_size=5), st.lists(st.none(), max_size=1))),
    ]


REFUND_FIELDS = [
    (("id",), st.one_of(not_text, bad_text, absent, st.just(""))),
    (("status",), st.one_of(not_text, absent, st.text(min_size=41, max_size=60))),
    (("amount",), st.one_of(not_amount, absent)),
    (("payment_intent",), st.one_of(not_text, bad_text)),
]
FIELDS = {
    "checkout.session.completed": _fields(paid=True),
    "checkout.session.async_payment_succeeded": _fields(paid=True),
    "orphan:checkout.session.completed": _fields(paid=True),
    "checkout.session.expired": _fields(paid=False),
    "checkout.session.async_payment_failed": _fields(paid=False),
    "charge.refunded": [
        (("payment_intent",), st.one_of(not_text, bad_text)),
        (("amount_refunded",), st.one_of(not_amount, absent)),
    ],
    "refund.created": REFUND_FIELDS,
    "refund.updated": REFUND_FIELDS,
}
# The event around the object: these are refused with a 400 before anything is read.
ENVELOPE_FIELDS = [
    (("id",), st.one_of(not_text, bad_text, absent, st.just(""))),
    (("type",), st.one_of(not_text, absent, st.just(""), st.just("x" * 81))),
    (("data",), st.one_of(not_object, absent)),
    (("data", "object"), st.one_of(not_object, absent)),
]


def _set(target: dict, path: tuple, value) -> None:
    for key in path[:-1]:
        target = target.get(key)
        if not isinstance(target, dict):
            return  # an earlier mutation already replaced the parent
    if value is MISSING:
        target.pop(path[-1], None)
    else:
        target[path[-1]] = value


@settings(max_examples=250, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_signed_events_with_malformed_fields_change_nothing(stripe_harness, shop, data):
    kind = data.draw(st.sampled_from(sorted(FIELDS)), label="event")
    event = _event(kind, shop[kind])
    in_envelope = data.draw(st.integers(0, 9), label="envelope?") == 0
    fields = ENVELOPE_FIELDS if in_envelope else FIELDS[kind]
    for path, values in data.draw(st.lists(st.sampled_from(fields), min_size=1, max_size=3), label="fields"):
        _set(event if in_envelope else event["data"]["object"], path, data.draw(values, label=".".join(path)))
    processed = db.session.scalar(select(func.count()).select_from(ProcessedEvent))
    before = _state()

    response = _post(stripe_harness, event)

    assert response.status_code in (200, 400), response.data
    assert _state() == before
    db.session.expire_all()
    recorded = list(db.session.scalars(select(ProcessedEvent).order_by(ProcessedEvent.id).offset(processed)))
    if response.status_code == 200:  # recorded as ignored, so a redelivery is a duplicate
        assert response.json["outcome"].startswith("ignored: malformed"), response.json
        assert [(e.event_id, e.outcome) for e in recorded] == [(event["id"], response.json["outcome"][:300])]
    else:
        assert recorded == []


# ---------------------------------------------------------------- the cases the issue names, spelt out


def test_amount_total_as_text_is_ignored_not_a_server_error(stripe_harness, shop):
    session = dict(shop["checkout.session.completed"], amount_total="abc")
    response = _post(stripe_harness, _event("checkout.session.completed", session))
    assert response.status_code == 200
    assert response.json["outcome"] == "ignored: malformed amount_total is str, not an integer"
    order = db.session.scalar(select(Order).where(Order.id == int(session["metadata"]["order_id"])))
    assert order.status == "pending_payment" and not order.needs_review


def test_an_order_id_beyond_the_integer_range_is_no_order_of_ours(stripe_harness, shop):
    """As text (how Stripe sends metadata) it is a reference to no order here: an expiry changes
    nothing, a paid session is kept for staff like any other payment without an order."""
    expired = dict(shop["checkout.session.expired"], metadata={"order_id": "9" * 30}, client_reference_id=None)
    response = _post(stripe_harness, _event("checkout.session.expired", expired))
    assert (response.status_code, response.json["outcome"]) == (200, "no matching order")
    assert db.session.scalar(select(func.count()).select_from(Order).where(Order.status == "cancelled")) == 0

    paid = dict(shop["orphan:checkout.session.completed"], metadata={"order_id": "9" * 30}, client_reference_id=None)
    assert _post(stripe_harness, _event("checkout.session.completed", paid)).status_code == 200
    (kept,) = db.session.scalars(select(UnmatchedPayment))
    assert f"for order id {'9' * 30}, which was not found" in kept.summary

    as_number = dict(expired, metadata={"order_id": 10**30})  # not text: Stripe never sends that
    response = _post(stripe_harness, _event("checkout.session.expired", as_number))
    assert response.json["outcome"] == "ignored: malformed metadata.order_id is int, not text"


def test_a_signed_body_that_is_json_but_not_an_event_object_is_refused(stripe_harness):
    for body in ("[]", "null", "123", '"evt"', "[" * 100_000 + "]" * 100_000):
        assert stripe_harness.post("", {}, payload=body).status_code == 400
    assert db.session.scalar(select(func.count()).select_from(ProcessedEvent)) == 0
