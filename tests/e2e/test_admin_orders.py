"""In Chromium, as an admin (#17 must-show 2): ship two lines of a three-line order with a tracking
number, refund one line with "put back in stock" (the stock returns; the history says "$12.00"),
export the day's orders to CSV (downloaded and parsed) and open the packing slip. Every staff page
visited has no serious or critical axe violations; screenshots at 390x844 and 1280x800 go to /tmp."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from blog.services import ArticleDraft, publish_article, save_article
from storefront.catalog.models import Variant
from storefront.extensions import db
from tests.factories import make_paid_order, make_product, make_user

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
SIZES = {"phone": (390, 844), "desktop": (1280, 800)}


def _shots(page, name: str) -> None:
    for label, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=f"/tmp/admin-orders-{name}-{label}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def _stock(variant_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Variant, variant_id).stock


def test_admin_ships_part_refunds_a_line_with_restock_exports_and_prints(app, page, accessible):
    admin = make_user("admin@example.com", role="admin", password=PASSWORD)
    article = save_article(None, ArticleDraft(source="Cramps at night?", title="Magnesium for back pain",
                                              slug="magnesium-for-back-pain")).article
    publish_article(article)
    order = make_paid_order([
        (make_product(title="Rolled Oats", price=500, stock=10).variants[0], 2),
        (make_product(title="Ginger Tea", price=1200, stock=10).variants[0], 1),
        (make_product(title="Wild Honey", price=800, stock=10).variants[0], 1),
    ], attribution="article:magnesium-for-back-pain")
    oats, tea, honey = order.lines
    tea_stock = _stock(tea.variant_id)

    page.goto("/admin/orders")
    page.wait_for_url(re.compile(r"/login"))
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/admin/orders$"))
    row = page.get_by_role("row").filter(has_text=order.number)
    expect(row).to_contain_text("Paid")
    expect(row).to_contain_text("Unfulfilled")
    expect(row.get_by_role("link", name="Magnesium for back pain", exact=True)).to_have_attribute(
        "href", "/blog/magnesium-for-back-pain")
    # With JavaScript, "select all on this page" ticks every order's box.
    page.get_by_label("Select all orders on this page").check()
    expect(page.get_by_label(f"Select order {order.number}")).to_be_checked()
    accessible(page)
    _shots(page, "list")

    # Ship two of the three lines, with a UPS tracking number.
    page.get_by_role("link", name=order.number).click()
    page.wait_for_url(re.compile(rf"/admin/orders/{order.id}$"))
    accessible(page)
    expect(page.locator(f'input[name="ship-line-{oats.id}"]')).to_have_value("2")
    page.locator(f'input[name="ship-line-{honey.id}"]').fill("0")
    page.get_by_label("Carrier", exact=True).select_option("ups")
    page.get_by_label("Tracking number").fill("1Z999AA10123456784")
    page.get_by_role("button", name="Ship these items").click()
    page.wait_for_url(re.compile(rf"/admin/orders/{order.id}$"))
    expect(page.locator("h1")).to_contain_text("Partially fulfilled")
    expect(page.locator(".admin-header")).to_contain_text("Shipped 3 of 4 items")
    shipments = page.get_by_role("region", name="Shipments")
    expect(shipments).to_contain_text("with UPS, tracking 1Z999AA10123456784")
    expect(shipments).to_contain_text("2 × Rolled Oats, 1 × Ginger Tea")

    # Refund the tea, put back in stock. The amount box starts empty.
    expect(page.get_by_label("Or refund an amount")).to_have_value("")
    page.locator(f'input[name="refund-line-{tea.id}"]').fill("1")
    page.get_by_label("Put the refunded items back in stock").check()
    page.get_by_role("button", name="Refund").click()
    page.wait_for_url(re.compile(rf"/admin/orders/{order.id}$"))
    expect(page.get_by_text(f"Refunded $12.00 on order {order.number}.")).to_be_visible()
    history = page.get_by_role("region", name="History")
    expect(history).to_contain_text("Refunded $12.00: 1 × Ginger Tea (put back in stock)")
    expect(page.locator("h1")).to_contain_text("Partially refunded")
    assert "1200" not in history.inner_text()
    assert _stock(tea.variant_id) == tea_stock + 1
    accessible(page)
    _shots(page, "detail")

    # The packing slip: ship-to address, SKUs and quantities; no prices.
    page.get_by_role("link", name=re.compile("Packing slip")).click()
    page.wait_for_url(re.compile(rf"/admin/orders/{order.id}/packing-slip$"))
    slip = page.locator("article.packing-slip")
    expect(slip).to_contain_text(f"Order {order.number}")
    expect(slip).to_contain_text("1 Test Street")
    for line in (oats, tea, honey):
        expect(slip).to_contain_text(line.sku)
    assert "$" not in slip.inner_text()
    accessible(page)
    _shots(page, "packing-slip")
    # Printing hides the toolbar and keeps the slip.
    page.emulate_media(media="print")
    expect(page.locator(".slip-toolbar")).to_be_hidden()
    expect(slip).to_be_visible()
    page.emulate_media(media="screen")

    # Today's orders, exported to CSV from the filtered list.
    today = order.created_at.date().isoformat()
    page.goto("/admin/orders")
    page.get_by_label("Placed from").fill(today)
    page.get_by_label("Placed until").fill(today)
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(rf"start={today}"))
    accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("as CSV")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    assert [(r["order_number"], r["sku"], r["quantity_shipped"], r["quantity_refunded"]) for r in rows] == [
        (order.number, oats.sku, "2", "0"), (order.number, tea.sku, "1", "1"), (order.number, honey.sku, "0", "0")]
    assert {r["refunded"] for r in rows} == {"12.00"} and {r["currency"] for r in rows} == {"USD"}
