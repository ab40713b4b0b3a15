"""Email that looks like the shop: HTML with a plain-text alternative, sent with Flask-Mailman.

Every message is two templates, `templates/email/<name>.html` (extending email/base.html) and
`templates/email/<name>.txt`. The HTML's stylesheet is inlined by css-inline, because mail
clients ignore <style> blocks. Sending is the worker's job: code that causes an email records an
outbox job (storefront.jobs) whose handler calls send_email().
"""

from __future__ import annotations

import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

import css_inline
from flask import Flask, current_app
from flask_mailman import EmailMultiAlternatives, Mail

from storefront.jobs.runner import PermanentFailure

mail = Mail()

# MAIL_BACKEND names Larder documents -> Flask-Mailman backends
BACKENDS = {
    "smtp": "smtp",
    "console": "console",
    "file": "file",
    "memory": "storefront.mail.memory.EmailBackend",
}


def init_app(app: Flask) -> None:
    config = app.config
    name = config.get("MAIL_BACKEND") or "console"
    if name not in BACKENDS:
        raise RuntimeError(f"Unknown MAIL_BACKEND {name!r}; use one of {sorted(BACKENDS)}")
    config.setdefault("MAIL_SERVER", config.get("SMTP_HOST") or "localhost")
    config.setdefault("MAIL_PORT", int(config.get("SMTP_PORT") or 587))
    config.setdefault("MAIL_USERNAME", config.get("SMTP_USERNAME"))
    config.setdefault("MAIL_PASSWORD", config.get("SMTP_PASSWORD"))
    config.setdefault("MAIL_USE_SSL", config["MAIL_PORT"] == 465)
    config.setdefault("MAIL_USE_TLS", config["MAIL_PORT"] == 587)
    config.setdefault("MAIL_TIMEOUT", 15)
    if not config.get("MAIL_FILE_PATH"):
        config["MAIL_FILE_PATH"] = config.get("MAIL_FILE_DIR") or f"{app.instance_path}/mail"
    mail.init_app(app)
    # Flask-Mailman reads MAIL_BACKEND once at init_app; keep the backend chosen per send so
    # tests (and `flask larder` commands) can switch it on a running app.
    app.extensions["mailman"].backend = BACKENDS[name]


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render(template: str, subject: str, **context: object) -> RenderedEmail:
    """Both parts of a message; works outside a request (a worker has none)."""
    env = current_app.jinja_env
    common = {"config": current_app.config, "store_name": current_app.config["STORE_NAME"], "subject": subject}
    text = env.get_template(f"email/{template}.txt").render(**common, **context)
    html = env.get_template(f"email/{template}.html").render(**common, **context)
    return RenderedEmail(subject=subject, text=text, html=_inline(html))


def _inline(html: str) -> str:
    return css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False).inline(html)


def send_email(
    to: str,
    subject: str,
    template: str,
    *,
    headers: Mapping[str, str] | None = None,
    **context: object,
) -> EmailMultiAlternatives:
    """Render `template` and send it to one address with the configured backend.

    A recipient the server refuses for good (5xx) raises PermanentFailure, so the outbox marks
    the job failed instead of retrying it; anything else (refused connection, timeout, 4xx)
    raises as is and is retried with backoff.
    """
    rendered = render(template, subject, **context)
    backend = BACKENDS[current_app.config.get("MAIL_BACKEND") or "console"]
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[to],
        headers={"X-Larder-Template": template, **(headers or {})},  # support can tell which message it was
        connection=_connection(backend),
    )
    message.attach_alternative(rendered.html, "text/html")
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if codes and all(code >= 500 for code in codes):
            raise PermanentFailure(f"The mail server refused {to}: {exc.recipients}") from exc
        raise
    return message


def _connection(backend: str):
    if backend == "file":  # the folder is read per send, so it can follow the config
        return mail.get_connection(backend=backend, file_path=current_app.config["MAIL_FILE_PATH"])
    return mail.get_connection(backend=backend)


def outbox() -> list[EmailMessage]:
    """Messages the memory backend kept, as the standard library parses them (tests)."""
    return current_app.extensions.setdefault("larder.mail_outbox", [])


def as_parsed(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


def text_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]


def html_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
