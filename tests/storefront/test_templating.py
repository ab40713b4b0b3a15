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


def test_links_with_changed_arguments_are_remembered_per_request_url_host_and_mount(app):
    from storefront.templating import url_with

    urls = app.extensions["larder_urls_with"]
    urls.clear()  # the app outlives a test: other tests' links are in it

    def link(path: str, base_url: str = "http://127.0.0.1", **changes) -> str:
        with app.test_request_context(path, base_url=base_url):
            app.preprocess_request()
            return url_with(**changes)

    assert link("/products?tag=vegan&ref=mail", page=2) == "/products?tag=vegan&ref=mail&page=2"
    assert link("/products?tag=vegan&ref=mail", page=2) == "/products?tag=vegan&ref=mail&page=2"  # remembered
    # Each visitor's own arguments, page and mount point, never another's.
    assert link("/products?tag=vegan&ref=ads", page=2) == "/products?tag=vegan&ref=ads&page=2"
    assert link("/collections/snacks?tag=vegan", page=2) == "/collections/snacks?tag=vegan&page=2"
    assert link("/products?tag=vegan&ref=mail", page=3) == "/products?tag=vegan&ref=mail&page=3"
    assert link("/products?tag=vegan&tag=nut-free", tag=["nut-free"]) == "/products?tag=nut-free"
    assert link("/products?tag=vegan", "http://127.0.0.1/shop", page=2) == "/shop/products?tag=vegan&page=2"
    assert len(urls) == 6
