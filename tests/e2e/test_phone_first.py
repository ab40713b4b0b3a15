"""Phone first (390x844): products and the add-to-cart button within the first screen and a half,
filters one tap away, the price following the chosen option; all of it without JavaScript too."""

import re

import pytest

from storefront.demo.catalog import load_demo_catalog, seed_catalog

pytestmark = pytest.mark.e2e

SCREEN_AND_A_HALF = 1.5 * 844
FILTERED = "/collections/supplements?certified=1&tag=vegan"


@pytest.fixture
def demo_catalog(app):
    seed_catalog(load_demo_catalog())


@pytest.fixture
def phone_without_js(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844}, is_mobile=True,
                                  java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _top(locator) -> float:
    """Distance from the top of the page, whatever the scroll position."""
    return locator.evaluate("e => e.getBoundingClientRect().top + window.scrollY")


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_filtered_collection_shows_its_first_product_within_a_screen_and_a_half(phone_page, demo_catalog, accessible):
    page = phone_page
    page.goto(FILTERED)
    first_card = page.locator(".product-grid > li").first
    assert _top(first_card) < SCREEN_AND_A_HALF
    assert page.locator(".result-count").inner_text().endswith("products")
    assert not page.locator("form.facets").is_visible()  # folded away
    assert _no_sideways_scroll(page)
    accessible(page)


def test_the_filter_panel_opens_and_a_chip_removes_its_filter_from_the_keyboard(phone_page, demo_catalog):
    page = phone_page
    page.goto(FILTERED)
    page.locator("summary.facets-toggle").focus()
    page.keyboard.press("Enter")
    assert page.get_by_label(re.compile(r"^\s*In stock")).is_visible()
    page.get_by_role("link", name="Remove filter: Vegan").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/collections/supplements\?certified=1$"))
    assert page.get_by_role("link", name="Remove filter: Low FODMAP Certified").is_visible()
    assert page.get_by_role("link", name="Remove filter: Vegan").count() == 0


def test_filters_and_chips_work_without_javascript(phone_without_js, demo_catalog):
    page = phone_without_js
    page.goto("/collections/supplements")
    assert _top(page.locator(".product-grid > li").first) < SCREEN_AND_A_HALF
    page.get_by_text("Filter and sort").click()
    page.get_by_label(re.compile(r"^\s*Low FODMAP Certified")).check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"certified=1"))
    page.get_by_role("link", name="Remove filter: Low FODMAP Certified").click()
    page.wait_for_url(lambda url: "/collections/supplements" in url and "certified" not in url)
    assert page.get_by_role("link", name=re.compile("^Remove filter")).count() == 0


def test_the_filter_panel_is_an_open_sidebar_on_a_wide_screen(page, demo_catalog):
    page.goto(FILTERED)
    assert page.locator("form.facets").is_visible()
    assert _top(page.locator("form.facets")) < 600


def test_the_add_to_cart_button_is_within_a_screen_and_a_half_on_a_phone(phone_page, demo_catalog, accessible):
    page = phone_page
    page.goto("/products/magnesium-glycinate")
    button = page.locator("form.buy-box").get_by_role("button", name="Add to cart")
    assert _top(button) < SCREEN_AND_A_HALF
    assert _top(button) < _top(page.get_by_role("heading", name="About this product"))
    assert page.locator(".trust-line").is_visible()
    assert _no_sideways_scroll(page)
    accessible(page)


def test_choosing_an_option_changes_the_price_shown(phone_page, demo_catalog):
    page = phone_page
    page.goto("/products/magnesium-glycinate")
    shown = page.locator("[data-product-price] .price-now")
    assert shown.inner_text() == "$18.99"
    page.get_by_role("radio", name=re.compile("120 capsules")).check()
    assert shown.inner_text() == "$31.99"
    assert page.locator("[data-product-price] .price-was").inner_text() == "$34.99"
    page.get_by_role("radio", name=re.compile("60 capsules")).check()
    assert shown.inner_text() == "$18.99"


def test_without_javascript_each_option_says_its_price(phone_without_js, demo_catalog):
    page = phone_without_js
    page.goto("/products/magnesium-glycinate")
    assert page.get_by_role("radio", name=re.compile(r"60 capsules.*\$18\.99")).count() == 1
    assert page.get_by_role("radio", name=re.compile(r"120 capsules.*\$31\.99")).count() == 1
    assert _top(page.locator("form.buy-box button[type=submit]")) < SCREEN_AND_A_HALF


def test_a_thumbnail_brings_its_image_into_view(phone_page, demo_catalog):
    from playwright.sync_api import expect

    page = phone_page
    page.goto("/products/magnesium-glycinate")
    strip = page.locator(".gallery-main")
    assert strip.evaluate("e => e.scrollLeft") == 0
    page.get_by_role("link", name=re.compile("Show image 3 of 3")).click()
    expect(page.locator("#image-3 img")).to_be_in_viewport(ratio=0.9)  # the strip slid to it
    assert strip.evaluate("e => e.scrollLeft") > 0
    assert page.get_by_role("link", name=re.compile("Show image 3 of 3")).get_attribute("aria-current") == "true"
    assert page.evaluate("window.scrollY") < _top(page.locator(".gallery"))  # the page did not jump


def test_a_thumbnail_is_a_plain_link_to_its_image_without_javascript(phone_without_js, demo_catalog):
    page = phone_without_js
    page.goto("/products/magnesium-glycinate")
    page.get_by_role("link", name=re.compile("Show image 2 of 3")).click()
    assert page.url.endswith("#image-2")
    assert page.locator("#image-2 img").is_visible()
