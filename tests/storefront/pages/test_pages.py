"""The information pages: footer links that always answer, staff text served sanitised, sitemap."""

from __future__ import annotations

import re

import pytest

from storefront.extensions import db
from storefront.pages.content import STANDARD_PAGES
from storefront.pages.models import SitePage
from storefront.pages.services import PageError, save_page, seed_standard_pages

HOSTILE = (
    "Hello **there**.\n\n<script>alert('x')</script>\n\n"
    '<img src="x" onerror="alert(1)">\n\n[click](javascript:alert(2))\n\n<style>body{display:none}</style>\n'
)


def _footer_links(html: str) -> list[str]:
    footer = html[html.index('<footer class="site-footer">'):]
    return re.findall(r'href="(/pages/[^"]+)"', footer)


def test_every_footer_page_answers_on_a_fresh_store(client):
    links = _footer_links(client.get("/").get_data(as_text=True))
    assert sorted(links) == sorted(f"/pages/{p.slug}" for p in STANDARD_PAGES)
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
    assert "30 days" in client.get("/pages/delivery-and-returns").get_data(as_text=True)


def test_footer_names_help_pages_and_payment_methods(client):
    html = client.get("/").get_data(as_text=True)
    footer = html[html.index('<footer class="site-footer">'):]
    for text in ("Contact us", "Delivery and returns", "Privacy", "FAQ", "Visa", "Mastercard", "Apple Pay"):
        assert text in footer, text


def test_a_saved_page_replaces_the_default_text(client):
    save_page(None, "Contact us", "Ring **0800 LARDER**.", slug="contact")
    html = client.get("/pages/contact").get_data(as_text=True)
    assert "<strong>0800 LARDER</strong>" in html
    assert "hello@larder.example" not in html


def test_a_new_page_has_its_own_address(client):
    save_page(None, "Wholesale", "Ask about **trade prices**.")
    html = client.get("/pages/wholesale").get_data(as_text=True)
    assert "<h1 id=\"page-title\">Wholesale</h1>" in html and "<strong>trade prices</strong>" in html


def test_an_unknown_page_is_a_404(client):
    assert client.get("/pages/no-such-page").status_code == 404
    assert client.get("/pages/Bad_Slug").status_code == 404


def test_markdown_is_sanitised_when_saved_and_served(client):
    page = save_page(None, "Notes", HOSTILE, slug="notes")
    assert "<script" not in page.body_html and "onerror" not in page.body_html
    html = client.get("/pages/notes").get_data(as_text=True)
    main = html[html.index('<main'):html.index('</main>')]
    assert "<strong>there</strong>" in main
    # markdown-it leaves a javascript: link as plain text; no element may carry it.
    for bad in ("<script", "alert('x')", "onerror", 'href="javascript', "<style", "display:none"):
        assert bad not in main, bad


def test_a_taken_slug_is_refused(app):
    save_page(None, "Notes", "One.", slug="notes")
    with pytest.raises(PageError, match="exists already"):
        save_page(None, "Other notes", "Two.", slug="notes")
    with pytest.raises(PageError, match="lowercase"):
        save_page(None, "Other notes", "Two.", slug="Bad Slug")


def test_sitemap_lists_the_pages(client):
    save_page(None, "Wholesale", "Trade.")
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    for slug in [p.slug for p in STANDARD_PAGES] + ["wholesale"]:
        assert f"/pages/{slug}</loc>" in sitemap, slug


def test_demo_seeding_stores_the_standard_pages_once(app):
    assert seed_standard_pages() == len(STANDARD_PAGES)
    assert seed_standard_pages() == 0
    assert db.session.query(SitePage).count() == len(STANDARD_PAGES)


def test_editing_a_page_changes_the_cached_answer(client):
    save_page(None, "FAQ", "Old answer.", slug="faq")
    first = client.get("/pages/faq")
    assert client.get("/pages/faq", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    page = db.session.query(SitePage).filter_by(slug="faq").one()
    save_page(page, "FAQ", "New answer.", slug="faq")
    again = client.get("/pages/faq", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert "New answer." in again.get_data(as_text=True)
