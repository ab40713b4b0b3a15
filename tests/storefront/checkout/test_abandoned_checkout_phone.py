"""The "remind me" consent on a 390 px phone: unticked, ticked by tapping its words, nothing scrolls
sideways, and the page stays accessible; then the reminder's link brings the cart back in a browser."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from storefront import jobs
from storefront.clock import now
from storefront.extensions import db
from storefront.jobs.models import OutboxJob
from storefront.mail import outbox
from storefront.orders.models import Order
from tests.factories import make_product
from tests.fixtures.mail import links_in

pytestmark = pytest.mark.e2e

NO_SIDEWAYS_SCROLL = "document.scrollingElement.scrollWidth <= Math.min(window.innerWidth, screen.width)"


def test_consent_on_a_phone_then_the_link_restores_the_cart(phone_page, live_server, accessible, browser):
    page = phone_page
    make_product("lactose-free-kefir", title="Lactose-free Kefir", price=650, stock=8)
    page.goto("/products/lactose-free-kefir")
    page.locator("form.buy-box").get_by_role("button", name="Add to cart").click()
    expect(page.locator("[data-cart-count]").first).to_have_text("1")
    page.goto("/checkout")
    box = page.get_by_role("checkbox", name="Send me a reminder if I don't finish")
    expect(box).not_to_be_checked()
    page.get_by_text("Send me a reminder if I don't finish").click()  # the words are the label
    expect(box).to_be_checked()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the checkout scrolls sideways"
    page.locator(".remind-me").screenshot(path="/tmp/abandoned-consent-390.png")
    accessible(page)

    page.get_by_label("Email").fill("phone@example.com")
    page.get_by_label("Full name").fill("Pho Ne")
    page.get_by_label("Address", exact=True).fill("5 Harbour Road")
    page.get_by_label("City").fill("Springfield")
    page.get_by_label("ZIP / postcode").fill("12345")
    page.get_by_label("State / province / county").fill("NY")
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(re.compile(r"/checkout/demo/"))
    order = db.session.scalar(select(Order))
    assert order.reminder_consent is True

    outbox().clear()
    db.session.execute(update(OutboxJob).values(run_after=now() - timedelta(seconds=1)))
    db.session.commit()
    jobs.run_due_jobs()
    [message] = [m for m in outbox() if "left something" in m["Subject"]]
    restore = next(url for url in links_in(message)["html"] if "/checkout/restore/" in url)
    path = restore.split("://", 1)[1].split("/", 1)[1]

    phone = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        other = phone.new_page()
        other.goto(f"/{path}")
        expect(other.get_by_text("Your cart is back")).to_be_visible()
        expect(other.get_by_label("Quantity of Lactose-free Kefir", exact=True)).to_have_value("1")
        assert other.evaluate(NO_SIDEWAYS_SCROLL)
        other.screenshot(path="/tmp/abandoned-restored-390.png", full_page=True)
    finally:
        phone.close()
