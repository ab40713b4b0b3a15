"""The "How was it?" email: recorded when an order is fulfilled, sent REVIEW_REQUEST_DELAY_DAYS
later, with a signed link per product that opens the review form without an account."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from storefront import jobs
from storefront.clock import as_utc, now
from storefront.extensions import db
from storefront.jobs.models import OutboxJob
from storefront.mail import html_part, outbox, text_part
from storefront.orders.services import mark_fulfilled, refund_order, ship_lines
from storefront.reviews.models import Review
from storefront.reviews.services import REVIEW_REQUEST
from tests.factories import make_paid_order, make_product
from tests.fixtures.mail import links_in
from tests.storefront.reviews.helpers import GOOD_BODY


def _request_jobs():
    return list(db.session.scalars(select(OutboxJob).where(OutboxJob.kind == REVIEW_REQUEST)))


def _make_due():
    db.session.execute(update(OutboxJob).where(OutboxJob.kind == REVIEW_REQUEST)
                       .values(run_after=now() - timedelta(seconds=1)))
    db.session.commit()
    return jobs.run_due_jobs()


def _requests():
    return [m for m in outbox() if "How was your" in m["Subject"]]


def _order():
    magnesium = make_product("magnesium-glycinate", title="Magnesium Glycinate", price=1999, stock=9)
    zinc = make_product("zinc", title="Zinc Picolinate", price=999, stock=9)
    return make_paid_order([(magnesium.variants[0], 2), (zinc.variants[0], 1)], email="guest@example.com")


def test_fulfilment_records_one_request_due_days_later(app, admin_user):
    order = _order()
    assert _request_jobs() == []
    mark_fulfilled(order, admin_user)
    [job] = _request_jobs()
    assert job.payload == {"order_id": order.id} and job.key == f"review-request:{order.id}"
    due_in = as_utc(job.run_after) - now()
    assert timedelta(days=6, hours=23) < due_in <= timedelta(days=7)
    jobs.run_due_jobs()
    assert _requests() == []  # not before the delay


def test_a_partial_shipment_waits_for_the_rest(app, admin_user):
    order = _order()
    ship_lines(order, admin_user, {order.lines[0].id: 2})
    assert _request_jobs() == []
    ship_lines(order, admin_user, {order.lines[1].id: 1})
    assert len(_request_jobs()) == 1


def test_the_email_links_each_product_to_a_form_that_needs_no_account(app, admin_user, client):
    order = _order()
    mark_fulfilled(order, admin_user)
    _make_due()
    [message] = _requests()
    assert message["To"] == "guest@example.com"
    assert "Magnesium Glycinate" in text_part(message) and "Zinc Picolinate" in html_part(message)
    review_links = [link for link in links_in(message)["html"] if "/reviews/write/" in link]
    assert len(review_links) == 2
    path = review_links[0].split("://", 1)[1].split("/", 1)[1]
    form = client.get(f"/{path}")
    assert form.status_code == 200 and "Review Magnesium Glycinate" in form.get_data(as_text=True)
    posted = client.post(f"/{path}", data={"rating": "5", "body": GOOD_BODY, "author_name": "Guest G."})
    assert posted.status_code == 201
    assert db.session.scalar(select(Review)).source == "email"


def test_an_order_refunded_meanwhile_gets_no_email(app, admin_user):
    order = _order()
    mark_fulfilled(order, admin_user)
    refund_order(order, order.total, admin_user)
    _make_due()
    assert _requests() == []


def test_a_delay_is_configurable(app, admin_user):
    app.config["REVIEW_REQUEST_DELAY_DAYS"] = 14
    try:
        order = _order()
        mark_fulfilled(order, admin_user)
        [job] = _request_jobs()
        assert timedelta(days=13) < as_utc(job.run_after) - now() <= timedelta(days=14)
    finally:
        app.config.pop("REVIEW_REQUEST_DELAY_DAYS")
