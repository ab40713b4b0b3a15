"""The phone browser journey, at 390 x 844, with JavaScript and without: the magnesium article ->
"Add to cart" on a card (the reader stays on the article and sees what was added) -> cart ->
checkout (address, delivery method, the total including delivery) -> demo payment -> the order
number on the confirmation page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.money import format_money
from storefront.orders.models import Order

pytestmark = pytest.mark.e2e

ARTICLE = "/blog/magnesium-for-back-pain"
PHONE = {"width": 390, "height": 844}
EXPRESS_RATE = 1295  # the default "Express delivery" rate (SHIPPING_METHODS)


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["larder", "seed-demo"])
    assert result.exit_code == 0, result.output


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def phone(request, browser, live_server):
    context = browser.new_context(
        base_url=live_server, viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=request.param
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.javascript = request.param
    yield page
    context.close()


def _sideways_scroll(page) -> str | None:
    """What sticks out past the phone's width, if anything (layout is measured even with the
    page's own scripts off: Playwright's evaluate runs in its own world)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    if width <= PHONE["width"]:
        return None
    wide = page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > limit + 1)
            .slice(-3).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'))""",
        PHONE["width"],
    )
    return f"{page.url} is {width}px wide at {PHONE['width']}px: {wide}"


def _add_from_the_article(page) -> int:
    """Press "Add to cart" on the article's magnesium card; returns the variant added."""
    page.goto(ARTICLE)
    # The accessible name is "Add to cart : <title>" (the visually hidden part is its own box).
    name = re.compile(r"^Add to cart\s*: Magnesium Glycinate")
    card = page.locator("article.cta-card").filter(has=page.get_by_role("button", name=name)).first
    button = card.get_by_role("button", name=name)
    variant_id = int(card.locator("input[name=variant_id]").input_value())
    button.click()
    if page.javascript:
        notification = page.locator("[data-cart-notification]")
        expect(notification).to_be_visible()
        expect(notification).to_contain_text("Added 1 × Magnesium Glycinate")
        expect(page.locator("[data-cart-live]")).to_contain_text("Added 1 × Magnesium Glycinate")
        assert page.url.endswith(ARTICLE)  # still on the article, not even a new anchor
        assert _sideways_scroll(page) is None
        page.screenshot(path="/tmp/addcart-journey-js.png")
        notification.get_by_role("link", name="View cart").click()
    else:
        page.wait_for_url(re.compile(re.escape(ARTICLE) + r"#cta-\d+$"))
        notice = card.locator(".cart-notice-inline")
        expect(notice).to_contain_text("Added 1 × Magnesium Glycinate")
        expect(notice).to_be_in_viewport()
        assert _sideways_scroll(page) is None
        page.screenshot(path="/tmp/addcart-journey-nojs.png")
        notice.get_by_role("link", name="View cart").click()
    expect(page.locator("[data-cart-count]")).to_have_text("1")
    return variant_id


def _total_includes_express_delivery(page, expected: str) -> None:
    if not page.javascript:
        page.get_by_role("button", name="Update total").click(timeout=5_000)
        page.wait_for_load_state()
        expect(page.get_by_role("radio", name=re.compile("Express delivery"))).to_be_checked()
        expect(page.get_by_label("Email")).to_have_value("reader@example.com")
    expect(page.locator("#checkout-total")).to_contain_text(expected, timeout=5_000)


def test_phone_reader_goes_from_the_article_to_a_confirmed_order(demo, phone):
    page = phone
    variant = db.session.get(Variant, _add_from_the_article(page))

    page.wait_for_url(re.compile(r"/cart$"))
    assert _sideways_scroll(page) is None
    expect(page.get_by_role("link", name="Magnesium Glycinate")).to_be_visible()
    page.locator("main").get_by_role("link", name="Check out").click()

    page.wait_for_url(re.compile(r"/checkout$"))
    assert _sideways_scroll(page) is None
    page.get_by_label("Email").fill("reader@example.com")
    page.get_by_label("Full name").fill("Rea Der")
    page.get_by_label("Address", exact=True).fill("12 Oak Lane")
    page.get_by_label("City").fill("Portland")
    page.get_by_label(re.compile("^State")).fill("OR")
    page.get_by_label("ZIP / postcode").fill("97201")
    page.get_by_role("radio", name=re.compile("Express delivery")).check()

    # The total with delivery, before paying: live with JavaScript, after "Update total" without.
    subtotal = variant.price  # one of them, at today's price
    _total_includes_express_delivery(page, format_money(subtotal + EXPRESS_RATE))

    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(re.compile(r"/checkout/demo/"))
    assert _sideways_scroll(page) is None
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()

    page.wait_for_url(re.compile(r"/checkout/success/"))
    number = page.locator("[data-order-number]")
    expect(number).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Your order is confirmed"))).to_be_visible()
    assert _sideways_scroll(page) is None

    db.session.expire_all()
    order = db.session.scalar(select(Order).where(Order.number == number.inner_text()))
    assert order is not None and order.status == "paid"
    assert order.attribution == "article:magnesium-for-back-pain"
    assert order.total == subtotal + EXPRESS_RATE
