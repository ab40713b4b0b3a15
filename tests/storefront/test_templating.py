"""The shared Jinja filters (storefront/templating.py)."""

from __future__ import annotations

from sqlalchemy import text

from storefront.extensions import db
from storefront.templating import markdown
from tests.factories import make_product


def test_the_markdown_filter_is_remembered_by_text_and_still_sanitised():
    first = markdown("Take **one** a day.<script>alert(1)</script>")
    assert "<strong>one</strong>" in first and "<script>" not in first
    assert markdown("Take **one** a day.<script>alert(1)</script>") is first  # rendered once
    assert markdown(None) == ""


def test_an_edited_description_shows_at_once(client):
    make_product("mag", description="Gentle on the **stomach**.")
    assert "<strong>stomach</strong>" in client.get("/products/mag").get_data(as_text=True)
    db.session.execute(text("UPDATE product SET description = 'Best taken *at night*.' WHERE slug = 'mag'"))
    db.session.commit()
    page = client.get("/products/mag").get_data(as_text=True)
    assert "<em>at night</em>" in page and "stomach" not in page


def test_image_urls_are_the_static_and_media_urls_whether_remembered_or_not(app):
    from flask import url_for

    from storefront.templating import image_url

    with app.test_request_context("/"):
        assert image_url("img/placeholder.svg") == url_for("static", filename="img/placeholder.svg")
        assert image_url("img/placeholder.svg") == image_url("img/placeholder.svg")  # from the cache
        assert image_url(None) == url_for("static", filename="img/placeholder.svg")
        assert image_url("img/placeholder.svg", external=True).startswith("http")
