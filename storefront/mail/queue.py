"""Queue an email whose context is plain data: `queue_email(...)` records a "mail.send" job.

    queue_email(user.email, "Your password was changed", "password_changed",
                key=f"password-changed:{user.id}:{stamp}", name=user.name, reset_link=link)
    db.session.commit()   # the email is sent by a worker once this commits, never before

The context is stored as JSON in the outbox row, so it must be strings, numbers, booleans, lists
and dicts (links and names, not model objects). An email that needs rows read at send time (an
order, a digest) gets its own job kind and handler instead.
"""

from __future__ import annotations

from typing import Any

from jinja2 import TemplateNotFound

from storefront import jobs
from storefront.jobs.models import OutboxJob
from storefront.mail import send_email

MAIL_SEND = "mail.send"  # outbox job kind


def queue_email(to: str, subject: str, template: str, key: str | None = None, **context: Any) -> OutboxJob:
    """Record an email in the caller's transaction; `key` makes a second record of it a no-op."""
    payload = {"to": to, "subject": subject, "template": template, "context": context}
    return jobs.record(MAIL_SEND, payload, key=key)


@jobs.handler(MAIL_SEND)
def send_queued_email(payload: dict) -> None:
    """The worker's half: render and send the email exactly as queued (a missing template will
    not appear on retry: it fails for good, visibly, instead of retrying)."""
    try:
        send_email(payload["to"], payload["subject"], payload["template"], **payload.get("context", {}))
    except TemplateNotFound as exc:
        raise jobs.PermanentFailure(f"No email template {exc.name!r}") from exc
