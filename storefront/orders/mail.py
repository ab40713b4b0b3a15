"""Outgoing email through the backend named by MAIL_BACKEND: smtp, console, file or memory (tests)."""

from __future__ import annotations

import smtplib
import ssl
import sys
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app

from storefront.clock import now


def render_email(template: str, **context) -> str:
    """A plain-text email body; works outside a request (no page context processors)."""
    return current_app.jinja_env.get_template(template).render(config=current_app.config, **context)


def outbox() -> list[EmailMessage]:
    """Messages kept by the memory backend (tests read and clear this list)."""
    return current_app.extensions.setdefault("larder.mail_outbox", [])


def _build(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="larder.local")
    message.set_content(body)
    return message


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    if not config.get("SMTP_HOST"):
        raise RuntimeError("MAIL_BACKEND is smtp but SMTP_HOST is not set")
    port = int(config.get("SMTP_PORT") or 587)
    if port == 465:
        server = smtplib.SMTP_SSL(config["SMTP_HOST"], port, timeout=15, context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(config["SMTP_HOST"], port, timeout=15)
    with server:
        if port != 465:
            server.starttls(context=ssl.create_default_context())
        if config.get("SMTP_USERNAME"):
            server.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        server.send_message(message)


def _send_file(message: EmailMessage) -> None:
    folder = Path(current_app.config.get("MAIL_FILE_DIR") or Path(current_app.instance_path) / "mail")
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{now():%Y%m%dT%H%M%S%f}-{abs(hash(message['Message-ID'])) % 10**8}.eml"
    (folder / name).write_bytes(message.as_bytes())


def _send_console(message: EmailMessage) -> None:
    print(f"---- email ----\n{message}\n---- end ----", file=sys.stdout, flush=True)


BACKENDS = {
    "smtp": _send_smtp,
    "console": _send_console,
    "file": _send_file,
    "memory": lambda message: outbox().append(message),
}


def send_mail(to: str, subject: str, body: str) -> EmailMessage:
    """Send a plain-text email with the configured backend."""
    backend = current_app.config.get("MAIL_BACKEND", "console")
    try:
        send = BACKENDS[backend]
    except KeyError:
        raise RuntimeError(f"Unknown MAIL_BACKEND {backend!r}; use one of {sorted(BACKENDS)}") from None
    message = _build(to, subject, body)
    send(message)
    return message
