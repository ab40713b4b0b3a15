"""Mail backends chosen by MAIL_BACKEND, each sending HTML with a plain-text alternative."""

from __future__ import annotations

import pytest

from storefront.mail import html_part, outbox, send_email, text_part


@pytest.fixture
def backend(app):
    saved = app.config["MAIL_BACKEND"]
    yield lambda name: app.config.update(MAIL_BACKEND=name)
    app.config["MAIL_BACKEND"] = saved


def _reset(app):
    send_email("a@example.com", "Reset", "password_reset", user=None, link="https://shop.example/reset/x")


def test_memory_backend_keeps_both_parts(app):
    outbox().clear()
    _reset(app)
    (message,) = outbox()
    assert message["To"] == "a@example.com" and message["Subject"] == "Reset"
    assert "https://shop.example/reset/x" in text_part(message)
    html = html_part(message)
    assert 'href="https://shop.example/reset/x"' in html
    # css-inline moved the stylesheet onto the elements: mail clients drop <style> blocks.
    assert "<style" not in html and 'style="' in html and "#2f6b4f" in html


def test_file_backend_writes_into_the_named_folder(app, backend, tmp_path):
    backend("file")
    app.config["MAIL_FILE_PATH"], saved = str(tmp_path), app.config["MAIL_FILE_PATH"]
    try:
        _reset(app)
    finally:
        app.config["MAIL_FILE_PATH"] = saved
    (written,) = tmp_path.glob("*.log")
    assert "Subject: Reset" in written.read_text()


def test_console_backend_prints(app, backend, capsys):
    backend("console")
    _reset(app)
    assert "Subject: Reset" in capsys.readouterr().out


def test_unknown_backend_is_named(app, backend):
    backend("pigeon")
    with pytest.raises(KeyError, match="pigeon"):
        _reset(app)
