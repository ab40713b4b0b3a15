"""Provider events applied exactly once (storefront/payments/events.py), whatever the provider: a
redelivery is not applied again, a concurrent delivery that won the race keeps the only effect, an
event that cannot be read is recorded as ignored, a failing handler records nothing (so the provider
retries), and each event is logged with what it did."""

from __future__ import annotations

import itertools
import logging

import pytest
from sqlalchemy import insert, select

from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.mail import outbox
from storefront.orders.models import Order
from storefront.orders.payment_events import apply_payment_event
from storefront.payments.events import (
    HANDLER_KEY,
    CheckoutEnded,
    Malformed,
    Provider,
    process_event,
)
from storefront.payments.models import ProcessedEvent
from tests.factories import make_order, make_product

STRIPE = Provider("stripe", "Stripe")
OTHER = Provider("otherpay", "OtherPay")
_ids = itertools.count(1)


def _ended(order_id: int) -> CheckoutEnded:
    return CheckoutEnded(provider=STRIPE, order_id=order_id, reason="Checkout session expired; stock released")


def _readers(event) -> dict:
    return {"session.ended": lambda obj: event}


def _order() -> Order:
    order = make_order([(make_product(price=2000, stock=5).variants[0], 2)])
    assert order.status == "pending_payment"
    return order


def _state(order: Order) -> tuple:
    db.session.expire_all()
    fresh = db.session.get(Order, order.id)
    return fresh.status, db.session.get(Variant, fresh.lines[0].variant_id).stock, len(fresh.events)


def _processed() -> list[tuple]:
    db.session.expire_all()
    return [(e.provider, e.event_id, e.event_type, e.order_id, e.outcome)
            for e in db.session.scalars(select(ProcessedEvent).order_by(ProcessedEvent.id))]


@pytest.fixture
def handled(app, monkeypatch) -> list:
    """The orders handler, counting the events it is handed."""
    seen = []

    def counting(event):
        seen.append(event)
        return apply_payment_event(event)

    monkeypatch.setitem(app.extensions, HANDLER_KEY, counting)
    return seen


def test_a_redelivered_event_is_answered_duplicate_without_being_applied_again(app, handled):
    order = _order()
    assert process_event(STRIPE, _readers(_ended(order.id)), "evt_once", "session.ended", {}) == "cancelled"
    after = _state(order)
    for _ in range(3):
        assert process_event(STRIPE, _readers(_ended(order.id)), "evt_once", "session.ended", {}) == "duplicate"
    assert len(handled) == 1
    assert _state(order) == after
    assert _processed() == [("stripe", "evt_once", "session.ended", order.id, "cancelled")]


def test_the_same_event_id_from_another_provider_is_another_event(app, handled):
    first, second = _order(), _order()
    assert process_event(STRIPE, _readers(_ended(first.id)), "evt_1", "session.ended", {}) == "cancelled"
    assert process_event(OTHER, _readers(_ended(second.id)), "evt_1", "session.ended", {}) == "cancelled"
    assert len(handled) == 2
    assert _state(second)[0] == "cancelled"
    assert [(p, e, o) for p, e, _, o, _ in _processed()] == [("stripe", "evt_1", first.id), ("otherpay", "evt_1", second.id)]


def test_a_concurrent_delivery_that_won_the_race_keeps_the_only_effect(app, monkeypatch):
    order = _order()
    before = _state(order)
    outbox().clear()

    def racing(event):
        # The same event delivered twice at once: the other delivery commits its row first.
        with db.engine.begin() as other:
            other.execute(insert(ProcessedEvent).values(provider="stripe", event_id="evt_race",
                                                        event_type="session.ended", outcome="cancelled"))
        return apply_payment_event(event)

    monkeypatch.setitem(app.extensions, HANDLER_KEY, racing)
    assert process_event(STRIPE, _readers(_ended(order.id)), "evt_race", "session.ended", {}) == "duplicate"
    assert _state(order) == before  # this delivery's cancellation was rolled back
    assert _processed() == [("stripe", "evt_race", "session.ended", None, "cancelled")]
    assert outbox() == []


def test_a_handler_that_fails_records_nothing_so_the_provider_retries(app, monkeypatch):
    order = _order()
    before = _state(order)

    def failing(event):
        apply_payment_event(event)
        raise RuntimeError("database went away")

    monkeypatch.setitem(app.extensions, HANDLER_KEY, failing)
    with pytest.raises(RuntimeError, match="database went away"):
        process_event(STRIPE, _readers(_ended(order.id)), "evt_fail", "session.ended", {})
    assert _state(order) == before
    assert _processed() == []
    monkeypatch.setitem(app.extensions, HANDLER_KEY, apply_payment_event)
    assert process_event(STRIPE, _readers(_ended(order.id)), "evt_fail", "session.ended", {}) == "cancelled"


def test_without_a_registered_handler_nothing_is_recorded_and_it_says_why(app, monkeypatch):
    order = _order()
    monkeypatch.delitem(app.extensions, HANDLER_KEY)
    with pytest.raises(RuntimeError) as missing:
        process_event(STRIPE, _readers(_ended(order.id)), "evt_early", "session.ended", {})
    assert str(missing.value) == "No payment event handler: storefront.orders.init_app registers it"
    assert _processed() == []


def test_an_event_that_cannot_be_read_is_recorded_as_ignored_and_changes_nothing(app, caplog):
    order = _order()
    before = _state(order)

    def unreadable(obj):
        db.session.get(Order, order.id).status = "cancelled"  # half-read: nothing of it may stay
        raise Malformed("amount_total", "is str, not an integer")

    with caplog.at_level(logging.WARNING, logger="storefront.payments.events"):
        outcome = process_event(STRIPE, {"session.ended": unreadable}, "evt_bad", "session.ended", {})
    assert outcome == "ignored: malformed amount_total is str, not an integer"
    assert _state(order) == before
    assert _processed() == [("stripe", "evt_bad", "session.ended", None, outcome)]
    assert caplog.messages == [
        "Stripe event evt_bad session.ended ignored: malformed amount_total is str, not an integer"]


def test_an_event_type_no_reader_knows_is_recorded_as_ignored(app, handled):
    assert process_event(STRIPE, {}, "evt_other", "customer.created", {}) == "ignored"
    assert handled == []
    assert _processed() == [("stripe", "evt_other", "customer.created", None, "ignored")]


def test_each_event_is_logged_with_what_it_did(app, caplog):
    order = _order()
    with caplog.at_level(logging.INFO, logger="storefront.payments.events"):
        process_event(STRIPE, _readers(_ended(order.id)), "evt_logged", "session.ended", {})
    assert caplog.messages == ["Stripe event evt_logged session.ended: cancelled"]

