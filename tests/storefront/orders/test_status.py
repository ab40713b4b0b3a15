"""The order lifecycle: only DESIGN.md's transitions, each one recorded as an event."""

from __future__ import annotations

import itertools

import pytest

from storefront.extensions import db
from storefront.orders.models import ALLOWED_TRANSITIONS, InvalidTransition, OrderStatus
from tests.factories import make_order

# The lifecycle, written out here rather than read from ALLOWED_TRANSITIONS: a transition added
# to (or dropped from) the table by mistake fails these tests instead of joining them.
LIFECYCLE = {
    ("pending_payment", "paid"),
    ("pending_payment", "cancelled"),
    ("paid", "fulfilled"),
    ("paid", "cancelled"),
    ("paid", "refunded"),
    ("paid", "partially_refunded"),
    ("fulfilled", "refunded"),
    ("fulfilled", "partially_refunded"),
    ("partially_refunded", "partially_refunded"),  # a second partial refund
    ("partially_refunded", "refunded"),
    ("partially_refunded", "fulfilled"),  # shipped after a partial refund
}
STATUSES = ["pending_payment", "paid", "fulfilled", "cancelled", "refunded", "partially_refunded"]

PAIRS = list(itertools.product(STATUSES, STATUSES))
ALLOWED = [pair for pair in PAIRS if pair in LIFECYCLE]
REFUSED = [pair for pair in PAIRS if pair not in LIFECYCLE]


def test_the_statuses_are_the_ones_the_lifecycle_lists():
    # A new status must be placed in LIFECYCLE above before any order can reach or leave it.
    assert sorted(s.value for s in OrderStatus) == sorted(STATUSES)


def test_the_table_is_the_lifecycle():
    table = {(a.value, b.value) for a, targets in ALLOWED_TRANSITIONS.items() for b in targets}
    assert table == LIFECYCLE


@pytest.mark.parametrize("current,wanted", REFUSED, ids=[f"{a}->{b}" for a, b in REFUSED])
def test_every_other_transition_is_refused(app, current, wanted):
    order = make_order()
    order.status = current
    db.session.commit()
    assert not order.can_become(wanted)
    with pytest.raises(InvalidTransition):
        order.set_status(wanted, "test")
    assert order.status == current


@pytest.mark.parametrize("current,wanted", ALLOWED, ids=[f"{a}->{b}" for a, b in ALLOWED])
def test_allowed_transitions_record_an_event(app, current, wanted):
    order = make_order()
    order.status = current
    before = len(order.events)
    assert order.can_become(wanted)
    order.set_status(wanted, "admin:ann@example.com", "why")
    db.session.commit()
    assert order.status == wanted
    event = order.events[-1]
    assert len(order.events) == before + 1
    assert (event.from_status, event.to_status, event.actor) == (current, wanted, "admin:ann@example.com")
