"""queue_email: an email recorded with the change, sent once after the commit, never on rollback."""

from __future__ import annotations

from sqlalchemy import select

from storefront.extensions import db
from storefront.jobs.models import OutboxJob
from storefront.mail import html_part, outbox, text_part
from storefront.mail.queue import queue_email


def test_a_queued_email_is_sent_once_after_commit_with_both_parts(app):
    outbox().clear()
    queue_email("ann@example.com", "Hello", "password_changed", key="hello:1", name="Ann",
                reset_link="https://shop.example/account/reset", login_link="https://shop.example/account/login")
    assert outbox() == [], "nothing leaves before the commit"
    queue_email("ann@example.com", "Hello", "password_changed", key="hello:1", name="Ann",
                reset_link="x", login_link="y")
    db.session.commit()
    (message,) = outbox()
    assert message["To"] == "ann@example.com" and message["Subject"] == "Hello"
    assert "Hello Ann" in text_part(message) and "Hello Ann" in html_part(message)


def test_a_rolled_back_change_sends_nothing(app):
    outbox().clear()
    queue_email("ann@example.com", "Hello", "password_changed", name="Ann", reset_link="x", login_link="y")
    db.session.rollback()
    assert outbox() == [] and db.session.scalar(select(OutboxJob)) is None


def test_a_missing_template_fails_for_good_instead_of_retrying(app):
    outbox().clear()
    queue_email("ann@example.com", "Hello", "no_such_template")
    db.session.commit()
    job = db.session.scalar(select(OutboxJob))
    db.session.refresh(job)
    assert outbox() == [] and job.status == "failed" and "no_such_template" in job.last_error
