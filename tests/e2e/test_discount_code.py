"""In Chromium: the magnesium article's code card -> "Apply" -> add the product -> checkout shows the
saving and the total -> demo payment -> the dashboard credits the order and its saving to the article."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from storefront.extensions import db
from storefront.orders.models import Order
from tests.factories import make_user

pytestmark = pytest.mark.e2e

ARTICLE = "/blog/magnesium-for-back-pain"
PASSWORD = "correct horse battery"


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["larder", "seed-demo"])
    assert result.exit_code == 0, result.output


def test_article_code_card_to_a_discounted_order_credited_to_the_article(demo, page, accessible):
    page.goto(ARTICLE)
    card = page.locator("aside.cta-code")
    expect(card).to_contain_text("WELCOME10")
    expect(card).to_contain_text("10% off")
    card.get_by_role("button", name=re.compile("^Apply")).click()
    page.wait_for_url(re.compile(r"/blog/magnesium-for-back-pain#cta-\d+$"))
    expect(page.locator("aside.cta-code")).to_contain_text("Code WELCOME10 saved")
    accessible(page)

    # Add the magnesium from the article's own card, then make it two in the cart ($37.98).
    page.locator(".cta-product").first.get_by_role("button", name=re.compile("^Add to cart")).click()
    expect(page.locator("[data-cart-notification]")).to_contain_text("Magnesium Glycinate")
    page.goto("/cart")
    page.get_by_role("button", name=re.compile("^Increase quantity")).first.click()
    page.wait_for_url(re.compile(r"/cart$"))
    expect(page.locator("[data-cart-saving]")).to_have_text("−$3.80")
    accessible(page)

    page.get_by_role("link", name="Check out").click()
    page.wait_for_url(re.compile(r"/checkout$"))
    expect(page.locator("#checkout-saving")).to_have_text("−$3.80")
    page.get_by_label("Email").fill("reader@example.com")
    page.get_by_label("Full name").fill("Rea Der")
    page.get_by_label("Address", exact=True).fill("12 Oak Lane")
    page.get_by_label("City").fill("Portland")
    page.get_by_label("ZIP / postcode").fill("97201")
    page.get_by_label("State / province / county").fill("OR")
    total = page.locator("#checkout-total").inner_text()
    accessible(page)
    page.get_by_role("button", name="Continue to payment").click()

    page.wait_for_url(re.compile(r"/checkout/demo/"))
    expect(page.locator(".order-discount")).to_contain_text("WELCOME10")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(re.compile(r"/checkout/success/"))
    db.session.expire_all()
    order = db.session.scalar(select(Order).order_by(Order.id.desc()))
    assert order.status == "paid" and order.discount_code == "WELCOME10" and order.discount_total == 380
    assert order.attribution == "article:magnesium-for-back-pain"
    assert total == f"${order.total / 100:,.2f}"

    # Staff: the dashboard's article row counts the order and the saving of its code.
    admin = make_user("admin@example.com", role="admin", password=PASSWORD)
    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/login"))
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    row = page.locator('tr[data-article="magnesium-for-back-pain"]')
    expect(row.locator("[data-code-orders]")).to_have_text("1")
    expect(row.locator("[data-code-saving]")).to_have_text("$3.80")
