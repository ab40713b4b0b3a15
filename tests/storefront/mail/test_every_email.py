"""Every message is written twice, as HTML and as plain text, and says which message it is."""

from __future__ import annotations

from pathlib import Path

from storefront.mail import html_part, outbox, send_email, text_part

EMAIL_TEMPLATES = Path(__file__).resolve().parents[3] / "templates" / "email"


def _messages(suffix: str) -> set[str]:
    return {p.stem for p in EMAIL_TEMPLATES.glob(f"*.{suffix}") if not p.stem.startswith("_") and p.stem != "base"}


def test_every_message_has_an_html_and_a_text_template():
    html, text = _messages("html"), _messages("txt")
    assert html and html == text, f"HTML without text: {html - text}; text without HTML: {text - html}"


def test_every_html_message_uses_the_shop_layout():
    for name in _messages("html"):
        source = (EMAIL_TEMPLATES / f"{name}.html").read_text()
        assert '{% extends "email/base.html" %}' in source, f"{name}.html does not extend email/base.html"


def test_a_sent_message_names_its_template_and_carries_both_parts(app):
    outbox().clear()
    send_email("a@example.com", "Reset", "password_reset", user=None, link="https://shop.example/reset/x")
    (message,) = outbox()
    assert message["X-Larder-Template"] == "password_reset"
    assert message.get_content_type() == "multipart/alternative"
    assert text_part(message).strip() and "<html" in html_part(message)
