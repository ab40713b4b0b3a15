"""Mail backends chosen by MAIL_BACKEND, and the confirmation email itself."""

from __future__ import annotations

import pytest

from storefront.orders.mail import outbox, send_mail
from storefront.orders.services import send_order_confirmation
from tests.factories import make_paid_order, make_product


@pytest.fixture
def backend(app):
    saved = app.config["MAIL_BACKEND"]
    yield lambda name: app.config.update(MAIL_BACKEND=name)
    app.config["MAIL_BACKEND"] = saved


def test_memory_backend_keeps_messages(app):
    outbox().clear()
    send_mail("a@example.com", "Hello", "Body")
    assert outbox()[-1]["To"] == "a@example.com" and outbox()[-1].get_content().strip() == "Body"


def test_file_backend_writes_eml_files(app, backend, tmp_path):
    backend("file")
    app.config["MAIL_FILE_DIR"] = str(tmp_path)
    try:
        send_mail("a@example.com", "Saved", "On disk")
    finally:
        app.config.pop("MAIL_FILE_DIR")
    (written,) = tmp_path.glob("*.eml")
    assert "Subject: Saved" in written.read_text()


def test_console_backend_prints(app, backend, capsys):
    backend("console")
    send_mail("a@example.com", "Printed", "To the console")
    assert "Subject: Printed" in capsys.readouterr().out


def test_unknown_backend_is_named(app, backend):
    backend("pigeon")
    with pytest.raises(RuntimeError, match="pigeon"):
        send_mail("a@example.com", "x", "y")


def test_confirmation_lists_the_order_and_its_link(app):
    outbox().clear()
    order = make_paid_order([(make_product(title="Ginger Tea", price=799).variants[0], 2)])
    send_order_confirmation(order)
    (message,) = outbox()
    body = message.get_content()
    assert order.number in message["Subject"]
    assert "2 x Ginger Tea" in body and "$15.98" in body
    assert f"/orders/{order.public_token}" in body


def test_confirmation_is_sent_once(app):
    outbox().clear()
    order = make_paid_order()
    assert send_order_confirmation(order) is True
    assert send_order_confirmation(order) is False
    assert len(outbox()) == 1


def test_failed_send_can_be_retried(app, backend):
    order = make_paid_order()
    backend("pigeon")
    assert send_order_confirmation(order) is False
    backend("memory")
    outbox().clear()
    assert send_order_confirmation(order) is True and len(outbox()) == 1
