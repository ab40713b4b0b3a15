"""In Chromium: the magnesium article sells through live cards, accessibly, with or without the
full site around it."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e

ARTICLE = "/blog/magnesium-for-back-pain"


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["larder", "seed-demo"])
    assert result.exit_code == 0, result.output


def test_reader_follows_shop_now_from_the_article_to_the_product(demo, page, accessible):
    page.goto(ARTICLE)
    assert page.locator("h1").inner_text().startswith("Magnesium for Back Pain")
    assert page.get_by_role("navigation", name="In this article").is_visible()
    accessible(page)
    page.locator("a.cta-shop").first.click()
    page.wait_for_url(re.compile(r"/products/magnesium-glycinate\?ref=article:magnesium-for-back-pain"))
    assert "Magnesium Glycinate" in page.locator("h1").inner_text()


def test_inline_shop_now_button_carries_the_article(demo, page):
    page.goto(ARTICLE)
    page.get_by_role("link", name="Shop magnesium glycinate").click()
    page.wait_for_url(re.compile(r"ref=article:magnesium-for-back-pain"))


def test_sold_out_cta_offers_something_else(demo, page):
    page.goto(ARTICLE)
    fallback = page.locator(".cta-unavailable").first
    assert "Sold out" in fallback.inner_text()
    assert fallback.locator(".cta-instead a").count() >= 1


def test_lite_view_is_accessible_and_leads_back_to_the_full_site(demo, phone_page, accessible):
    phone_page.goto(ARTICLE + "/lite")
    assert phone_page.locator("script").count() == 0
    # The inline stylesheet is allowed by the page's CSP hash, so it really applies.
    assert phone_page.evaluate("getComputedStyle(document.body).maxWidth") == "640px"
    accessible(phone_page)
    phone_page.get_by_role("link", name="Go to full site").first.click()
    phone_page.wait_for_url(re.compile(re.escape(ARTICLE) + "$"))


def test_blog_index_is_accessible_and_lists_the_article(demo, page, accessible):
    page.goto("/blog/")
    accessible(page)
    page.get_by_role("link", name=re.compile("Magnesium for Back Pain")).click()
    page.wait_for_url(re.compile(re.escape(ARTICLE) + "$"))


def test_article_on_a_phone_is_accessible(demo, phone_page, accessible):
    phone_page.goto(ARTICLE)
    accessible(phone_page)
