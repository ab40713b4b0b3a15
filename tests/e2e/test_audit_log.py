"""In Chromium: an admin changes a price, adjusts stock and edits nutrition facts through the
forms, then reads the product's history and the whole audit log, on a phone and on a laptop.
Axe finds no serious or critical violation on any of those pages."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import make_product, make_user

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
SHOTS = "/tmp/audit-log-{name}-{width}.png"


def _sign_in(page, email: str) -> None:
    page.goto("/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/(admin/|account)"))


def test_admin_changes_a_price_stock_and_nutrition_and_reads_the_history(app, page, browser, live_server, accessible):
    make_user("owner@example.com", role="admin", password=PASSWORD)
    product = make_product("magnesium-glycinate", title="Magnesium Glycinate",
                           variants=[{"price": 1899, "stock": 20, "option": "60 capsules"}])
    variant = product.variants[0]
    _sign_in(page, "owner@example.com")

    page.goto(f"/admin/products/{product.id}/variants/{variant.id}")
    page.get_by_label("Price", exact=True).fill("16.49")
    page.get_by_role("button", name="Save variant").click()
    page.wait_for_url(re.compile(rf"/variants/{variant.id}$"))
    page.get_by_label("Change (+ received, − removed)").fill("12")
    page.get_by_label("Reason").fill("Delivery received")
    page.get_by_role("button", name="Record change").click()
    page.wait_for_url(re.compile(rf"/variants/{variant.id}$"))
    accessible(page)

    page.goto(f"/admin/products/{product.id}")
    page.get_by_label("Serving size", exact=True).fill("2 capsules")
    page.get_by_label("Nutrient (row 1)").fill("Magnesium")
    page.get_by_label("Amount (row 1)").fill("200")
    page.get_by_label("Unit (row 1)").fill("mg")
    page.get_by_label("% Daily value (row 1)").fill("48")
    page.get_by_role("button", name="Save product").click()
    page.wait_for_url(re.compile(rf"/admin/products/{product.id}$"))
    accessible(page)

    page.get_by_role("link", name=re.compile("^History")).first.click()
    page.wait_for_url(re.compile(rf"/admin/audit/product/{product.id}$"))
    history = page.locator("main").inner_text()
    assert "owner@example.com" in history and "$18.99" in history and "$16.49" in history
    assert "Delivery received" in history and "Magnesium" in history
    accessible(page)

    for width, height in ((390, 844), (1280, 800)):
        context = browser.new_context(base_url=live_server, viewport={"width": width, "height": height},
                                      is_mobile=width < 500)
        shot = context.new_page()
        _sign_in(shot, "owner@example.com")
        for name, url in (("product-history", f"/admin/audit/product/{product.id}"), ("log", "/admin/audit"),
                          ("product-form", f"/admin/products/{product.id}")):
            shot.goto(url)
            accessible(shot)
            # Nothing wider than the screen: the change tables fit a phone.
            # Nothing wider than the screen: the change tables and the nutrition rows fit a phone.
            assert shot.evaluate("document.documentElement.scrollWidth") <= width
            shot.screenshot(path=SHOTS.format(name=name, width=width), full_page=True)
        context.close()

    page.goto("/admin/audit?type=variant")
    assert page.locator(".audit-entry").count() == 2
    page.get_by_label("Who (email)").fill("nobody@")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("heading", name="No changes recorded")).to_be_visible()
