"""Staff screens for the information pages: editors write them, the shop serves them sanitised."""

from __future__ import annotations

import re

import pytest

from storefront.extensions import db
from storefront.pages.models import SitePage


def _page(slug: str) -> SitePage | None:
    db.session.expire_all()
    return db.session.query(SitePage).filter_by(slug=slug).one_or_none()


def test_list_shows_the_standard_pages_before_they_are_saved(as_editor):
    html = as_editor.get("/admin/pages").get_data(as_text=True)
    for slug in ("contact", "delivery-and-returns", "privacy", "faq"):
        assert f'href="/admin/pages/{slug}"' in html
    assert "Default text, not saved yet" in html


def test_editor_saves_a_standard_page_from_its_default_text(as_editor, client):
    form = as_editor.get("/admin/pages/faq").get_data(as_text=True)
    assert "Which payment methods do you accept?" in form  # the default text, ready to edit
    response = as_editor.post("/admin/pages/faq", data={"title": "FAQ", "slug": "faq", "body": "## Shipping?\n\nYes."})
    assert response.status_code == 302
    saved = _page("faq")
    assert saved.body_source == "## Shipping?\n\nYes." and "<h2>Shipping?</h2>" in saved.body_html
    assert "<h2>Shipping?</h2>" in client.get("/pages/faq").get_data(as_text=True)


def test_editor_creates_edits_and_deletes_a_page(as_editor):
    created = as_editor.post("/admin/pages/new", data={"title": "Wholesale", "slug": "", "body": "Trade **prices**."})
    assert created.status_code == 302 and created.headers["Location"].endswith("/admin/pages/wholesale")
    assert _page("wholesale").body_html == "<p>Trade <strong>prices</strong>.</p>\n"

    edited = as_editor.post("/admin/pages/wholesale", data={"title": "Trade", "slug": "trade", "body": "Call us."})
    assert edited.status_code == 302
    assert _page("wholesale") is None and _page("trade").title == "Trade"

    assert as_editor.post("/admin/pages/trade/delete").status_code == 302
    assert _page("trade") is None
    assert as_editor.get("/pages/trade").status_code == 404


def test_deleting_a_standard_page_brings_back_its_default_text(as_editor):
    as_editor.post("/admin/pages/contact", data={"title": "Contact", "slug": "contact", "body": "Phone only."})
    as_editor.post("/admin/pages/contact/delete")
    assert "hello@larder.example" in as_editor.get("/pages/contact").get_data(as_text=True)


def test_script_in_markdown_never_reaches_the_page(as_editor, client):
    body = "Hi.\n\n<script>steal()</script>\n\n<a href=\"#\" onclick=\"steal()\">x</a>"
    as_editor.post("/admin/pages/new", data={"title": "Evil", "slug": "evil", "body": body})
    assert _page("evil").body_source == body  # the source stays as typed, for the editor
    html = client.get("/pages/evil").get_data(as_text=True)
    assert "<script>steal()" not in html and "onclick" not in html and "<p>Hi.</p>" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "slug": "x", "body": "."}, "Give the page a title."),
        ({"title": "X", "slug": "Not A Slug", "body": "."}, "Use lowercase letters"),
        ({"title": "Privacy again", "slug": "privacy", "body": "."}, "exists already"),
    ],
)
def test_bad_input_is_explained(as_editor, data, message):
    as_editor.post("/admin/pages/privacy", data={"title": "Privacy", "slug": "privacy", "body": "Ours."})
    response = as_editor.post("/admin/pages/new", data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_unknown_page_is_a_404_for_staff(as_editor):
    assert as_editor.get("/admin/pages/no-such-page").status_code == 404
    assert as_editor.post("/admin/pages/no-such-page/delete").status_code == 404


def test_customer_and_anonymous_visitor_are_kept_out(client, auth, customer_user):
    assert client.get("/admin/pages").status_code == 302
    assert client.post("/admin/pages/new", data={"title": "X", "body": "."}).status_code == 302
    auth.login(customer_user)
    assert client.get("/admin/pages").status_code == 403
    assert client.post("/admin/pages/new", data={"title": "X", "body": "."}).status_code == 403
    assert _page("x") is None


def test_saving_without_the_csrf_token_is_refused(app, as_editor):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = as_editor.post("/admin/pages/new", data={"title": "Forged", "body": "."})
        page = as_editor.get("/admin/pages/new").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        accepted = as_editor.post("/admin/pages/new", data={"title": "Real", "body": ".", "csrf_token": token})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert refused.status_code == 400 and _page("forged") is None
    assert accepted.status_code == 302 and _page("real") is not None
