"""Cart and checkout on a 390 x 844 phone: nothing scrolls sideways, the total is read before the
pay button, problems are listed and focused, and the total follows the delivery option at once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_product

pytestmark = pytest.mark.e2e

# A phone zooms out to fit a too-wide page, which widens innerWidth with it: the screen is the bar.
NO_SIDEWAYS_SCROLL = "document.scrollingElement.scrollWidth <= Math.min(window.innerWidth, screen.width)"


def _fill_cart(page):
    make_product("buckwheat-groats", title="Organic Buckwheat Groats, Sprouted and Gently Toasted", price=1099, stock=8)
    make_product("lactose-free-kefir", title="Lactose-free Kefir", price=650, stock=8)
    for count, slug in enumerate(("buckwheat-groats", "lactose-free-kefir"), start=1):
        page.goto(f"/products/{slug}")
        page.locator("form.buy-box").get_by_role("button", name="Add to cart").click()
        # Adding keeps the shopper on the product page (in place with JavaScript, by a redirect back
        # without): the header count says when the line is in.
        expect(page.locator("[data-cart-count]").first).to_have_text(str(count))
    page.goto("/cart")


def test_cart_and_checkout_fit_a_phone_and_show_the_total_before_paying(phone_page, live_server, accessible):
    page = phone_page
    _fill_cart(page)
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the cart scrolls sideways"
    page.get_by_role("button", name="Increase quantity of Lactose-free Kefir").click()
    page.wait_for_url(re.compile(r"/cart$"))
    assert page.get_by_label("Quantity of Lactose-free Kefir", exact=True).input_value() == "2"
    page.screenshot(path="/tmp/checkout-cart-390.png", full_page=True)
    accessible(page)

    page.get_by_role("link", name="Check out").click()
    page.wait_for_url(re.compile(r"/checkout$"))
    assert page.locator(".main-nav").count() == 0 and page.get_by_role("search").count() == 0
    page.get_by_role("button", name="Continue to payment").click()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    summary.get_by_role("link", name=re.compile("^Email")).click()
    assert page.evaluate("document.activeElement.id") == "email"
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the checkout scrolls sideways"
    total_box = page.locator("#checkout-total").bounding_box()
    pay_box = page.get_by_role("button", name="Continue to payment").bounding_box()
    assert total_box["y"] + total_box["height"] <= pay_box["y"], "the total comes after the pay button"
    page.screenshot(path="/tmp/checkout-errors-390.png", full_page=True)
    accessible(page)

    # With JavaScript the total follows the delivery option at once (no "Update total" needed).
    assert page.get_by_role("button", name="Update total").count() == 0
    before = page.locator("#checkout-total").inner_text()
    page.get_by_role("radio", name=re.compile("Express delivery")).check()
    assert page.locator("#checkout-delivery").inner_text() == "$12.95"
    assert page.locator("#checkout-total").inner_text() == "$36.94" != before


def test_cart_and_checkout_with_errors_on_a_desktop(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    _fill_cart(page)
    page.screenshot(path="/tmp/checkout-cart-1280.png", full_page=True)
    page.get_by_role("link", name="Check out").click()
    page.get_by_label("Country").select_option("CA")
    page.get_by_label("City").fill("Melbourne")
    page.get_by_label("ZIP / postcode").fill("3000")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_text("Postcodes in Canada look like").first).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.screenshot(path="/tmp/checkout-errors-1280.png", full_page=True)


def test_update_total_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        _fill_cart(page)
        page.get_by_role("link", name="Check out").click()
        page.get_by_role("radio", name=re.compile("Express delivery")).check()
        page.get_by_role("button", name="Update total").click()
        assert page.locator("#checkout-total").inner_text() == "$30.44"
        assert page.locator("#error-summary").count() == 0
    finally:
        context.close()


def test_paying_and_the_confirmation_fit_a_phone(phone_page, live_server, accessible):
    page = phone_page
    _fill_cart(page)
    page.get_by_role("link", name="Check out").click()
    page.get_by_label("Email").fill("phone@example.com")
    page.get_by_label("Full name").fill("Pho Ne")
    page.get_by_label("Address", exact=True).fill("5 Harbour Road")
    page.get_by_label("Country").select_option("AU")
    page.get_by_label("City").fill("Melbourne")
    page.get_by_label("ZIP / postcode").fill("3000")
    page.get_by_label("State / province / county").fill("VIC")
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(re.compile(r"/checkout/demo/"))
    assert page.locator(".main-nav").count() == 0
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the payment page scrolls sideways"
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(re.compile(r"/checkout/success/"))
    assert page.locator("address.order-address").inner_text().splitlines()[-2:] == ["MELBOURNE VIC 3000", "Australia"]
    assert page.get_by_role("heading", name="Keep this order in an account").is_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the confirmation scrolls sideways"
    page.screenshot(path="/tmp/checkout-confirmation-390.png", full_page=True)
    accessible(page)
