"""A shopper's first visit in real Chromium: home -> collection -> filter -> product."""

import re

import pytest

from storefront.demo.catalog import load_demo_catalog, seed_catalog

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_catalog(app):
    seed_catalog(load_demo_catalog())


def test_home_collection_filter_product(page, demo_catalog, accessible):
    page.goto("/")
    assert page.get_by_role("link", name="Low FODMAP Certified. Shop Now For Gut Health").is_visible()
    accessible(page)

    page.get_by_role("link", name=re.compile(r"^Supplements")).first.click()
    page.wait_for_url(re.compile(r"/collections/supplements"))
    assert page.get_by_role("heading", level=1, name="Supplements").is_visible()
    accessible(page)
    total_before = int(page.locator(".result-count").inner_text().split()[0])

    # Without JavaScript-only helpers: tick the boxes and press the Apply button.
    # Checkboxes by role: the chips of chosen filters are labelled "Remove filter: ..." too.
    page.get_by_role("checkbox", name=re.compile(r"Low FODMAP Certified")).check()
    page.get_by_role("checkbox", name=re.compile(r"^\s*Vegan")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"certified=1"))
    assert "tag=vegan" in page.url
    total_after = int(page.locator(".result-count").inner_text().split()[0])
    assert 0 < total_after <= total_before
    badges = page.locator(".product-grid .badge-certified")
    assert badges.count() == page.locator(".product-grid .product-card").count()
    accessible(page)

    page.locator(".product-grid .card-title a").first.click()
    page.wait_for_url(re.compile(r"/products/"))
    assert page.get_by_role("heading", name="Low FODMAP certification").is_visible()
    assert page.locator(".product-summary .price-now").first.is_visible()
    accessible(page)


def test_pages_are_usable_on_a_phone(phone_page, demo_catalog, accessible):
    phone_page.goto("/products/magnesium-glycinate")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "page scrolls sideways on a phone"
    accessible(phone_page)


def test_search_from_the_header(page, demo_catalog):
    page.goto("/")
    page.get_by_label("Search products").fill("magnesium")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=magnesium"))
    titles = page.locator(".product-grid .card-title").all_inner_texts()
    assert titles and all("agnesium" in t for t in titles[:3])
