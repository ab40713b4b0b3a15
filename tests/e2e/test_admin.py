"""In Chromium: an admin signs in, creates a product with a variant and an image, writes an
article that links it through the picker, previews, publishes, and readers see the live card.
Every staff page visited has no serious or critical axe violations."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.factories import make_user
from tests.fixtures.browser import signed_in

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"


def _png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), (212, 140, 40)).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def admin(app):
    return make_user("admin@example.com", role="admin", password=PASSWORD)


def test_admin_builds_a_product_and_sells_it_in_an_article(admin, page, accessible):
    # Log in through the real form, sent there by the staff area itself.
    page.goto("/admin/")
    page.wait_for_url(re.compile(r"/login"))
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    accessible(page)

    # A product with its first variant.
    page.get_by_role("navigation", name="Staff area").get_by_role("link", name="Products").click()
    page.wait_for_url(re.compile(r"/admin/products$"))
    accessible(page)
    page.get_by_role("link", name="New product").click()
    page.wait_for_url(re.compile(r"/admin/products/new$"))
    accessible(page)
    page.get_by_label("Title", exact=True).fill("Calm Ginger Chews")
    page.get_by_label("Brand").fill("Larder Labs")
    page.get_by_label("Status").select_option("active")
    page.get_by_label("Summary").fill("Soft ginger chews for the journey.")
    page.get_by_label("SKU").fill("CHEWS-100")
    page.get_by_label("Option", exact=True).fill("100 g")
    page.get_by_label("Price", exact=True).fill("6.50")
    page.get_by_label("Stock on hand").fill("40")
    page.get_by_role("button", name="Create product").click()
    page.wait_for_url(re.compile(r"/admin/products/\d+$"))
    assert "Calm Ginger Chews" in page.locator("h1").inner_text()
    assert page.get_by_role("cell", name="100 g").is_visible()

    # An image, uploaded and stored as WebP.
    page.get_by_label("Image file").set_input_files({"name": "chews.png", "mimeType": "image/png", "buffer": _png()})
    page.get_by_label("Alternative text").fill("A bag of ginger chews")
    page.get_by_role("button", name="Upload image").click()
    page.wait_for_url(re.compile(r"#images$"))
    image = page.locator(".admin-images img").first
    assert image.get_attribute("alt") == "A bag of ginger chews"
    assert image.evaluate("img => img.complete && img.naturalWidth") == 640
    accessible(page)

    # An article linking it through the picker.
    page.get_by_role("navigation", name="Staff area").get_by_role("link", name="Articles").click()
    page.get_by_role("link", name="New article").click()
    page.wait_for_url(re.compile(r"/admin/articles/new$"))
    accessible(page)
    page.get_by_label("Title", exact=True).fill("Ginger for travel days")
    body = page.get_by_label("Body (Markdown)")
    body.fill("Ginger has a long history on long journeys.\n\nOur favourite chew:")
    body.press("End")
    page.get_by_label("Find a product to link").fill("ginger")
    insert = page.get_by_role("button", name="Insert Calm Ginger Chews")
    insert.click()
    assert "[[product:calm-ginger-chews]]" in body.input_value()

    # The live preview (JavaScript) shows the card as readers will see it (in the Preview tab at this width) ...
    page.locator("label[for=pane-preview]").click()
    preview = page.locator("[data-preview]")
    preview.locator(".cta-card").wait_for()
    assert "Calm Ginger Chews" in preview.inner_text()
    # ... and so does the server-rendered Preview button.
    page.get_by_role("button", name="Preview", exact=True).click()
    page.wait_for_load_state()
    assert "[[product:calm-ginger-chews]]" in page.get_by_label("Body (Markdown)").input_value()
    assert "Calm Ginger Chews" in page.locator("[data-preview] .cta-card").inner_text()
    accessible(page)

    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(r"/admin/articles/\d+$"))
    assert page.locator(".flash", has_text="Published.").is_visible()
    accessible(page)

    # Readers see the live card with its price and a Shop now link carrying the article.
    page.get_by_role("link", name="View article").click()
    page.wait_for_url(re.compile(r"/blog/ginger-for-travel-days$"))
    card = page.locator(".cta-card").first
    assert "Calm Ginger Chews" in card.inner_text() and "$6.50" in card.inner_text()
    href = card.get_by_role("link", name=re.compile("Shop now")).get_attribute("href")
    assert href.endswith("/products/calm-ginger-chews?ref=article:ginger-for-travel-days")
    assert "/uploads/" in card.locator("img").get_attribute("src")


def test_editor_is_kept_out_of_the_catalog(app, page):
    editor = make_user("editor@example.com", role="editor", password=PASSWORD)
    page.goto("/account/login")
    page.get_by_label("Email").fill(editor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    page.goto("/admin/")
    nav = page.get_by_role("navigation", name="Staff area")
    assert nav.get_by_role("link", name="Articles").is_visible()
    assert nav.get_by_role("link", name="Products").count() == 0
    response = page.goto("/admin/products")
    assert response.status == 403


def test_every_staff_page_is_accessible(runner, app, page, accessible):
    from sqlalchemy import select

    from blog.models import Article
    from storefront.catalog.models import Product
    from storefront.extensions import db
    from storefront.orders.services import flag_for_review
    from storefront.payments.models import UnmatchedPayment
    from tests.factories import make_paid_order

    assert runner.invoke(args=["larder", "seed-demo"]).exit_code == 0
    admin = make_user("boss@example.com", role="admin", password=PASSWORD)
    product = db.session.scalar(select(Product).where(Product.slug == "magnesium-glycinate"))
    article = db.session.scalar(select(Article).where(Article.slug == "magnesium-for-back-pain"))
    order = make_paid_order([(product.variants[0], 1)], attribution=f"article:{article.slug}")
    # Something waiting for staff, so the attention lines, the review form and the resolve form are checked too.
    flag_for_review(order, "stripe", "Paid 1000 USD but the order total is 2795 USD")
    db.session.add(UnmatchedPayment(provider="stripe", event_id="evt_e2e_lost", event_type="checkout.session.completed",
                                    session_id="cs_test_e2e_lost", amount=4242, currency="USD",
                                    email="lost@example.com", summary="order not found"))
    db.session.commit()
    page.goto("/account/login")
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    paths = [
        "/admin/", "/admin/products?q=magnesium", f"/admin/products/{product.id}",
        f"/admin/products/{product.id}/variants/{product.variants[0].id}", "/admin/products/new",
        "/admin/tags", "/admin/collections", "/admin/collections/new", "/admin/certifications",
        "/admin/catalog/import", "/admin/settings", "/admin/articles", f"/admin/articles/{article.id}",
        f"/admin/articles/{article.id}/revisions", "/admin/review-due", "/admin/orders",
        f"/admin/orders/{order.id}", "/admin/products/picker?q=magnesium",
        "/admin/orders?review=1", "/admin/orders/unmatched-payments",
    ]
    for path in paths:
        response = page.goto(path)
        assert response.status == 200, path
        accessible(page)


def _editor_signed_in(browser, live_server, scripts: bool):
    editor = make_user("editor@example.com", role="editor", password=PASSWORD)
    return signed_in(browser, live_server, editor.email, PASSWORD, java_script_enabled=scripts)


def test_editor_previews_and_picks_products_without_javascript(browser, live_server, app):
    from tests.factories import make_product

    make_product("calm-ginger-chews", title="Calm Ginger Chews", price=650)
    context, page = _editor_signed_in(browser, live_server, scripts=False)
    try:
        page.goto("/admin/articles/new")
        page.get_by_label("Title", exact=True).fill("Ginger notes")
        page.get_by_label("Body (Markdown)").fill("Draft about ginger.")
        # The picker is a plain submit: the server lists shortcodes to copy and keeps the draft.
        page.get_by_label("Find a product to link").fill("ginger")
        page.get_by_role("button", name="Search products").click()
        page.wait_for_load_state()
        assert page.locator(".picker-panel .picker-code", has_text="[[product:calm-ginger-chews]]").is_visible()
        assert page.get_by_label("Body (Markdown)").input_value() == "Draft about ginger."
        assert page.locator(".picker-panel .picker-insert").first.is_hidden()  # Insert needs JavaScript
        # Paste the shortcode and press Preview: the server renders the live card.
        page.get_by_label("Body (Markdown)").fill("Draft about ginger.\n\n[[product:calm-ginger-chews]]\n")
        page.get_by_role("button", name="Preview", exact=True).click()
        page.wait_for_load_state()
        assert "Calm Ginger Chews" in page.locator("[data-preview] .cta-card").inner_text()
        page.get_by_role("button", name="Save draft").click()
        page.wait_for_url(re.compile(r"/admin/articles/\d+$"))
        assert page.locator(".flash", has_text="Saved.").is_visible()
    finally:
        context.close()


def _ginger_article():
    """An article about ginger, saved straight through the blog (no ranking asked for), and the one
    product that shares its words."""
    from blog.services import ArticleDraft, save_article
    from tests.factories import make_product

    make_product("calm-ginger-chews", title="Calm Ginger Chews", price=650)
    return save_article(None, ArticleDraft(source="Ginger on travel days.", title="Ginger for travel", dek="d"),
                        allow_unknown_products=True).article


@pytest.mark.parametrize("scripts", [True, False], ids=["with-scripts", "without-scripts"])
def test_suggestions_not_ranked_yet_arrive_after_the_editor(browser, live_server, app, fragment_store, accessible,
                                                             scripts):
    """With Redis, the editor of an article whose suggestions were never ranked comes at once; the
    page fetches its panel (and its Insert buttons work), or, without scripts, a link asks for them."""
    article = _ginger_article()
    context, page = _editor_signed_in(browser, live_server, scripts=scripts)
    try:
        fragment_store.flushdb()
        page.goto(f"/admin/articles/{article.id}")
        panel = page.locator("section.suggestions")
        if scripts:
            expect(panel.locator(".picker-code", has_text="[[product:calm-ginger-chews]]")).to_be_visible()
            accessible(page)
            panel.get_by_role("button", name="Insert Calm Ginger Chews").click()
            assert "[[product:calm-ginger-chews]]" in page.get_by_label("Body (Markdown)").input_value()
        else:
            assert panel.locator(".picker-code").count() == 0
            panel.get_by_role("link", name="Show products that share words with this article").click()
            page.wait_for_url(re.compile(r"\?suggest=1"))
            expect(panel.locator(".picker-code", has_text="[[product:calm-ginger-chews]]")).to_be_visible()
            assert page.get_by_label("Body (Markdown)").input_value() == "Ginger on travel days."
    finally:
        context.close()


def test_a_panel_a_worker_is_still_ranking_fills_in_when_it_is_done(browser, live_server, app, fragment_store,
                                                                     monkeypatch):
    """Nothing kept for the article's words: the page's fetch asks a worker to rank them and is told
    (202) to ask again; the panel fills in once the worker has done it."""
    from storefront.admin.suggestion_ranking import RANK_SUGGESTIONS
    from storefront.extensions import db
    from storefront.jobs import run_job
    from storefront.jobs.models import OutboxJob

    monkeypatch.setattr("storefront.jobs.queue.publish", lambda job_id, run_after=None: None)  # a busy worker
    article = _ginger_article()
    context, page = _editor_signed_in(browser, live_server, scripts=True)
    try:
        fragment_store.flushdb()
        with page.expect_response(lambda r: r.url.endswith("/suggestions") and r.status == 202):
            page.goto(f"/admin/articles/{article.id}")
        panel = page.locator("section.suggestions")
        expect(panel).to_contain_text("Finding products that share words with this article")
        expect(panel.locator(".picker-code")).to_have_count(0)

        job_id = db.session.scalar(db.select(OutboxJob.id).where(OutboxJob.kind == RANK_SUGGESTIONS))
        assert run_job(job_id) == "done"  # the worker gets to it

        expect(panel.locator(".picker-code", has_text="[[product:calm-ginger-chews]]")).to_be_visible()
    finally:
        context.close()
