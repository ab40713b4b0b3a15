"""The header on a phone (390x844), with and without JavaScript, and on a desktop (1280x800)."""

from __future__ import annotations

import re

import pytest

from storefront.demo.catalog import load_demo_catalog, seed_catalog

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
MAX_HEADER = 844 / 5  # a fifth of the screen, banner included


@pytest.fixture
def demo_catalog(app):
    seed_catalog(load_demo_catalog())


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def phone(request, browser, live_server):
    context = browser.new_context(
        base_url=live_server, viewport=PHONE, is_mobile=True, java_script_enabled=request.param
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.scripts_on = request.param  # axe runs in the page, so it can check only with scripts on
    yield page
    context.close()


def _header_bottom(page) -> float:
    return page.evaluate("document.querySelector('.site-header').getBoundingClientRect().bottom")


def test_header_is_at_most_a_fifth_of_the_screen_with_banner_cart_and_buttons(phone, demo_catalog):
    phone.goto("/")
    assert phone.locator(".top-banner").is_visible()
    assert _header_bottom(phone) <= MAX_HEADER
    assert phone.locator("[data-cart-count]").is_visible()
    assert phone.locator(".header-menu > summary").is_visible()
    assert phone.locator(".header-find > summary").is_visible()
    assert not phone.locator(".site-header").get_by_role("link", name="Journal").is_visible()
    assert not phone.get_by_label("Search products").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_menu_opens_and_closes_from_its_button(phone, demo_catalog, accessible):
    phone.goto("/")
    menu = phone.locator(".header-menu > summary")
    menu.click()
    assert phone.locator(".site-header").get_by_role("link", name="Journal").is_visible()
    assert phone.locator(".site-header").get_by_role("link", name="Sign in").is_visible()
    if phone.scripts_on:
        accessible(phone)
    menu.click()
    assert not phone.locator(".site-header").get_by_role("link", name="Journal").is_visible()
    menu.click()
    phone.locator(".site-header").get_by_role("link", name="Shop all").click()
    phone.wait_for_url(re.compile(r"/products$"))


def test_menu_opens_from_the_keyboard(phone, demo_catalog):
    phone.goto("/")
    summary = phone.locator(".header-menu > summary")
    summary.focus()
    assert summary.evaluate("el => el === document.activeElement")
    phone.keyboard.press("Enter")
    assert phone.locator(".header-menu").get_attribute("open") is not None
    assert phone.locator(".site-header").get_by_role("link", name="Journal").is_visible()
    phone.keyboard.press("Space")
    assert phone.locator(".header-menu").get_attribute("open") is None


def test_search_opens_from_its_icon_and_searches(phone, demo_catalog):
    phone.goto("/")
    phone.locator(".header-find > summary").click()
    box = phone.get_by_label("Search products")
    assert box.is_visible()
    box.fill("magnesium")
    box.press("Enter")
    phone.wait_for_url(re.compile(r"/search\?q=magnesium"))
    assert phone.locator(".product-grid .card-title").count() > 0


def test_desktop_shows_the_whole_header_without_buttons(page, demo_catalog):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    for name in ("Shop all", "Certified", "Journal", "Sign in"):
        assert page.locator(".site-header").get_by_role("link", name=name, exact=True).is_visible(), name
    assert page.get_by_label("Search products").is_visible()
    assert not page.locator(".header-menu > summary").is_visible()
    assert not page.locator(".header-find > summary").is_visible()
    assert page.locator("[data-cart-count]").is_visible()


def test_footer_links_open_the_help_pages(phone, demo_catalog):
    phone.goto("/")
    footer = phone.locator("footer.site-footer")
    footer.get_by_role("link", name="Delivery and returns").click()
    phone.wait_for_url(re.compile(r"/pages/delivery-and-returns$"))
    assert phone.get_by_role("heading", level=1, name="Delivery and returns").is_visible()
