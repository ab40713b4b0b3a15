"""A Flask-Mailman backend that keeps messages in memory, parsed as the standard library would
read them off the wire (tests inspect headers and both parts)."""

from __future__ import annotations

from flask_mailman.backends.base import BaseEmailBackend

from storefront.mail import as_parsed, outbox


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        kept = outbox()
        for message in email_messages:
            kept.append(as_parsed(message.message().as_bytes()))
        return len(email_messages)
