"""Must-show 4, in Chromium: a reader subscribes from a sold-out card in the magnesium article,
confirms by the emailed link, staff restock the variant in the admin, exactly one alert arrives
with a working unsubscribe link, and the order it leads to is attributed to the article.

The live server runs in this process with the memory mail backend, so the test reads the emails
the app sent from its outbox. Restocking writes an outbox row from a database trigger; the beat
sweep hands such rows to a worker, which this test does with jobs.run_due_jobs().
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from storefront import jobs
from storefront.alerts.models import AlertStatus, StockAlert
from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.mail import outbox, text_part
from storefront.orders.models import Order
from tests.factories import make_user

pytestmark = pytest.mark.e2e

ARTICLE = "/blog/magnesium-for-back-pain"
ARTICLE_REF = "article:magnesium-for-back-pain"
READER = "reader@example.com"
PASSWORD = "correct horse battery"
SOLD_OUT_SKU = "GG-PEPI-150"  # the demo's Maple Roasted Pumpkin Seeds: both options sold out


@pytest.fixture
def demo(runner):
    result = runner.invoke(args=["larder", "seed-demo"])
    assert result.exit_code == 0, result.output
    outbox().clear()
    yield
    outbox().clear()


def _path(message, part: str) -> str:
    for url in re.findall(r"https?://\S+", text_part(message)):
        if part in url:
            split = urlsplit(url)
            return split.path + (f"?{split.query}" if split.query else "")
    raise AssertionError(f"no {part} link in {message['Subject']!r}")


def _mail_to(address: str, subject_part: str) -> list:
    return [m for m in outbox() if m["To"] == address and subject_part in m["Subject"]]


def _restock_in_the_admin(browser, live_server, accessible, variant: Variant) -> None:
    staff = make_user("stock@example.com", role="admin", password=PASSWORD)
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"/admin/products/{variant.product_id}")
        page.wait_for_url(re.compile(r"/login"))
        page.get_by_label("Email").fill(staff.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(rf"/admin/products/{variant.product_id}$"))
        row = page.locator("#variants tr", has_text=variant.sku)
        expect(row.locator("[data-alerts-waiting]")).to_have_text("1")  # the confirmed reader
        accessible(page)
        row.get_by_role("link", name=re.compile("Edit, adjust stock")).click()
        page.get_by_label("Change (+ received, − removed)").fill("6")
        page.get_by_label("Reason").fill("Delivery from the grower")
        page.get_by_role("button", name="Record change").click()
        expect(page.get_by_text(f"Stock of {variant.sku} is now 6.")).to_be_visible()
    finally:
        context.close()


def test_reader_subscribes_from_a_sold_out_card_and_buys_when_it_is_back(demo, browser, live_server, page, accessible):
    variant = db.session.scalar(select(Variant).where(Variant.sku == SOLD_OUT_SKU))
    assert variant.stock == 0

    # The reader meets the sold-out card and asks to be told.
    page.goto(ARTICLE)
    card = page.locator(".cta-unavailable", has=page.locator("form.notify-form")).first
    expect(card).to_contain_text("Sold out")
    card.get_by_label(re.compile("Email me when it's back")).fill(READER)
    accessible(page)
    card.get_by_role("button", name=re.compile("Notify me when it's back")).click()
    page.wait_for_url(re.compile(re.escape(ARTICLE) + r"#cta-\d+$"))
    note = page.locator(".notify-notice")
    expect(note).to_contain_text("Check your inbox")
    expect(note).to_be_in_viewport()  # back at the card, not at the top of the article
    accessible(page)

    # Double opt-in: the emailed link shows a button; pressing it confirms.
    [confirmation] = _mail_to(READER, "Confirm")
    page.goto(_path(confirmation, "/alerts/confirm/"))
    accessible(page)
    page.get_by_role("button", name="Confirm my alert").click()
    expect(page.get_by_role("heading", name="You're on the list")).to_be_visible()
    accessible(page)

    # Staff restock the variant; the beat's sweep hands the trigger's job to a worker.
    _restock_in_the_admin(browser, live_server, accessible, variant)
    jobs.run_due_jobs()
    jobs.run_due_jobs()  # the sweep again: nothing more goes out
    alerts = _mail_to(READER, "Back in stock")
    assert len(alerts) == 1, [m["Subject"] for m in outbox()]
    [alert_mail] = alerts
    assert str(alert_mail["List-Unsubscribe-Post"]).strip() == "List-Unsubscribe=One-Click"
    unsubscribe_path = _path(alert_mail, "/alerts/unsubscribe/")
    assert unsubscribe_path in str(alert_mail["List-Unsubscribe"])

    # The unsubscribe link works (its page answers with a button; nothing changes until pressed).
    page.goto(unsubscribe_path)
    expect(page.get_by_role("button", name="Unsubscribe")).to_be_visible()
    accessible(page)

    # The alert's link leads to the product, carrying the article: the order is attributed to it.
    page.goto(_path(alert_mail, "/products/"))
    assert "ref=article:magnesium-for-back-pain" in page.url
    page.locator("form.buy-box").get_by_role("button", name="Add to cart").click()
    expect(page.locator("[data-cart-notification]")).to_contain_text(re.compile(r"Added 1 × .+ to your cart"))
    page.goto("/checkout")
    page.get_by_label("Email").fill(READER)
    page.get_by_label("Full name").fill("Rea Der")
    page.get_by_label("Address", exact=True).fill("12 Oak Lane")
    page.get_by_label("City").fill("Portland")
    page.get_by_label("ZIP / postcode").fill("97201")
    page.get_by_label("State / province / county").fill("OR")
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(re.compile(r"/checkout/demo/"))
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(re.compile(r"/checkout/success/"))
    number = page.locator("[data-order-number]").inner_text()

    db.session.expire_all()
    order = db.session.scalar(select(Order).where(Order.number == number))
    assert order.status == "paid"
    assert order.attribution == ARTICLE_REF
    [alert] = db.session.scalars(select(StockAlert).where(StockAlert.variant_id == variant.id)).all()
    assert alert.status == AlertStatus.NOTIFIED and alert.attribution == ARTICLE_REF

    # One click unsubscribes.
    page.goto(unsubscribe_path)
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="You're unsubscribed")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(StockAlert, alert.id).status == AlertStatus.UNSUBSCRIBED


def test_a_bad_address_is_explained_on_a_page_of_its_own(demo, page, accessible):
    # The form has no script of its own: this is the same whether JavaScript runs or not (axe needs it).
    page.goto("/products/maple-roasted-pumpkin-seeds")
    form = page.locator("form.notify-form")
    accessible(page)
    # The browser's own check would stop "not an address" before the server sees it; the server
    # must cope with whatever arrives, so the test sends one browsers accept and the server refuses.
    form.get_by_label(re.compile("Email me when it's back")).fill("reader@localhost")
    form.get_by_role("button", name=re.compile("Notify me")).click()
    expect(page.get_by_role("heading", name="Notify me when it's back")).to_be_visible()
    expect(page.get_by_text("Please enter a valid email address").first).to_be_visible()
    assert page.get_by_label("Email").get_attribute("aria-invalid") == "true"
    accessible(page)
