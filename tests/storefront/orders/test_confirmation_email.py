"""The order confirmation: recorded with the payment, sent once by the worker, HTML and text."""

from __future__ import annotations

from sqlalchemy import select

from storefront.extensions import db
from storefront.jobs import OutboxJob, run_job
from storefront.mail import html_part, outbox, text_part
from storefront.orders.models import Order
from tests.factories import make_paid_order, make_product


def test_confirmation_lists_the_order_and_its_link(app):
    outbox().clear()
    order = make_paid_order([(make_product(title="Ginger Tea", price=799).variants[0], 2)])
    (message,) = outbox()
    assert order.number in message["Subject"]
    body, html = text_part(message), html_part(message)
    assert "2 x Ginger Tea" in body and "$15.98" in body
    assert f"/orders/{order.public_token}" in body
    assert "Ginger Tea" in html and "$15.98" in html and f"/orders/{order.public_token}" in html
    assert db.session.get(Order, order.id).confirmation_sent_at is not None


def test_the_job_commits_with_the_payment_and_runs_once(app):
    outbox().clear()
    order = make_paid_order()
    (job,) = db.session.scalars(select(OutboxJob).where(OutboxJob.kind == "orders.confirmation")).all()
    assert (job.key, job.status, job.attempts) == (f"order-confirmation:{order.id}", "done", 1)
    assert run_job(job.id) == "skipped"  # a redelivered message finds nothing to claim
    assert len(outbox()) == 1


def test_a_failed_send_is_retried_later_and_sent_once(app):
    app.config["MAIL_BACKEND"], saved = "smtp", app.config["MAIL_BACKEND"]
    app.config["MAIL_PORT"], saved_port = 1, app.config["MAIL_PORT"]  # nothing listens there
    try:
        order = make_paid_order()
    finally:
        app.config["MAIL_BACKEND"], app.config["MAIL_PORT"] = saved, saved_port
    job = db.session.scalar(select(OutboxJob).where(OutboxJob.key == f"order-confirmation:{order.id}"))
    assert job.status == "pending" and job.attempts == 1 and "ConnectionRefusedError" in job.last_error
    outbox().clear()
    job.run_after = job.created_at  # the backoff has passed
    db.session.commit()
    assert run_job(job.id) == "done"
    assert len(outbox()) == 1 and order.number in outbox()[0]["Subject"]
