"""Every HTML page a shopper, a customer or staff can reach is valid HTML, by the Nu Html Checker.

The pages are fetched with the test client over demo data (`flask larder seed-demo`) plus the rows
only a visit makes (a cart with items, a pending demo payment, a paid order, an order flagged for
review, a payment without an order), saved to a temporary folder and checked by vnu.jar in one
Java run. Every GET route of the URL map that serves HTML must be visited, so a new page is checked
without touching this file (or the test says which route it missed).

vnu.jar comes from npm (package.json pins vnu-jar; `npm ci --ignore-scripts`, which `make test`
runs when npm is there) and runs on the machine's Java. Without Java or the jar the test skips,
unless LARDER_REQUIRE_HTML_CHECK=1 (CI) turns that into a failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from storefront.accounts.models import User
from storefront.accounts.services import make_registration_token, make_reset_token
from storefront.catalog.models import Collection, DietTag, Product
from storefront.extensions import db
from storefront.orders.models import Order
from storefront.payments.unmatched import add_unmatched_payment
from tests.factories import checkout_form, make_paid_order, make_product, make_user

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = Path(os.environ.get("VNU_JAR", ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"))
# GET routes that answer with something other than an HTML page.
NOT_HTML = {
    "static", "catalog.upload", "seo.robots", "seo.sitemap", "blog.feed", "health.healthz",
    "admin.catalog_export", "seo.favicon", "admin.orders_export", "search.suggestions",
    "admin.discount_by_code",  # a redirect to the code's page (admin.discount_detail)
    # A panel of the article editor, fetched by the page (admin.js): its markup is checked in the
    # editor page it is part of ("article edit").
    "admin.article_suggestions",
}


def vnu_command() -> list[str]:
    java = shutil.which("java")
    missing = "java is not on PATH" if java is None else None
    if missing is None and not VNU_JAR.is_file():
        missing = f"{VNU_JAR} is missing (npm ci --ignore-scripts)"
    if missing:
        if os.environ.get("LARDER_REQUIRE_HTML_CHECK") == "1":
            pytest.fail(f"The HTML check is required here but cannot run: {missing}")
        pytest.skip(missing)
    return [java, "-jar", str(VNU_JAR), "--format", "json", "--errors-only"]


def vnu_errors(command: list[str], files: list[Path]) -> list[str]:
    """Run the checker once over all files; one line per error: file:line: message (extract)."""
    run = subprocess.run([*command, *map(str, files)], capture_output=True, text=True, timeout=600)
    try:
        messages = json.loads(run.stderr or run.stdout)["messages"]
    except (ValueError, KeyError) as exc:
        raise AssertionError(f"vnu gave no JSON report (exit {run.returncode}): {run.stderr[:2000]}") from exc
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']} [{' '.join(m.get('extract', '').split())[:120]}]"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]


class Crawl:
    """Fetches pages, asserts each one answers as expected, and keeps the HTML to check."""

    def __init__(self, app, client, folder: Path):
        self.urls = app.url_map.bind("localhost")
        self.client = client
        self.folder = folder
        self.files: list[Path] = []
        self.endpoints: set[str] = set()
        self.token = ""  # the CSRF token of the pages seen last, sent with every post

    def submit(self, url: str, data: dict | None = None):
        """Post a form the way a browser does, with the page's CSRF token."""
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})})

    def save(self, name: str, response, status: int | tuple[int, ...] = 200) -> str:
        expected = status if isinstance(status, tuple) else (status,)
        assert response.status_code in expected, f"{name}: {response.request.path} -> {response.status_code}"
        assert response.mimetype == "text/html", f"{name}: {response.mimetype}"
        with contextlib.suppress(HTTPException):  # a 404 page matches no route
            self.endpoints.add(self.urls.match(response.request.path, method="GET")[0])
        html = response.get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        self.token = token.group(1) if token else self.token
        path = self.folder / f"{len(self.files):03d}-{re.sub(r'[^a-z0-9]+', '-', name.lower())}.html"
        path.write_text(html, encoding="utf-8")
        self.files.append(path)
        return html

    def get(self, name: str, url: str, status: int = 200, **kwargs) -> str:
        return self.save(name, self.client.get(url, **kwargs), status)

    def post(self, name: str, url: str, data: dict, status: tuple[int, ...] = (200, 422)) -> str:
        """A refused form: the page again with its errors (some views say so with a 422)."""
        return self.save(name, self.submit(url, data), status)


@pytest.fixture
def vnu() -> list[str]:
    """The checker's command line; asked for first so a machine without it skips before the crawl."""
    return vnu_command()


@pytest.fixture
def csrf_on(app):
    """Pages as production serves them: with their CSRF fields (the test config leaves them out)."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def demo_store(app, runner):
    result = runner.invoke(args=["larder", "seed-demo"])
    assert result.exit_code == 0, result.output


def _first(statement):
    value = db.session.scalars(statement.limit(1)).first()
    assert value is not None, f"the demo data has no row for {statement}"
    return value


def _visit_public_pages(crawl: Crawl) -> None:
    from blog.models import Article, Tag

    product = _first(select(Product).where(Product.status == "active").order_by(Product.id))
    crawl.get("home", "/")
    crawl.get("all products", "/products")
    crawl.get("all products filtered", "/products?certified=1&in_stock=1&sort=price_asc&page=2")
    crawl.get("product", f"/products/{product.slug}")
    for collection in db.session.scalars(select(Collection).order_by(Collection.id)):
        crawl.get(f"collection {collection.slug}", f"/collections/{collection.slug}")
    tag = _first(select(DietTag).order_by(DietTag.id))
    crawl.get("collection with a tag", f"/collections/low-fodmap-certified?tag={tag.slug}")
    crawl.get("search", "/search?q=magnesium")
    crawl.get("search without results", "/search?q=zzzzzz")
    crawl.get("search without a query", "/search")
    crawl.get("search corrected", "/search?q=magnesum")
    crawl.get("search articles only", "/search?q=back+pain")
    crawl.get("not found", "/products/no-such-product", status=404)

    crawl.get("journal", "/blog/")
    article = _first(select(Article).where(Article.status == "published").order_by(Article.id))
    crawl.get("article", f"/blog/{article.slug}")
    crawl.get("article lite", f"/blog/{article.slug}/lite")
    crawl.get("info page", "/pages/delivery-and-returns")
    blog_tag = _first(select(Tag).order_by(Tag.id))
    crawl.get("journal tag", f"/blog/tag/{blog_tag.slug}")

    crawl.get("empty cart", "/cart")
    assert crawl.submit("/cart/add", {"variant_id": product.variants[0].id, "quantity": 2}).status_code == 302
    crawl.get("cart", "/cart")
    crawl.get("checkout", "/checkout")
    # A discount code (demo WELCOME10) in the cart and at checkout, then taken off again.
    crawl.get("article with a code card", "/blog/magnesium-for-back-pain")
    assert crawl.submit("/cart/discount", {"code": "welcome10", "ref": "article:magnesium-for-back-pain",
                                           "next": "/blog/magnesium-for-back-pain#cta-3"}).status_code == 303
    crawl.get("article with a code applied", "/blog/magnesium-for-back-pain")
    crawl.get("cart with a code", "/cart")
    crawl.get("checkout with a code", "/checkout")
    assert crawl.submit("/cart/discount/remove", {}).status_code == 303
    crawl.post("checkout with errors", "/checkout", {"email": "not-an-email", "name": ""})
    placed = crawl.submit("/checkout", checkout_form(email="shopper@example.com"))
    assert placed.status_code == 303, placed.get_data(as_text=True)[:2000]
    token = placed.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    crawl.get("demo payment", f"/checkout/demo/{token}")
    crawl.get("payment cancelled", f"/checkout/cancelled/{token}")
    assert crawl.submit(f"/checkout/demo/{token}/pay").status_code == 303
    crawl.get("order confirmation", f"/checkout/success/{token}")
    crawl.get("guest order", f"/orders/{token}")
    # Abandoned checkout: the reminder's restore link (the cart page), a bad one, and "stop reminders".
    from storefront.checkout.reminders import make_restore_token, make_stop_token

    paid = _first(select(Order).where(Order.public_token == token))
    crawl.get("restored cart", f"/checkout/restore/{make_restore_token(paid)}")
    crawl.get("restore link not valid", "/checkout/restore/not-a-token", status=404)
    stop = f"/checkout/reminders/stop/{make_stop_token('shopper@example.com')}"
    crawl.get("stop reminders", stop)
    crawl.post("reminders stopped", stop, {})
    # Back in stock: the double opt-in page and the unsubscribe page (signed links from the emails).
    from storefront.alerts.services import subscribe
    from storefront.alerts.tokens import confirm_token, unsubscribe_token

    alert = subscribe("reader@example.com", make_product(stock=0).variants[0].id)
    db.session.commit()
    crawl.get("confirm back-in-stock alert", f"/alerts/confirm/{confirm_token(alert.id)}")
    crawl.get("unsubscribe from alert", f"/alerts/unsubscribe/{unsubscribe_token(alert.id)}")
    crawl.get("alert link not valid", "/alerts/confirm/not-a-token", status=404)
    # Reviews: the "How was it?" email's signed link (the form, its errors, sent), a bad link.
    from storefront.reviews.tokens import review_token

    review_link = f"/reviews/write/{review_token(paid.lines[0].id)}"
    crawl.get("review from the email link", review_link)
    crawl.post("review with errors", review_link, {"rating": "9", "body": "short", "author_name": ""})
    crawl.post("review sent", review_link, {"rating": "4", "title": "<b>Good</b>", "author_name": "Ann K.",
                                             "body": "Gentle, and <script>it works</script> for me every time."},
               status=201)
    crawl.get("review link not valid", "/reviews/write/not-a-token", status=404)

    crawl.get("log in", "/account/login")
    crawl.post("log in refused", "/account/login", {"email": "nobody@example.com", "password": "wrong"})
    crawl.get("register", "/account/register")
    crawl.post("register with errors", "/account/register", {"email": "x", "password": "short"})
    crawl.get("registration sent", "/account/register/sent")
    signup = make_registration_token("new-shopper@example.com", "New Shopper")
    crawl.get("finish registration", f"/account/register/{signup}")
    crawl.post("finish registration with errors", f"/account/register/{signup}",
               {"password": "short", "confirm": "other"})
    crawl.get("reset request", "/account/reset")
    customer = make_user("customer@example.com")
    crawl.get("reset password", f"/account/reset/{make_reset_token(customer)}")
    from storefront.accounts.verification import make_verification_token

    crawl.get("email verified", f"/account/verify/{make_verification_token(customer)}")
    crawl.get("verification link not valid", "/account/verify/not-a-token", status=400)


def _visit_account_pages(crawl: Crawl, auth) -> None:
    customer = db.session.scalars(select(User).filter_by(email="customer@example.com")).one()
    order = make_paid_order(user=customer)
    auth.login(customer)
    crawl.get("account", "/account")
    crawl.get("account order", f"/account/orders/{order.number}")
    crawl.get("change password", "/account/password")
    crawl.post("change password with errors", "/account/password", {"current_password": "wrong", "new_password": "x"})
    slug = order.lines[0].product_slug
    crawl.get("write a review", f"/reviews/products/{slug}/write")
    other = _first(select(Product).where(Product.slug != slug).order_by(Product.id))
    crawl.get("review refused: not bought", f"/reviews/products/{other.slug}/write", status=403)


def _visit_admin_pages(crawl: Crawl, auth) -> None:
    from blog.models import Article
    from blog.services import ArticleDraft, save_article
    from storefront.admin.models import ArticleRevision

    admin = make_user("admin@example.com", role="admin")
    auth.login(admin)
    # An order with every action open (review, fulfil, refund, cancel) and a payment without an order.
    flagged = make_paid_order(email="flagged@example.com")
    flagged.needs_review = True
    flagged.review_reason = "Amount paid differs from the order total"
    add_unmatched_payment("stripe", "evt_test_1", "checkout.session.completed", amount=2599, currency="usd",
                          session_id="cs_test_1", email="lost@example.com", summary="No order with this id")
    db.session.commit()
    product = _first(select(Product).order_by(Product.id))
    article = _first(select(Article).order_by(Article.id))
    save_article(article, ArticleDraft(source=article.body_source + "\n\nOne more line.", title=article.title))  # a revision

    crawl.get("dashboard", "/admin/")
    crawl.get("articles", "/admin/articles")
    crawl.get("article new", "/admin/articles/new")
    crawl.post("article new with errors", "/admin/articles/new", {"title": ""})
    crawl.get("article edit", f"/admin/articles/{article.id}")
    crawl.get("article revisions", f"/admin/articles/{article.id}/revisions")
    crawl.get("article review", f"/admin/articles/{article.id}/review")
    assert db.session.scalar(select(ArticleRevision.id).filter_by(article_id=article.id)) is not None
    crawl.get("review due", "/admin/review-due")
    crawl.get("products", "/admin/products")
    crawl.get("products filtered", "/admin/products?q=a&status=active&stock=low&certified=yes")
    crawl.get("product new", "/admin/products/new")
    crawl.post("product new with errors", "/admin/products/new", {"slug": "Not A Slug"})
    crawl.get("product edit", f"/admin/products/{product.id}")
    crawl.get("variant edit", f"/admin/products/{product.id}/variants/{product.variants[0].id}")
    crawl.get("product picker", "/admin/products/picker?q=a")
    crawl.get("certifications", "/admin/certifications")
    crawl.get("collections", "/admin/collections")
    crawl.get("collection new", "/admin/collections/new")
    collection = _first(select(Collection).order_by(Collection.id))
    crawl.get("collection edit", f"/admin/collections/{collection.id}")
    crawl.get("tags", "/admin/tags")
    crawl.get("tag edit", f"/admin/tags/{_first(select(DietTag.id))}")
    crawl.get("import", "/admin/catalog/import")
    crawl.get("orders", "/admin/orders")
    crawl.get("orders needing review", "/admin/orders?review=1")
    crawl.get("order flagged for review", f"/admin/orders/{flagged.id}")
    pending = _first(select(Order).where(Order.status == "pending_payment").order_by(Order.id))
    crawl.get("order pending payment", f"/admin/orders/{pending.id}")
    crawl.get("unmatched payments", "/admin/orders/unmatched-payments")
    crawl.get("packing slip", f"/admin/orders/{flagged.id}/packing-slip")
    crawl.get("customers", "/admin/customers")
    crawl.get("customers searched", "/admin/customers?q=flagged")
    crawl.get("customer", f"/admin/customers/{admin.id}")
    crawl.get("settings", "/admin/settings")
    crawl.get("pages", "/admin/pages")
    crawl.get("page new", "/admin/pages/new")
    crawl.post("page new with errors", "/admin/pages/new", {"title": "", "slug": "Not A Slug"})
    crawl.get("page edit", "/admin/pages/faq")
    crawl.get("reviews to moderate", "/admin/reviews")
    crawl.get("reviews filtered", "/admin/reviews?status=approved")
    from storefront.clock import now
    from storefront.jobs import OutboxJob

    db.session.add(OutboxJob(kind="orders.confirmation", payload={"order_id": flagged.id}, status="failed",
                             attempts=8, last_error="SMTPRecipientsRefused: <451 busy>", done_at=now()))
    db.session.commit()
    crawl.get("background jobs with a failed one", "/admin/jobs")
    crawl.get("discount codes", "/admin/discounts")
    crawl.get("discount new", "/admin/discounts/new")
    crawl.post("discount new with errors", "/admin/discounts/new", {"code": "no spaces allowed", "kind": "percentage", "value": "150"})
    from storefront.discounts.models import Discount

    welcome = _first(select(Discount).where(Discount.code == "WELCOME10"))
    crawl.get("discount code", f"/admin/discounts/{welcome.id}")
    crawl.get("discount edit", f"/admin/discounts/{welcome.id}/edit")
    crawl.get("audit log", "/admin/audit")
    crawl.get("audit log filtered", "/admin/audit?type=product&user=admin")
    crawl.get("a product's history", f"/admin/audit/product/{product.id}")


def test_every_page_is_valid_html(vnu, app, client, auth, demo_store, csrf_on, tmp_path):
    crawl = Crawl(app, client, tmp_path)
    _visit_public_pages(crawl)
    _visit_account_pages(crawl, auth)
    _visit_admin_pages(crawl, auth)

    assert crawl.token, "the pages carried no CSRF field: the check would miss their markup"
    html_routes = {r.endpoint for r in app.url_map.iter_rules() if "GET" in r.methods} - NOT_HTML
    assert html_routes - crawl.endpoints == set(), "HTML pages this test does not visit yet"

    errors = vnu_errors(vnu, crawl.files)
    assert not errors, f"{len(errors)} HTML errors (files in {tmp_path}):\n" + "\n".join(errors)
