"""The dashboard: what each article sells (through real CTA clicks and a Stripe checkout),
refunds flowing into it, the server-drawn sales chart, best sellers, stock and broken CTAs."""

from __future__ import annotations

import re

from flask import g
from sqlalchemy import func, select

from blog.services import ArticleDraft, publish_article, save_article
from storefront.admin.models import CtaClickDaily
from storefront.extensions import db
from storefront.orders.models import Order
from tests.factories import checkout_form, make_order, make_paid_order, make_product, make_user

CHECKOUT = checkout_form()


def _article(slug="magnesium-for-back-pain", product_slug="magnesium-glycinate"):
    article = save_article(None, ArticleDraft(source=f"Cramps at night?\n\n[[product:{product_slug}]]\n",
                                              title="Magnesium for back pain", slug=slug)).article
    return publish_article(article)


def _row(page: str, slug: str) -> list[str]:
    match = re.search(rf'<tr data-article="{slug}">(.*?)</tr>', page, re.S)
    assert match, f"no attribution row for {slug}"
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", match.group(1), re.S)]


def _shop_through_the_cta(client, article, variant, quantity=2):
    """A reader: opens the article, clicks its card, adds to cart from the product page, checks out."""
    client.get(f"/blog/{article.slug}")
    product_page = f"/products/{variant.product.slug}?ref=article:{article.slug}"
    client.get(product_page)
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": quantity, "ref": f"article:{article.slug}"},
                headers={"Referer": f"http://localhost{product_page}"})
    client.post("/checkout", data=CHECKOUT)
    return db.session.scalar(select(Order).order_by(Order.id.desc()))


def test_order_placed_through_a_cta_appears_under_its_article_and_a_stripe_refund_updates_it(
    stripe_harness, client, auth
):
    product = make_product("magnesium-glycinate", price=1899, stock=10)
    article = _article()
    order = _shop_through_the_cta(client, article, product.variants[0])
    assert order.attribution == "article:magnesium-for-back-pain"
    stripe_harness.post("checkout.session.completed", stripe_harness.pay(stripe_harness.session_for(order)))
    db.session.refresh(order)
    assert order.status == "paid" and order.gateway == "stripe"

    auth.login(make_user(role="admin"))
    # The test's app context outlives requests, so Flask-Login's cached (anonymous) user from the
    # shopping requests above must be dropped for the new log-in to take effect.
    g.pop("_login_user", None)
    page = client.get("/admin/").get_data(as_text=True)
    title, views, clicks, carts, orders, revenue, code_orders, code_saving = _row(page, article.slug)
    assert title == "Magnesium for back pain"
    assert (views, clicks, carts, orders) == ("1", "1", "1", "1")
    assert revenue == f"${order.total / 100:,.2f}"
    assert (code_orders, code_saving) == ("0", "$0.00")  # no code card was used

    # A partial refund from the order page goes through Stripe (localstripe) ...
    response = client.post(f"/admin/orders/{order.id}/refund", data={"refund-amount": "10.00"})
    assert response.status_code == 302
    db.session.refresh(order)
    assert (order.status, order.refunded_total) == ("partially_refunded", 1000)
    refund = next(p for p in order.payments if p.kind == "refund")
    on_stripe = stripe_harness.sdk.v1.refunds.retrieve(refund.provider_refund_id)
    assert on_stripe.amount == 1000
    # ... and the dashboard shows the revenue net of it.
    page = client.get("/admin/").get_data(as_text=True)
    assert _row(page, article.slug)[5] == f"${(order.total - 1000) / 100:,.2f}"
    assert f"${(order.total - 1000) / 100:,.2f}" in page.split('class="stat-grid"')[1].split("</ul>")[0]


def test_cta_clicks_are_counted_per_day_as_a_bare_counter(client):
    product = make_product("magnesium-glycinate")
    for _ in range(3):
        assert client.get(f"/products/{product.slug}?ref=article:gut-guide").status_code == 200
    client.get(f"/products/{product.slug}")  # no ref: not a CTA click
    client.get(f"/products/{product.slug}?ref=evil;drop table")  # malformed refs are ignored
    assert db.session.scalar(select(func.sum(CtaClickDaily.clicks))) == 3
    assert db.session.scalar(select(func.count(CtaClickDaily.id))) == 1
    assert set(CtaClickDaily.__table__.c.keys()) == {"id", "day", "article_slug", "clicks"}


def test_missing_product_with_ref_is_not_counted(client):
    client.get("/products/nothing-here?ref=article:gut-guide")
    assert db.session.scalar(select(func.count(CtaClickDaily.id))) == 0


def test_attribution_period_excludes_other_days(as_admin):
    product = make_product("magnesium-glycinate", price=1000)
    _article()
    make_paid_order([(product.variants[0], 1)], attribution="article:magnesium-for-back-pain")
    page = as_admin.get("/admin/?start=2001-01-01&end=2001-01-31").get_data(as_text=True)
    assert 'data-article="magnesium-for-back-pain"' not in page
    assert "No article activity in this period" in page


def test_sales_chart_is_an_inline_svg_without_scripts(as_admin):
    make_paid_order()
    page = as_admin.get("/admin/").get_data(as_text=True)
    svg = page.split('<svg class="sales-chart')[1].split("</svg>")[0]
    assert "<rect" in svg and "<title" in svg
    assert "<script" not in svg
    assert re.search(r'<script(?![^>]*src="/static/)', page) is None


def test_top_products_and_low_stock(as_admin):
    best = make_product("best-seller", title="Best Seller", price=500, stock=50)
    make_paid_order([(best.variants[0], 4)])
    make_product("nearly-gone", title="Nearly Gone", stock=2)
    page = as_admin.get("/admin/").get_data(as_text=True)
    top = page.split('id="top-heading"')[1].split("</section>")[0]
    low = page.split('id="low-heading"')[1].split("</section>")[0]
    assert "Best Seller" in top and ">4<" in top
    assert "Nearly Gone" in low


def test_broken_ctas_are_listed(as_admin):
    product = make_product("magnesium-glycinate")
    _article()
    product.status = "archived"
    db.session.commit()
    page = as_admin.get("/admin/").get_data(as_text=True)
    broken = page.split('id="broken-heading"')[1].split("</section>")[0]
    assert "magnesium-glycinate" in broken and "archived" in broken


def test_unpaid_orders_are_not_revenue(as_admin):
    make_product("magnesium-glycinate")
    _article()
    make_order(attribution="article:magnesium-for-back-pain")
    page = as_admin.get("/admin/").get_data(as_text=True)
    assert 'data-article="magnesium-for-back-pain"' in page  # its cart counts
    assert _row(page, "magnesium-for-back-pain")[4] == "0"


def test_editor_sees_articles_but_not_sales(as_editor):
    make_paid_order()
    page = as_editor.get("/admin/").get_data(as_text=True)
    assert "What each article sells" in page
    assert "Sales by day" not in page and "Low stock" not in page


def test_dashboard_query_count_does_not_grow_with_orders_or_articles(as_admin, count_queries):
    product = make_product("magnesium-glycinate", price=1000, stock=500)
    _article()
    make_paid_order([(product.variants[0], 1)], attribution="article:magnesium-for-back-pain")
    with count_queries() as few:
        as_admin.get("/admin/")
    for n in range(5):
        _article(slug=f"another-{n}")
        make_paid_order([(product.variants[0], 1)], attribution=f"article:another-{n}")
    with count_queries() as many:
        as_admin.get("/admin/")
    assert many.count == few.count


def test_counting_a_cta_click_keeps_the_product_page_within_its_query_budget(client, count_queries):
    make_product("magnesium-glycinate")
    client.get("/products/magnesium-glycinate")
    with count_queries() as c:
        assert client.get("/products/magnesium-glycinate?ref=article:gut-guide").status_code == 200
    assert c.count <= 6


def test_adding_to_cart_straight_from_an_article_card_is_a_click(client):
    variant = make_product("magnesium-glycinate").variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1, "ref": "article:gut-guide"},
                headers={"Referer": "http://localhost/blog/gut-guide"})
    assert db.session.scalar(select(func.sum(CtaClickDaily.clicks))) == 1


# ------------------------------------------------------------------ what waits for an admin

def _flagged_order():
    from storefront.orders.services import flag_for_review

    order = make_paid_order()
    flag_for_review(order, "stripe", "Paid 1000 USD but the order total is 2795 USD")
    db.session.commit()
    return order


def _payment_without_order(event_id: str, resolved: bool = False):
    from datetime import UTC, datetime

    from storefront.payments.models import UnmatchedPayment

    payment = UnmatchedPayment(provider="stripe", event_id=event_id, event_type="checkout.session.completed",
                               session_id=f"cs_test_{event_id}", amount=4242, currency="USD",
                               email="lost@example.com", summary="order not found")
    if resolved:
        payment.resolved_at = datetime.now(UTC)
        payment.resolved_by = "admin:someone@example.com"
        payment.resolution_note = "Refunded in Stripe"
    db.session.add(payment)
    db.session.commit()
    return payment


FLAGGED_LINE = '<p class="flash flash-warning"><a href="/admin/orders?review=1">{} need{} review.</a></p>'
UNMATCHED_LINE = ('<p class="flash flash-warning"><a href="/admin/orders/unmatched-payments">'
                  "{} taken without an order.</a></p>")


def test_admin_dashboard_says_how_many_orders_and_payments_wait_and_links_to_them(as_admin):
    _flagged_order()
    _flagged_order()
    make_paid_order()
    _payment_without_order("evt_a")
    page = as_admin.get("/admin/").get_data(as_text=True)
    assert FLAGGED_LINE.format("2 orders", "") in page
    assert UNMATCHED_LINE.format("1 payment was") in page

    _flagged_order()
    _payment_without_order("evt_b")
    _payment_without_order("evt_c")
    page = as_admin.get("/admin/").get_data(as_text=True)
    assert FLAGGED_LINE.format("3 orders", "") in page
    assert UNMATCHED_LINE.format("3 payments were") in page


def test_editor_dashboard_says_nothing_about_orders_or_payments(as_editor):
    _flagged_order()
    _payment_without_order("evt_a")
    page = as_editor.get("/admin/").get_data(as_text=True)
    assert "need review" not in page and "needs review" not in page
    assert "without an order" not in page and "/admin/orders" not in page


def test_dashboard_lines_are_hidden_when_nothing_waits(as_admin, admin_user):
    from storefront.orders.services import clear_review

    make_paid_order()
    clear_review(_flagged_order(), admin_user, "Refunded the difference")
    _payment_without_order("evt_settled", resolved=True)
    page = as_admin.get("/admin/").get_data(as_text=True)
    assert "Sales by day" in page  # an admin's dashboard, only without the lines
    assert "need review" not in page and "needs review" not in page
    assert "taken without an order" not in page


def test_dashboard_counts_what_waits_without_loading_orders(as_admin, count_queries):
    _flagged_order()
    _payment_without_order("evt_a")
    with count_queries() as few:
        page = as_admin.get("/admin/").get_data(as_text=True)
    assert FLAGGED_LINE.format("1 order", "s") in page
    for n in range(5):
        _flagged_order()
        _payment_without_order(f"evt_more_{n}")
    with count_queries() as many:
        page = as_admin.get("/admin/").get_data(as_text=True)
    assert FLAGGED_LINE.format("6 orders", "") in page
    assert many.count == few.count
    # A COUNT reads the flag, and the links to the first few flagged orders are one LIMITed
    # query: no order rows are loaded to be counted.
    reading_the_flag = [s for s in many.statements if "needs_review" in s]
    assert len(reading_the_flag) == 2
    assert all(s.lstrip().upper().startswith("SELECT COUNT(") or " LIMIT " in s.upper() for s in reading_the_flag)


# ---- issue 17: axis values, a table alternative, and warnings that link to where they are fixed


def _between(page: str, start: str, end: str = "</section>") -> str:
    return page.split(start, 1)[1].split(end, 1)[0]


def test_sales_chart_has_money_and_date_axes_and_a_captioned_table(as_admin):
    from storefront.clock import today
    from storefront.money import format_money

    order = make_paid_order()
    page = as_admin.get("/admin/").get_data(as_text=True)
    money_axis = re.findall(r"<li class=\"at-\d+\">([^<]+)</li>", _between(page, '<ol class="chart-y"', "</ol>"))
    assert money_axis[-1] == format_money(0) and len(money_axis) == 5
    assert all(label.startswith("$") for label in money_axis)  # money, not minor units
    top = int(money_axis[0].strip("$").replace(",", "").split(".")[0]) * 100
    assert top >= order.total  # the axis reaches the best day
    dates = _between(page, '<ol class="chart-x"', "</ol>")
    assert today().strftime("%b") in dates and str(today().day) in dates
    table = _between(page, '<table class="admin-table sales-table">', "</table>")
    assert "<caption>Orders and net revenue per day" in table
    assert format_money(order.total) in table and f">{order.total}<" not in table


def test_no_raw_minor_units_on_the_dashboard(as_admin):
    product = make_product("odd-price", price=1234, stock=3)
    make_paid_order([(product.variants[0], 1)])
    page = as_admin.get("/admin/").get_data(as_text=True)
    text = re.sub(r"<[^>]+>", " ", page)
    assert "$12.34" in text
    assert not re.search(r"(?<![\d.,$])1234(?![\d])", text)


def test_broken_cta_links_to_the_article_that_has_it(as_admin):
    product = make_product("magnesium-glycinate")
    article = _article()
    product.status = "archived"
    db.session.commit()
    broken = _between(as_admin.get("/admin/").get_data(as_text=True), 'id="broken-heading"')
    assert f'<a href="/admin/articles/{article.id}">' in broken


def test_expiring_certificate_links_to_its_product(as_admin):
    from datetime import timedelta

    from storefront.clock import today
    from tests.factories import make_certification

    product = make_product("ginger-chews", title="Ginger Chews")
    product.certifications = [make_certification(valid_until=today() + timedelta(days=5))]
    db.session.commit()
    attention = _between(as_admin.get("/admin/").get_data(as_text=True), 'id="attention-heading"')
    assert f'<a href="/admin/products/{product.id}#certifications">Ginger Chews: ' in attention


def test_review_due_links_to_each_article(as_editor):
    from datetime import timedelta

    from storefront.clock import now
    from tests.blog.helpers import approve

    old = save_article(None, ArticleDraft(source="Gut health.", title="Old health piece", tags=["health"])).article
    approve(old)  # a health article goes live only once a reviewer has approved it...
    publish_article(old)
    old.last_reviewed_at = now() - timedelta(days=400)  # ...and that review is now long past
    db.session.commit()
    page = as_editor.get("/admin/").get_data(as_text=True)
    attention = _between(page, 'id="attention-heading"')
    assert f'<a href="/admin/articles/{old.id}">“Old health piece” was last reviewed' in attention
    assert 'href="/admin/review-due"' in page


def test_flagged_order_links_to_the_order(as_admin):
    order = _flagged_order()
    attention = _between(as_admin.get("/admin/").get_data(as_text=True), 'id="attention-heading"')
    assert f'<a href="/admin/orders/{order.id}">Order {order.number} was flagged' in attention


def test_failed_jobs_link_to_the_jobs_page(as_admin):
    from storefront.clock import now
    from storefront.jobs.models import OutboxJob

    db.session.add(OutboxJob(kind="orders.confirmation", payload={}, status="failed", attempts=8, last_error="x",
                             done_at=now()))
    db.session.commit()
    page = as_admin.get("/admin/").get_data(as_text=True)
    assert '<a href="/admin/jobs#failed-heading">1 background job has failed for good' in page
