"""In Chromium, at 390x844 (a phone), 820x1180 (a tablet) and 1280x800 (a desktop): an admin opens the dashboard,
the customer list and a customer's page in the staff area's own layout. No shop chrome (cart,
promo banner, shop search), the menu collapses on the phone without JavaScript, nothing is wider
than the screen, and axe finds no serious or critical violation on any page.

Screenshots go to $LARDER_SCREENSHOTS (default: the test's temporary folder)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from blog.services import ArticleDraft, publish_article, save_article
from storefront.extensions import db
from tests.factories import make_paid_order, make_product, make_user

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}
DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"390": PHONE, "820": TABLET, "1280": DESKTOP}


@pytest.fixture
def shop(app):
    admin = make_user("owner@example.com", role="admin", password=PASSWORD)
    ada = make_user("ada@example.com")
    ada.name = "Ada Lovelace"
    db.session.commit()
    product = make_product("magnesium-glycinate", title="Magnesium Glycinate", price=1899, stock=4)
    publish_article(save_article(None, ArticleDraft(source="Cramps at night?\n\n[[product:magnesium-glycinate]]\n",
                                                    title="Magnesium for back pain",
                                                    slug="magnesium-for-back-pain")).article)
    orders = [make_paid_order([(product.variants[0], quantity)], user=ada, attribution="article:magnesium-for-back-pain")
              for quantity in (1, 2)]
    # Something waiting, so the dashboard's "Needs attention" panel is drawn (and checked by axe).
    from storefront.orders.services import flag_for_review

    flag_for_review(orders[0], "stripe", "Paid 1000 USD but the order total is 2795 USD")
    db.session.commit()
    return admin, ada


def _context_page(browser, live_server, viewport, *, phone: bool, scripts: bool = True):
    context = browser.new_context(base_url=live_server, viewport=viewport, is_mobile=phone,
                                  java_script_enabled=scripts)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _sign_in(page, email: str) -> None:
    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/login"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def _no_shop_chrome(page) -> None:
    assert page.locator(".cart-link, [data-cart-count]").count() == 0
    assert page.locator(".top-banner").count() == 0
    assert page.get_by_role("search", name=re.compile("product", re.I)).count() == 0
    assert page.locator("a[href='/cart']").count() == 0
    assert page.get_by_role("link", name="View shop").is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()


def _fits(page, viewport) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def _shot(page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("LARDER_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_admin_opens_dashboard_customers_and_a_customer(browser, live_server, shop, accessible, shots, size):
    admin, ada = shop
    phone = size == "390"
    viewport = VIEWPORTS[size]
    context, page = _context_page(browser, live_server, viewport, phone=phone)
    try:
        _sign_in(page, admin.email)
        assert page.get_by_role("heading", name="Dashboard", level=1).is_visible()
        assert page.get_by_role("banner").get_by_text(admin.email).is_visible()
        _no_shop_chrome(page)
        _fits(page, viewport)
        chart_axis = page.locator(".chart-y li").all_inner_texts()
        assert chart_axis[-1] == "$0.00" and all(label.startswith("$") for label in chart_axis)
        page.get_by_role("link", name=re.compile(r"^Order LD-\w+ was flagged")).wait_for()
        page.get_by_text("Show as a table").click()
        assert page.get_by_role("table", name=re.compile("Orders and net revenue per day")).is_visible()
        accessible(page)
        _shot(page, shots, f"admin-dashboard-{size}")

        nav = page.get_by_role("navigation", name="Staff area")
        menu = page.locator(".admin-menu > summary")
        if phone:
            # The menu is collapsed: its links are hidden until the button opens it.
            assert menu.is_visible() and not nav.get_by_role("link", name="Customers").is_visible()
            menu.click()
            assert page.locator(".admin-menu").get_attribute("open") is not None
            _shot(page, shots, f"admin-menu-open-{size}")
        else:
            assert not menu.is_visible()
        assert nav.get_by_role("link", name="Dashboard").get_attribute("aria-current") == "page"
        nav.get_by_role("link", name="Customers").click()
        page.wait_for_url(re.compile(r"/admin/customers$"))
        assert page.get_by_role("heading", name="Customers", level=1).is_visible()
        # (on the phone the menu is closed again: read the mark from the markup)
        assert page.locator('.admin-sidenav a[aria-current="page"]').text_content() == "Customers"
        _no_shop_chrome(page)
        _fits(page, viewport)
        accessible(page)
        _shot(page, shots, f"admin-customers-{size}")

        page.get_by_role("link", name="ada@example.com").click()
        page.wait_for_url(re.compile(rf"/admin/customers/{ada.id}$"))
        assert page.get_by_role("heading", name="Ada Lovelace", level=1).is_visible()
        assert page.get_by_role("link", name="Magnesium for back pain").is_visible()
        assert page.locator("#orders-heading + * a, #orders-heading ~ div a").count() == 2
        _no_shop_chrome(page)
        _fits(page, viewport)
        accessible(page)
        _shot(page, shots, f"admin-customer-{size}")
    finally:
        context.close()


def test_phone_menu_works_without_javascript(browser, live_server, shop):
    admin, _ = shop
    context, page = _context_page(browser, live_server, PHONE, phone=True, scripts=False)
    try:
        _sign_in(page, admin.email)
        nav = page.get_by_role("navigation", name="Staff area")
        assert not nav.get_by_role("link", name="Orders").is_visible()
        page.locator(".admin-menu > summary").click()
        nav.get_by_role("link", name="Orders").click()
        page.wait_for_url(re.compile(r"/admin/orders$"))
        assert page.get_by_role("heading", name="Orders", level=1).is_visible()
    finally:
        context.close()
