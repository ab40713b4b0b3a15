"""Every public page, on a phone (390x844) and a laptop (1280x800), in Chromium with the demo data:
never wider than the screen, and no serious or critical axe-core violation.

One test per page and size, so a failure names both in its id (`[cart-390x844]`). Pages that
need a state (a cart with lines, an order, a signed-in customer) reach it the way a shopper
does, through the forms. The footer's pages are found by reading the footer's links at
collection time (a throwaway app on an in-memory database renders the home page), so a page
added to the footer is swept without editing this file; `test_the_footer_links_only_to_swept_pages`
checks that the seeded site's footer has nothing the discovery missed.

Screenshots of the phone-sized pages go to $LARDER_SWEEP_SHOTS when it is set (a folder).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from storefront.extensions import db
from tests.factories import make_user

pytestmark = pytest.mark.e2e

SIZES = {"390x844": (390, 844), "1280x800": (1280, 800)}
ARTICLE = "/blog/magnesium-for-back-pain"
CUSTOMER_EMAIL = "sweep-customer@example.com"
CUSTOMER_PASSWORD = "a sweep of every page"


# ---------------------------------------------------------------- how to reach each page


def _go(path: str) -> Callable:
    def visit(page) -> None:
        response = page.goto(path)
        assert response is not None and response.status == 200, f"GET {path} answered {response and response.status}"

    visit.path = path  # type: ignore[attr-defined]  # lets the footer discovery skip pages already swept
    return visit


def _in_stock_product(page) -> None:
    """Open the first product of the listing that can be bought (a buy box with a button)."""
    page.goto("/products?in_stock=1")
    page.locator(".product-grid .card-title a").first.click()
    page.wait_for_url(re.compile(r"/products/"))


def _add_to_cart(page) -> None:
    _in_stock_product(page)
    page.locator("form.buy-box").get_by_role("button", name=re.compile("Add to cart")).click()
    # Without JavaScript the form lands on /cart; a script may add in place and say so instead.
    page.wait_for_function(
        "() => location.pathname === '/cart' || [...document.querySelectorAll('[data-cart-count]')]"
        ".some(e => e.textContent.trim() !== '0')"
    )
    page.goto("/cart")
    assert page.locator("[data-cart-count]").first.inner_text() != "0", "the cart is still empty"


def _cart(page) -> None:
    _add_to_cart(page)


def _checkout(page) -> None:
    _add_to_cart(page)
    page.goto("/checkout")
    page.wait_for_url(re.compile(r"/checkout$"))


def _checkout_errors(page) -> None:
    _checkout(page)
    page.get_by_role("button", name="Continue to payment").click()
    page.get_by_role("alert").first.wait_for()


def _checkout_without_cart(page) -> None:
    """Checkout with nothing in the cart sends the shopper back to the cart, with a message."""
    response = page.goto("/checkout")
    assert response is not None and response.status == 200
    page.wait_for_url(re.compile(r"/cart$"))


def _demo_payment(page) -> None:
    _checkout(page)
    page.get_by_label("Email").fill("sweep-shopper@example.com")
    page.get_by_label("Full name").fill("Sweep Shopper")
    page.get_by_label("Address", exact=True).fill("3 Broom Street")
    page.get_by_label("City").fill("Portland")
    page.get_by_label(re.compile("^State")).fill("OR")  # a US address needs its state
    page.get_by_label("ZIP / postcode").fill("97201")
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(re.compile(r"/checkout/demo/"))


def _confirmation(page) -> None:
    _demo_payment(page)
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(re.compile(r"/checkout/success/"))


def _order_page(page) -> None:
    _confirmation(page)
    token = urlsplit(page.url).path.rstrip("/").rsplit("/", 1)[-1]
    _go(f"/orders/{token}")(page)


def _tag_page(page) -> None:
    page.goto(ARTICLE)
    href = page.locator("a[href*='/blog/tag/']").first.get_attribute("href")
    _go(href)(page)


def _sign_in(page) -> None:
    page.goto("/account/login")
    page.get_by_label("Email").fill(CUSTOMER_EMAIL)
    page.get_by_label("Password").fill(CUSTOMER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/account$"))


def _account_order(page) -> None:
    """An order placed while signed in, opened from the account's order list."""
    _sign_in(page)
    _confirmation(page)
    page.goto("/account")
    page.locator("a[href*='/account/orders/']").first.click()
    page.wait_for_url(re.compile(r"/account/orders/"))


def _change_password(page) -> None:
    _sign_in(page)
    _go("/account/password")(page)


def _not_found(page) -> None:
    response = page.goto("/no-such-page-here")
    assert response is not None and response.status == 404


PAGES: dict[str, Callable] = {
    "home": _go("/"),
    "all-products": _go("/products"),
    "collection": _go("/collections/supplements"),
    "collection-filtered": _go("/collections/supplements?certified=1&tag=vegan&sort=price"),
    "product": _go("/products/magnesium-glycinate"),
    "search": _go("/search?q=magnesium"),
    "journal": _go("/blog/"),
    "journal-tag": _tag_page,
    "article": _go(ARTICLE),
    "article-lite": _go(ARTICLE + "/lite"),
    "cart-empty": _go("/cart"),
    "cart": _cart,
    "checkout-empty-cart": _checkout_without_cart,
    "checkout": _checkout,
    "checkout-errors": _checkout_errors,
    "demo-payment": _demo_payment,
    "confirmation": _confirmation,
    "order": _order_page,
    "login": _go("/account/login"),
    "register": _go("/account/register"),
    "reset-request": _go("/account/reset"),
    "account": _sign_in,
    "account-order": _account_order,
    "change-password": _change_password,
    "not-found": _not_found,
}


# ---------------------------------------------------------------- the footer's pages


class _FooterLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "footer":
            self.depth += 1
        elif tag == "a" and self.depth:
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)

    def handle_endtag(self, tag):
        if tag == "footer" and self.depth:
            self.depth -= 1


def footer_pages(html: str) -> list[str]:
    """The footer's links to this site's HTML pages (not feeds, sitemaps or other sites)."""
    parser = _FooterLinks()
    parser.feed(html)
    paths = []
    for href in parser.hrefs:
        parts = urlsplit(href)
        if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.hostname not in ("127.0.0.1", "localhost")):
            continue
        if not parts.path.startswith("/") or re.search(r"\.(xml|txt|json|rss|atom)$", parts.path):
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if path not in paths:
            paths.append(path)
    return paths


def _discover_footer_pages(tmp: Path) -> list[str]:
    """Render the home page of an empty in-memory Larder and read its footer."""
    from storefront import create_app

    app = create_app({"LARDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_PATH": str(tmp),
                      "UPLOAD_FOLDER": str(tmp / "uploads"), "SERVER_NAME": None})
    with app.app_context():
        db.create_all()
        html = app.test_client().get("/").get_data(as_text=True)
        db.session.remove()
        db.engine.dispose()
    return footer_pages(html)


def _slug(path: str) -> str:
    return "footer-" + (re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "root")


def pytest_generate_tests(metafunc):
    if "sweep_key" not in metafunc.fixturenames:
        return
    import tempfile

    with tempfile.TemporaryDirectory(prefix="larder-sweep-") as tmp:
        footer = _discover_footer_pages(Path(tmp))
    keys = list(PAGES)
    swept = {getattr(visit, "path", None) for visit in PAGES.values()}
    for path in footer:
        if path not in swept:
            PAGES.setdefault(_slug(path), _go(path))
            keys.append(_slug(path))
            swept.add(path)
    FOOTER_DISCOVERED[:] = footer
    metafunc.parametrize("size", list(SIZES))
    metafunc.parametrize("sweep_key", keys)


FOOTER_DISCOVERED: list[str] = []
# The footer's pages when the sweep was written; more are swept as the footer grows.
REQUIRED_FOOTER_PAGES = {"/products"}


# ---------------------------------------------------------------- one seeded site for the module


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Replaces conftest's per-test wipe: the sweep reads one seeded site (see `demo_site`)."""
    if "app" not in request.fixturenames:
        yield
        return
    with request.getfixturevalue("app").app_context():
        yield
        db.session.rollback()


@pytest.fixture(scope="module")
def demo_site(app):
    from tests.conftest import _wipe

    _wipe(app)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["larder", "seed-demo"])
        assert result.exit_code == 0, result.output
        make_user(CUSTOMER_EMAIL, password=CUSTOMER_PASSWORD)
        db.session.remove()
    yield
    _wipe(app)


@pytest.fixture
def sized_page(browser, live_server, size):
    width, height = SIZES[size]
    context = browser.new_context(base_url=live_server, viewport={"width": width, "height": height},
                                  is_mobile=width < 600, has_touch=width < 600)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def overflowing_elements(page, screen_width: int) -> list[str]:
    """The elements that stick out past the right edge of the screen (what makes it scroll)."""
    return page.evaluate(
        """(w) => {
          const out = [];
          for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.width && r.right > w + 0.5) {
              const parentOut = el.parentElement && el.parentElement.getBoundingClientRect().right > w + 0.5;
              if (!parentOut) {
                const cls = el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
                out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} (right edge ${Math.round(r.right)}px)`);
              }
            }
          }
          return out.slice(0, 10);
        }""",
        screen_width,
    )


def test_page_fits_the_screen_and_passes_axe(demo_site, sized_page, size, sweep_key):
    page = sized_page
    PAGES[sweep_key](page)
    page.wait_for_load_state("load")

    shots = os.environ.get("LARDER_SWEEP_SHOTS")
    if shots and size == "390x844":
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(shots) / f"{sweep_key}.png"), full_page=True)

    screen_width = SIZES[size][0]
    scroll_width, inner_width = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    problems = []
    # On a phone (is_mobile) Chromium zooms out to fit content wider than the screen, and
    # innerWidth grows with it: the screen's own width is the bar, not only innerWidth.
    if scroll_width > min(inner_width, screen_width):
        problems.append(
            f"{page.url} is {scroll_width}px wide on a {screen_width}px screen (innerWidth {inner_width}); "
            f"sticking out: {overflowing_elements(page, screen_width)}"
        )

    from tests.fixtures.browser import axe_violations

    for violation in axe_violations(page):
        targets = [node["target"] for node in violation["nodes"]][:6]
        problems.append(f"axe {violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    assert not problems, f"{sweep_key} at {size}:\n" + "\n".join(problems)


def test_the_footer_links_only_to_swept_pages(demo_site, live_server, app):
    """The seeded site's footer links to nothing the collection-time discovery missed."""
    assert set(FOOTER_DISCOVERED) >= REQUIRED_FOOTER_PAGES, f"footer pages found: {FOOTER_DISCOVERED}"
    html = app.test_client().get("/").get_data(as_text=True)
    seeded = footer_pages(html)
    assert seeded, "the home page has no footer links"
    swept = {getattr(visit, "path", None) for visit in PAGES.values()}
    missed = [path for path in seeded if path not in swept]
    assert not missed, f"footer pages that the sweep does not visit: {missed}"


def test_footer_discovery_reads_only_internal_html_pages():
    html = (
        '<main><a href="/cart">Cart</a></main><footer><nav><a href="/products">All</a>'
        '<a href="/sitemap.xml">Sitemap</a><a href="https://elsewhere.example/x">Out</a>'
        '<a href="/pages/about">About</a><a href="mailto:a@b.c">Mail</a><a href="/pages/about">Again</a></nav></footer>'
    )
    assert footer_pages(html) == ["/products", "/pages/about"]
