"""A shopper in Chromium: from an article's "Shop now" to a confirmed order with the demo gateway.

The article click is simulated by the URL an article CTA links to (`?ref=article:<slug>`), so this
test does not depend on the blog.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.orders.models import Order
from tests.factories import make_product

pytestmark = pytest.mark.e2e

ARTICLE_REF = "article:magnesium-for-back-pain"


def test_article_shop_now_to_confirmed_order(page, live_server, accessible):
    product = make_product("magnesium-glycinate", title="Magnesium Glycinate", price=2199, stock=10, certified=True)
    variant_id = product.variants[0].id

    page.goto(f"/products/magnesium-glycinate?ref={ARTICLE_REF}")
    page.get_by_label("Quantity").fill("2")
    page.locator("form.buy-box").get_by_role("button", name="Add to cart").click()
    # Added in place: the shopper stays on the product page and the notification leads on.
    notification = page.locator("[data-cart-notification]")
    expect(notification).to_contain_text("Added 2 × Magnesium Glycinate to your cart.")
    assert "/products/magnesium-glycinate" in page.url
    notification.get_by_role("link", name="View cart").click()

    page.wait_for_url(re.compile(r"/cart$"))
    assert page.get_by_role("link", name="Magnesium Glycinate").is_visible()
    assert page.locator("[data-cart-count]").inner_text() == "2"
    accessible(page)

    page.get_by_role("link", name="Check out").click()
    page.wait_for_url(re.compile(r"/checkout$"))
    accessible(page)
    page.get_by_label("Email").fill("reader@example.com")
    page.get_by_label("Full name").fill("Rea Der")
    page.get_by_label("Address", exact=True).fill("12 Oak Lane")
    page.get_by_label("City").fill("Portland")
    page.get_by_label("ZIP / postcode").fill("97201")
    page.get_by_label("State / province / county").fill("OR")
    page.get_by_role("radio", name=re.compile("Express delivery")).check()
    page.get_by_role("button", name="Continue to payment").click()

    page.wait_for_url(re.compile(r"/checkout/demo/"))
    assert page.get_by_text("Demo payment page").is_visible()
    accessible(page)
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()

    page.wait_for_url(re.compile(r"/checkout/success/"))
    number = page.locator("[data-order-number]").inner_text()
    assert page.get_by_role("heading", name=re.compile("Your order is confirmed")).is_visible()
    accessible(page)

    db.session.expire_all()
    order = db.session.scalar(select(Order).where(Order.number == number))
    assert order is not None and order.status == "paid"
    assert order.attribution == ARTICLE_REF
    assert order.total == 2 * 2199 + 1295
    assert db.session.get(Variant, variant_id).stock == 8
    assert page.locator("[data-cart-count]").inner_text() == "0"


def test_checkout_errors_are_announced_and_accessible(page, live_server, accessible):
    make_product("lactase-drops", title="Lactase Drops", price=1250, stock=5)
    page.goto("/products/lactase-drops")
    page.locator("form.buy-box").get_by_role("button", name="Add to cart").click()
    expect(page.locator("[data-cart-notification]")).to_contain_text("Added 1 × Lactase Drops to your cart.")
    page.goto("/checkout")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page.get_by_role("alert")).to_be_visible()
    # Said twice on purpose: in the summary at the top (a link to the field) and by the field.
    assert page.get_by_role("alert").get_by_role("link", name="Email: Please enter your email address.").is_visible()
    assert page.get_by_text("Please enter your email address.", exact=True).is_visible()
    assert page.get_by_label("Email").get_attribute("aria-invalid") == "true"
    accessible(page)


def test_the_whole_purchase_works_without_javascript(browser, live_server):
    make_product("ginger-tea", title="Ginger Tea", price=799, stock=4)
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto("/products/ginger-tea")
        page.locator("form.buy-box").get_by_role("button", name="Add to cart").click()
        # Without JavaScript: back to the buy box, with the notification fixed at the bottom.
        page.wait_for_url(re.compile(r"/products/ginger-tea#buy$"))
        notification = page.locator("[data-cart-notification]")
        expect(notification).to_contain_text("Added 1 × Ginger Tea to your cart.")
        expect(notification).to_be_in_viewport()
        notification.get_by_role("link", name="View cart").click()
        page.wait_for_url(re.compile(r"/cart$"))
        page.get_by_label("Quantity of Ginger Tea", exact=True).fill("3")
        page.get_by_role("button", name="Update Ginger Tea").click()
        assert page.locator("[data-cart-count]").inner_text() == "3"
        page.get_by_role("link", name="Check out").click()
        page.get_by_label("Email").fill("nojs@example.com")
        page.get_by_label("Full name").fill("No Script")
        page.get_by_label("Address", exact=True).fill("1 Plain Road")
        page.get_by_label("City").fill("Leeds")
        page.get_by_label("ZIP / postcode").fill("LS1 1AA")
        page.get_by_label("Country").select_option("GB")
        page.get_by_role("button", name="Continue to payment").click()
        page.get_by_role("button", name=re.compile(r"^Pay ")).click()
        page.wait_for_url(re.compile(r"/checkout/success/"))
        assert page.locator("[data-order-number]").inner_text().startswith("LD-")
    finally:
        context.close()


def test_cart_and_checkout_on_a_phone(phone_page, live_server, accessible):
    make_product("quinoa-puffs", title="Quinoa Puffs", price=499, stock=8)
    page = phone_page
    page.goto("/products/quinoa-puffs")
    page.locator("form.buy-box").get_by_role("button", name="Add to cart").click()
    page.locator("[data-cart-notification]").get_by_role("link", name="View cart").click()
    page.wait_for_url(re.compile(r"/cart$"))
    accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "cart scrolls sideways"
    page.get_by_role("link", name="Check out").click()
    page.wait_for_url(re.compile(r"/checkout$"))
    accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "checkout scrolls sideways"
