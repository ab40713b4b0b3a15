"""In Chromium on a phone: a shopper filters the shop to products free from gluten and dairy
from the filter panel, sees the chips, reads a product's allergens; axe finds nothing serious."""

from __future__ import annotations

import re

import pytest

from storefront.demo.catalog import load_demo_catalog, seed_catalog

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_catalog(app):
    seed_catalog(load_demo_catalog())


def test_free_from_filters_on_a_phone(phone_page, demo_catalog, accessible):
    page = phone_page
    page.goto("/products")
    # shop.js applies a ticked box at once (the page reloads with it); "Apply filters" does
    # the same without JavaScript.
    for label, wanted in ((r"^\s*Gluten", r"free_from=gluten"), (r"^\s*Dairy \(milk\)", r"free_from=gluten.*free_from=milk")):
        if not page.locator("fieldset.free-from-facets").is_visible():
            page.locator(".facets-toggle").click()
        accessible(page)  # the panel open, its "Free from" boxes shown
        page.locator("fieldset.free-from-facets").get_by_label(re.compile(label)).check()
        page.wait_for_url(re.compile(wanted))
        page.wait_for_load_state()
    assert page.get_by_role("link", name="Remove filter: Free from gluten").is_visible()
    assert page.get_by_role("link", name="Remove filter: Free from dairy (milk)").is_visible()
    titles = page.locator(".listing-results .card-title").all_inner_texts()
    assert titles and not any("Whey" in t or "Peanut Butter" in t for t in titles)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    accessible(page)
    page.goto("/products/peanut-butter-protein-bar")
    contains = page.locator("[data-allergens-contains]").inner_text()
    assert contains == "Cereals containing gluten, Milk, Peanuts"
    assert page.locator("[data-allergens-note]").inner_text() == "May contain: tree nuts."
    accessible(page)
    page.goto("/products/magnesium-glycinate")
    assert page.locator("[data-certified-serving]").inner_text() == (
        "Certified low FODMAP at 2 capsules (1.1 g); 30 servings per pack; certificate #MON-2025-0412.")
    accessible(page)


@pytest.fixture
def phone_without_js(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844}, is_mobile=True,
                                  java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_free_from_works_without_javascript(phone_without_js, demo_catalog):
    page = phone_without_js
    page.goto("/collections/supplements")
    page.get_by_text("Filter and sort").click()
    panel = page.locator("fieldset.free-from-facets")
    panel.get_by_label(re.compile(r"^\s*Gluten")).check()
    panel.get_by_label(re.compile(r"^\s*Fish")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"free_from=gluten.*free_from=fish"))
    titles = page.locator(".listing-results .card-title").all_inner_texts()
    assert titles and not any("Fish Oil" in t for t in titles)
    page.get_by_role("link", name="Remove filter: Free from fish").click()
    page.wait_for_url(lambda url: "free_from=gluten" in url and "fish" not in url)
