"""What each payment event does to an order (storefront/orders/payment_events.py), delivered the way
payments delivers it: through process_event, so the effect and the event's ProcessedEvent row commit
together. Each test reads back what was stored: the order's status, money and history, the payment
rows, the ProcessedEvent row (its outcome is what Stripe is answered) and the emails sent."""

from __future__ import annotations

import itertools

from sqlalchemy import func, select, update

from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.mail import outbox
from storefront.orders.models import Order
from storefront.payments.events import (
    ChargeRefunded,
    CheckoutCompleted,
    CheckoutEnded,
    Provider,
    RefundUpdated,
    process_event,
)
from storefront.payments.models import Payment, ProcessedEvent, UnmatchedPayment
from tests.factories import make_order, make_paid_order, make_product

PROVIDER = Provider("stripe", "Stripe")
_ids = itertools.count(1)


def _deliver(event) -> ProcessedEvent:
    """Process one event once, as a provider module does; the ProcessedEvent row it left."""
    event_id = f"evt_orders_{next(_ids)}"
    outcome = process_event(PROVIDER, {"the.event": lambda obj: event}, event_id, "the.event", {})
    db.session.expire_all()
    row = db.session.scalar(select(ProcessedEvent).where(ProcessedEvent.event_id == event_id))
    assert row.outcome == outcome
    return row


def _fresh(order: Order) -> Order:
    db.session.expire_all()
    return db.session.get(Order, order.id)


def _history(order: Order) -> list[tuple[str, str, str, str]]:
    return [(e.from_status, e.to_status, e.actor, e.note) for e in _fresh(order).events]


def _pending(price=2000, stock=5, quantity=1, sessions=("cs_first",)) -> Order:
    """A pending order (stock held) with one checkout payment row per session id."""
    variant = make_product(price=price, stock=stock).variants[0]
    order = make_order([(variant, quantity)])
    for session_id in sessions:
        order.payments.append(Payment(gateway="stripe", amount=order.total, currency=order.currency,
                                      provider_session_id=session_id))
    db.session.commit()
    return order


def _paid(intent="pi_paid") -> Order:
    """A paid order of $24.95 ($20.00 + $4.95 delivery) whose charge has a payment intent."""
    order = make_paid_order([(make_product(price=2000, stock=5).variants[0], 1)], gateway="stripe")
    order.payments[0].provider_payment_intent = intent
    db.session.commit()
    assert order.total == 2495
    return order


def _completed(order_id, *, paid=True, amount=2495, currency="usd", session_id="cs_first", intent="pi_new",
               payment_status=None, unmatched=None) -> CheckoutCompleted:
    return CheckoutCompleted(provider=PROVIDER, order_id=order_id, session_id=session_id, paid=paid,
                             payment_status=payment_status or ("paid" if paid else "unpaid"), amount=amount,
                             currency=currency, payment_intent=intent, unmatched=unmatched)


def _refunds(order: Order) -> list[tuple]:
    return [(p.gateway, p.kind, p.status, p.amount, p.currency, p.provider_payment_intent, p.provider_refund_id)
            for p in _fresh(order).payments if p.kind == "refund"]


def _stock(variant_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Variant, variant_id).stock


# ---------------------------------------------------------------- a checkout completed


def test_a_paid_checkout_pays_its_order_records_its_charge_and_sends_one_email(app):
    order = _pending()
    outbox().clear()
    row = _deliver(_completed(order.id, amount=order.total, intent="pi_paid_now"))
    assert (row.outcome, row.order_id) == ("paid", order.id)
    paid = _fresh(order)
    assert paid.status == "paid" and paid.paid_at is not None and not paid.needs_review
    assert [(p.provider_session_id, p.status, p.provider_payment_intent) for p in paid.payments] == [
        ("cs_first", "succeeded", "pi_paid_now")]
    assert _history(order)[-1] == ("pending_payment", "paid", "stripe", "Payment confirmed")
    assert [m["To"] for m in outbox()] == [order.email]


def test_the_session_paid_is_the_checkout_row_marked_paid_when_the_order_has_several(app):
    order = _pending(sessions=("cs_first", "cs_retry"))
    _deliver(_completed(order.id, amount=order.total, session_id="cs_first", intent="pi_first"))
    assert [(p.provider_session_id, p.status, p.provider_payment_intent) for p in _fresh(order).payments] == [
        ("cs_first", "succeeded", "pi_first"), ("cs_retry", "pending", None)]


def test_a_payment_after_another_worker_cancelled_the_order_sees_the_cancellation(app):
    """The order is read afresh under its lock: a copy this session read earlier (still pending) must not
    be paid over a cancellation another worker committed since."""
    order = _pending()
    assert order.status == "pending_payment"  # this session now holds the order as pending
    with db.engine.begin() as other_worker:
        other_worker.execute(update(Order).where(Order.id == order.id).values(status="cancelled"))
    row = _deliver(_completed(order.id, amount=order.total))
    assert row.outcome == "not paid: flagged or already handled"
    late = _fresh(order)
    assert (late.status, late.needs_review) == ("cancelled", True)
    assert late.review_reason == "Payment of $24.95 arrived after the order was cancelled"


def test_a_completed_checkout_not_yet_paid_waits_and_says_why(app):
    order = _pending()
    row = _deliver(_completed(order.id, paid=False, payment_status="unpaid"))
    assert (row.outcome, row.order_id) == ("session complete, payment unpaid: waiting", order.id)
    waiting = _fresh(order)
    assert waiting.status == "pending_payment" and not waiting.needs_review
    assert waiting.payments[0].status == "pending" and waiting.payments[0].provider_payment_intent is None


def test_a_paid_checkout_for_the_wrong_amount_is_flagged_and_sends_nothing(app):
    order = _pending()
    outbox().clear()
    row = _deliver(_completed(order.id, amount=order.total - 1))
    assert (row.outcome, row.order_id) == ("not paid: flagged or already handled", order.id)
    flagged = _fresh(order)
    assert flagged.status == "pending_payment" and flagged.needs_review
    assert flagged.review_reason == "Paid $24.94 but the order total is $24.95"
    assert _history(order)[-1][2] == "stripe"
    assert outbox() == []


def test_a_paid_checkout_for_an_order_already_paid_changes_nothing_and_sends_nothing(app):
    order = _paid()
    outbox().clear()
    before = _history(order)
    row = _deliver(_completed(order.id, amount=order.total))
    assert (row.outcome, row.order_id) == ("not paid: flagged or already handled", order.id)
    assert _fresh(order).status == "paid" and _history(order) == before
    assert outbox() == []


def test_a_paid_checkout_for_no_order_here_is_kept_for_staff(app):
    kept = {"amount": 4242, "currency": "usd", "session_id": "cs_lost", "payment_intent": "pi_lost",
            "email": "lost@example.com", "summary": "Checkout Session cs_lost with no order reference"}
    for order_id in (None, 999_999):
        row = _deliver(_completed(order_id, amount=4242, session_id="cs_lost", unmatched=kept))
        assert (row.outcome, row.order_id) == ("no matching order: kept as a payment without an order", None)
    (payment,) = db.session.scalars(select(UnmatchedPayment))
    assert (payment.amount, payment.currency, payment.session_id, payment.email) == (
        4242, "USD", "cs_lost", "lost@example.com")


def test_an_unpaid_checkout_for_no_order_here_keeps_nothing(app):
    for order_id in (None, 999_999):
        row = _deliver(_completed(order_id, paid=False, session_id="cs_unpaid"))
        assert (row.outcome, row.order_id) == ("no matching order", None)
    assert db.session.scalar(select(func.count()).select_from(UnmatchedPayment)) == 0


# ---------------------------------------------------------------- a checkout that can no longer be paid


def test_an_ended_checkout_cancels_its_pending_order_and_gives_the_stock_back(app):
    order = _pending(stock=5, quantity=2)
    variant_id = order.lines[0].variant_id
    assert _stock(variant_id) == 3
    row = _deliver(CheckoutEnded(provider=PROVIDER, order_id=order.id, reason="Checkout session expired; stock released"))
    assert (row.outcome, row.order_id) == ("cancelled", order.id)
    assert _fresh(order).status == "cancelled" and _stock(variant_id) == 5
    assert _history(order)[-1] == ("pending_payment", "cancelled", "stripe", "Checkout session expired; stock released")
    assert _fresh(order).payments[0].status == "cancelled"


def test_an_ended_checkout_leaves_an_order_that_is_no_longer_pending(app):
    order = _paid()
    stock = _stock(order.lines[0].variant_id)
    before = _history(order)
    row = _deliver(CheckoutEnded(provider=PROVIDER, order_id=order.id, reason="Checkout session expired; stock released"))
    assert (row.outcome, row.order_id) == ("order already paid", order.id)
    assert _fresh(order).status == "paid" and _history(order) == before
    assert _stock(order.lines[0].variant_id) == stock


def test_an_ended_checkout_for_no_order_here_does_nothing(app):
    for order_id in (None, 999_999):
        row = _deliver(CheckoutEnded(provider=PROVIDER, order_id=order_id, reason="expired"))
        assert (row.outcome, row.order_id) == ("no matching order", None)


# ---------------------------------------------------------------- a charge's refunded total


def test_a_charges_refunded_total_is_recorded_once_and_only_what_is_new_is_added(app):
    order = _paid()
    row = _deliver(ChargeRefunded(provider=PROVIDER, payment_intent="pi_paid", amount_refunded=700))
    assert (row.outcome, row.order_id) == ("refund recorded", order.id)
    assert _history(order)[-1] == ("paid", "partially_refunded", "stripe", "Refunded $7.00 in Stripe")

    row = _deliver(ChargeRefunded(provider=PROVIDER, payment_intent="pi_paid", amount_refunded=700))
    assert (row.outcome, row.order_id) == ("refund already recorded", order.id)
    row = _deliver(ChargeRefunded(provider=PROVIDER, payment_intent="pi_paid", amount_refunded=500))  # late, older
    assert (row.outcome, row.order_id) == ("refund already recorded", order.id)
    assert _fresh(order).refunded_total == 700

    row = _deliver(ChargeRefunded(provider=PROVIDER, payment_intent="pi_paid", amount_refunded=701))  # one cent more
    assert row.outcome == "refund recorded"
    assert _fresh(order).refunded_total == 701
    assert _history(order)[-1][3] == "Refunded $0.01 in Stripe"


def test_a_charge_refunded_in_full_refunds_the_order(app):
    order = _paid()
    _deliver(ChargeRefunded(provider=PROVIDER, payment_intent="pi_paid", amount_refunded=order.total))
    refunded = _fresh(order)
    assert (refunded.status, refunded.refunded_total) == ("refunded", 2495)


def test_a_refunded_charge_that_names_no_payment_of_ours_changes_nothing(app):
    order = make_paid_order(gateway="stripe")  # its charge has no payment intent
    for intent in (None, "pi_somebody_else"):
        row = _deliver(ChargeRefunded(provider=PROVIDER, payment_intent=intent, amount_refunded=300))
        assert (row.outcome, row.order_id) == ("no matching order", None)
    assert (_fresh(order).status, _fresh(order).refunded_total) == ("paid", 0)


# ---------------------------------------------------------------- a refund made or changed at the provider


def test_a_refund_made_in_the_providers_dashboard_is_stored_and_counted(app):
    order = _paid()
    row = _deliver(RefundUpdated(provider=PROVIDER, refund_id="re_dash", status="succeeded", amount=250,
                                 payment_intent="pi_paid"))
    assert (row.outcome, row.order_id) == ("refund recorded", order.id)
    assert _refunds(order) == [("stripe", "refund", "succeeded", 250, "USD", "pi_paid", "re_dash")]
    assert (_fresh(order).status, _fresh(order).refunded_total) == ("partially_refunded", 250)
    assert _history(order)[-1] == ("paid", "partially_refunded", "stripe", "Refunded $2.50 in Stripe")


def test_a_refund_of_one_cent_is_counted(app):
    order = _paid()
    row = _deliver(RefundUpdated(provider=PROVIDER, refund_id="re_cent", status="succeeded", amount=1,
                                 payment_intent="pi_paid"))
    assert row.outcome == "refund recorded"
    assert (_fresh(order).status, _fresh(order).refunded_total) == ("partially_refunded", 1)
    assert _history(order)[-1][3] == "Refunded $0.01 in Stripe"


def test_a_refund_already_counted_by_its_charges_total_is_stored_but_not_counted_again(app):
    order = _paid()
    _deliver(ChargeRefunded(provider=PROVIDER, payment_intent="pi_paid", amount_refunded=700))
    row = _deliver(RefundUpdated(provider=PROVIDER, refund_id="re_dash", status="succeeded", amount=700,
                                 payment_intent="pi_paid"))
    assert (row.outcome, row.order_id) == ("refund already counted", order.id)
    assert _refunds(order) == [("stripe", "refund", "succeeded", 700, "USD", "pi_paid", "re_dash")]
    assert _fresh(order).refunded_total == 700


def test_a_second_refund_after_a_charge_total_counted_the_first_adds_only_itself(app):
    order = _paid()
    _deliver(ChargeRefunded(provider=PROVIDER, payment_intent="pi_paid", amount_refunded=700))
    _deliver(RefundUpdated(provider=PROVIDER, refund_id="re_one", status="succeeded", amount=700,
                           payment_intent="pi_paid"))
    row = _deliver(RefundUpdated(provider=PROVIDER, refund_id="re_two", status="succeeded", amount=300,
                                 payment_intent="pi_paid"))
    assert row.outcome == "refund recorded"
    assert _fresh(order).refunded_total == 1000


def test_a_refund_we_know_of_is_marked_succeeded_not_counted_again(app):
    order = _paid()
    order.payments.append(Payment(gateway="stripe", kind="refund", status="pending", amount=400, currency="USD",
                                  provider_payment_intent="pi_paid", provider_refund_id="re_here"))
    order.refunded_total = 400
    order.set_status("partially_refunded", "admin:test", "Refunded $4.00")
    db.session.commit()
    row = _deliver(RefundUpdated(provider=PROVIDER, refund_id="re_here", status="succeeded", amount=400,
                                 payment_intent="pi_paid"))
    assert row.outcome == "refund already recorded"
    assert _refunds(order) == [("stripe", "refund", "succeeded", 400, "USD", "pi_paid", "re_here")]
    assert _fresh(order).refunded_total == 400


def test_a_refund_still_pending_at_the_provider_is_ignored(app):
    order = _paid()
    row = _deliver(RefundUpdated(provider=PROVIDER, refund_id="re_wait", status="pending", amount=250,
                                 payment_intent="pi_paid"))
    assert (row.outcome, row.order_id) == ("refund pending: ignored", None)
    assert _refunds(order) == [] and _fresh(order).refunded_total == 0


def test_a_refund_for_no_payment_of_ours_is_not_stored(app):
    _paid()
    row = _deliver(RefundUpdated(provider=PROVIDER, refund_id="re_nobody", status="succeeded", amount=250,
                                 payment_intent="pi_somebody_else"))
    assert (row.outcome, row.order_id) == ("no matching order", None)
    assert db.session.scalar(select(func.count()).select_from(Payment).where(Payment.kind == "refund")) == 0


def _with_refund(status="succeeded", amount=400) -> Order:
    order = _paid()
    order.payments.append(Payment(gateway="stripe", kind="refund", status=status, amount=amount, currency="USD",
                                  provider_payment_intent="pi_paid", provider_refund_id="re_here"))
    order.refunded_total = amount
    order.set_status("partially_refunded", "admin:test", "Refunded $4.00")
    db.session.commit()
    return order


def test_a_refund_that_failed_at_the_provider_is_marked_failed_and_flagged_once(app):
    order = _with_refund()
    row = _deliver(RefundUpdated(provider=PROVIDER, refund_id="re_here", status="failed", amount=400,
                                 payment_intent="pi_paid"))
    assert (row.outcome, row.order_id) == ("refund failed: flagged for review", order.id)
    reason = "Refund re_here of $4.00 failed in Stripe; the money was not returned"
    flagged = _fresh(order)
    assert flagged.needs_review and flagged.review_reason == reason
    assert _refunds(order)[0][2] == "failed"
    assert _history(order)[-1] == ("partially_refunded", "partially_refunded", "stripe",
                                   f"Flagged for review: {reason}")

    notes = len(_history(order))
    row = _deliver(RefundUpdated(provider=PROVIDER, refund_id="re_here", status="failed", amount=400,
                                 payment_intent="pi_paid"))  # the same failure, another event
    assert (row.outcome, row.order_id) == ("refund failed: nothing recorded", None)
    assert len(_history(order)) == notes


def test_a_failed_refund_is_told_in_the_orders_own_currency(app):
    """An order placed in euros before the store moved to dollars: staff read euros."""
    order = _with_refund()
    order.currency = "EUR"
    order.payments[-1].currency = "EUR"
    db.session.commit()
    _deliver(RefundUpdated(provider=PROVIDER, refund_id="re_here", status="failed", amount=400,
                           payment_intent="pi_paid"))
    assert _fresh(order).review_reason == "Refund re_here of €4.00 failed in Stripe; the money was not returned"


def test_a_refund_cancelled_at_the_provider_is_flagged_too(app):
    order = _with_refund()
    row = _deliver(RefundUpdated(provider=PROVIDER, refund_id="re_here", status="canceled", amount=400,
                                 payment_intent="pi_paid"))
    assert row.outcome == "refund failed: flagged for review"
    assert _fresh(order).review_reason == "Refund re_here of $4.00 canceled in Stripe; the money was not returned"
    assert _refunds(order)[0][2] == "failed"


def test_a_failed_refund_without_a_payment_intent_is_found_by_its_own_row(app):
    order = _with_refund()
    row = _deliver(RefundUpdated(provider=PROVIDER, refund_id="re_here", status="failed", amount=400,
                                 payment_intent=None))
    assert (row.outcome, row.order_id) == ("refund failed: flagged for review", order.id)
    assert _fresh(order).needs_review


def test_a_failed_refund_we_never_recorded_flags_nothing(app):
    order = _paid()
    for status in ("failed", "canceled"):
        row = _deliver(RefundUpdated(provider=PROVIDER, refund_id="re_unknown", status=status, amount=400,
                                     payment_intent="pi_paid"))
        assert (row.outcome, row.order_id) == (f"refund {status}: nothing recorded", None)
    assert not _fresh(order).needs_review and _refunds(order) == []


def test_a_failed_refund_does_not_count_towards_what_a_later_refund_adds(app):
    order = _with_refund(status="failed", amount=100)  # counted as given ($1.00), then it failed
    row = _deliver(RefundUpdated(provider=PROVIDER, refund_id="re_again", status="succeeded", amount=300,
                                 payment_intent="pi_paid"))
    assert row.outcome == "refund recorded"
    # What the shopper really got back: the $3.00 refund; the failed $1.00 no longer counts.
    assert _fresh(order).refunded_total == 300
    assert _history(order)[-1][3] == "Refunded $2.00 in Stripe"


def test_each_event_is_recorded_once_with_the_order_it_was_about(app):
    order = _pending()
    _deliver(_completed(order.id, amount=order.total))
    _deliver(ChargeRefunded(provider=PROVIDER, payment_intent="pi_new", amount_refunded=100))
    rows = list(db.session.scalars(select(ProcessedEvent).order_by(ProcessedEvent.id)))
    assert [(r.provider, r.event_type, r.order_id, r.outcome) for r in rows] == [
        ("stripe", "the.event", order.id, "paid"), ("stripe", "the.event", order.id, "refund recorded")]
