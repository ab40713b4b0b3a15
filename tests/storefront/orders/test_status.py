"""The order lifecycle: only DESIGN.md's transitions, each one recorded as an event."""

from __future__ import annotations

import itertools

import pytest

from storefront.extensions import db
from storefront.orders.models import ALLOWED_TRANSITIONS, InvalidTransition, OrderStatus
from tests.factories import make_order

ALL = list(OrderStatus)
ALLOWED = [(a, b) for a, b in itertools.product(ALL, ALL) if b in ALLOWED_TRANSITIONS[a]]
REFUSED = [(a, b) for a, b in itertools.product(ALL, ALL) if b not in ALLOWED_TRANSITIONS[a]]


def test_lifecycle_is_the_one_in_the_design():
    assert ALLOWED_TRANSITIONS[OrderStatus.PENDING_PAYMENT] == {OrderStatus.PAID, OrderStatus.CANCELLED}
    assert OrderStatus.FULFILLED in ALLOWED_TRANSITIONS[OrderStatus.PAID]
    assert not ALLOWED_TRANSITIONS[OrderStatus.CANCELLED] and not ALLOWED_TRANSITIONS[OrderStatus.REFUNDED]
    assert OrderStatus.PENDING_PAYMENT not in set().union(*ALLOWED_TRANSITIONS.values())


@pytest.mark.parametrize("current,wanted", REFUSED, ids=[f"{a}->{b}" for a, b in REFUSED])
def test_every_other_transition_is_refused(app, current, wanted):
    order = make_order()
    order.status = current.value
    db.session.commit()
    with pytest.raises(InvalidTransition):
        order.set_status(wanted, "test")
    assert order.status == current.value


@pytest.mark.parametrize("current,wanted", ALLOWED, ids=[f"{a}->{b}" for a, b in ALLOWED])
def test_allowed_transitions_record_an_event(app, current, wanted):
    order = make_order()
    order.status = current.value
    before = len(order.events)
    order.set_status(wanted, "admin:ann@example.com", "why")
    db.session.commit()
    assert order.status == wanted.value
    event = order.events[-1]
    assert len(order.events) == before + 1
    assert (event.from_status, event.to_status, event.actor) == (current.value, wanted.value, "admin:ann@example.com")
