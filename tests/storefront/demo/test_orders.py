"""Demo shop activity from storefront/demo/orders.json: what a newcomer sees after `make run`."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from blog.models import ArticleView
from storefront.admin.models import CtaClickDaily
from storefront.cart.models import Cart, CartLine
from storefront.catalog.models import Variant
from storefront.demo.catalog import load_demo_catalog
from storefront.demo.orders import load_demo_activity, seed_demo_orders
from storefront.extensions import db
from storefront.jobs import OutboxJob
from storefront.mail import outbox
from storefront.money import format_money
from storefront.orders.models import Order, OrderEvent, OrderLine
from storefront.orders.shipping import shipping_method
from storefront.payments.models import Payment
from tests.factories import make_product, make_user

MAGNESIUM = "magnesium-for-back-pain"
COUNTED = {"paid", "fulfilled", "partially_refunded"}  # what the attribution table counts


def _seed(runner) -> str:
    result = runner.invoke(args=["larder", "seed-demo"])
    assert result.exit_code == 0, result.output
    return result.output


def _counts() -> dict[str, int]:
    def count(model) -> int:
        return db.session.scalar(select(func.count()).select_from(model))

    return {
        "orders": count(Order),
        "lines": count(OrderLine),
        "events": count(OrderEvent),
        "payments": count(Payment),
        "carts": count(Cart),
        "cart lines": count(CartLine),
        "view days": count(ArticleView),
        "views": db.session.scalar(select(func.coalesce(func.sum(ArticleView.views), 0))),
        "clicks": db.session.scalar(select(func.coalesce(func.sum(CtaClickDaily.clicks), 0))),
    }


def _attribution_rows(page: str) -> dict[str, list[str]]:
    """{article slug: [title, views, clicks, carts, orders, revenue]} from the dashboard table."""
    rows = {}
    for slug, cells in re.findall(r'<tr data-article="([^"]+)">(.*?)</tr>', page, re.S):
        rows[slug] = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", cells, re.S)]
    return rows


def _demo_orders(slug: str | None = MAGNESIUM) -> list[dict]:
    attribution = f"article:{slug}" if slug else None
    return [o for o in load_demo_activity()["orders"] if o.get("attribution") == attribution]


def test_seed_demo_twice_changes_nothing(runner):
    first = _seed(runner)
    after_first = _counts()
    second = _seed(runner)

    assert after_first["orders"] == len(load_demo_activity()["orders"])
    assert after_first["views"] > 0 and after_first["clicks"] > 0
    assert _counts() == after_first
    assert "0 orders created" not in first
    assert f"0 orders created, {after_first['orders']} already present" in second


def test_dashboard_shows_what_the_magnesium_article_sold(runner, client, auth):
    _seed(runner)
    auth.login(make_user(role="admin"))

    page = client.get("/admin/").get_data(as_text=True)

    row = _attribution_rows(page)[MAGNESIUM]
    counted = [o for o in _demo_orders() if o["status"] in COUNTED]
    prices = {v.sku: v.price for v in db.session.scalars(select(Variant))}
    # Expected revenue straight from the data file and today's catalog prices, net of refunds.
    revenue = sum(
        sum(prices[line["sku"]] * line["quantity"] for line in o["lines"])
        + shipping_method(o["shipping"]).rate
        - o.get("refund", 0)
        for o in counted
    )
    assert int(row[4]) == len(counted) > 0
    assert row[5] == format_money(revenue)
    stored = db.session.scalar(
        select(func.sum(Order.total - Order.refunded_total)).where(
            Order.attribution == f"article:{MAGNESIUM}", Order.status.in_(COUNTED)
        )
    )
    assert stored == revenue


def test_each_article_row_reads_as_a_funnel(runner, client, auth):
    _seed(runner)
    auth.login(make_user(role="admin"))

    rows = _attribution_rows(client.get("/admin/").get_data(as_text=True))

    assert {MAGNESIUM, "cooking-without-onion-and-garlic", "low-fodmap-protein-powder"} <= set(rows)
    for slug, (_title, views, clicks, carts, orders, _revenue, *_code_columns) in rows.items():
        assert int(views) > int(clicks) >= int(carts) >= int(orders), slug


def test_demo_orders_are_marked_as_demo_and_paid_through_the_demo_gateway(runner):
    _seed(runner)

    orders = list(db.session.scalars(select(Order)))

    assert orders and all(o.number.startswith("DEMO-") for o in orders)
    assert all(o.email.endswith("@demo.larder.example") for o in orders)
    assert {o.gateway for o in orders} == {"demo"}
    assert {p.gateway for p in db.session.scalars(select(Payment))} == {"demo"}


def test_demo_orders_email_nobody(runner):
    """Demo orders are history with made-up shoppers: a first `make run` must not fill the mail
    folder with their confirmations. Their jobs are kept, as done, saying why."""
    outbox().clear()
    _seed(runner)
    assert outbox() == []
    kept = db.session.scalars(select(OutboxJob)).all()
    assert kept and {(j.status, j.last_error.startswith("Not done: demo orders")) for j in kept} == {("done", True)}


def test_demo_orders_cover_every_status_with_their_history(runner):
    _seed(runner)

    orders = {o.number: o for o in db.session.scalars(select(Order))}

    assert {o.status for o in orders.values()} == {
        "pending_payment", "paid", "fulfilled", "partially_refunded", "refunded", "cancelled",
    }
    history = [e.to_status for e in orders["DEMO-003"].events]
    assert history == ["pending_payment", "paid", "fulfilled", "partially_refunded"]
    assert orders["DEMO-003"].refunded_total == 1599
    refund_note = orders["DEMO-003"].events[-1].note  # money as staff read it, not "1599 USD"
    assert refund_note.startswith("Refunded $15.99: ") and "1599" not in refund_note
    assert [p.kind for p in orders["DEMO-003"].payments] == ["charge", "refund"]
    assert all(o.events[-1].to_status == o.status for o in orders.values())


def test_demo_orders_are_historical_and_priced_from_the_catalog(runner):
    _seed(runner)

    order = db.session.scalar(select(Order).where(Order.number == "DEMO-002"))
    prices = {v.sku: v.price for v in db.session.scalars(select(Variant))}

    assert [(line.sku, line.unit_price, line.quantity) for line in order.lines] == [
        ("LL-MGGLY-120", prices["LL-MGGLY-120"], 1),
        ("GG-PEPI-150", prices["GG-PEPI-150"], 2),
    ]
    assert order.total == order.subtotal + order.shipping_total == 3199 + 2 * 699 + 495
    assert order.paid_at < order.events[-1].created_at  # fulfilled after it was paid
    assert (order.events[-1].created_at - order.created_at).days >= 1


def test_demo_orders_take_no_stock(runner):
    _seed(runner)

    stock = {v.sku: v.stock for v in db.session.scalars(select(Variant))}

    catalog = {v["sku"]: v["stock"] for p in load_demo_catalog()["products"] for v in p["variants"]}
    assert stock == catalog


def test_a_bad_entry_is_skipped_with_its_number_and_the_rest_is_seeded(app):
    variant = make_product("magnesium-glycinate", price=1899, stock=5).variants[0]
    good = {"number": "DEMO-900", "days_ago": 2, "email": "a@demo.larder.example", "name": "A",
            "address": {"line1": "1 St", "city": "X", "postcode": "1"}, "shipping": "standard",
            "status": "paid", "lines": [{"product": "magnesium-glycinate", "sku": variant.sku, "quantity": 1}]}
    bad = dict(good, number="DEMO-901", lines=[{"product": "magnesium-glycinate", "sku": "NOPE", "quantity": 1}])
    not_demo = dict(good, number="DEMO-902", email="real.person@example.com")

    report = seed_demo_orders({"orders": [good, bad, not_demo]})

    assert report.created == 1
    assert [s.split(":")[0] for s in report.skipped] == ["DEMO-901", "DEMO-902"]
    assert "NOPE" in report.skipped[0]
    assert db.session.scalar(select(Order.total).where(Order.number == "DEMO-900")) == 1899 + 495
    assert db.session.get(Variant, variant.id).stock == 5


@pytest.mark.parametrize("status, refund", [("partially_refunded", None), ("refunded", 1)])
def test_a_refund_that_does_not_match_the_status_is_refused(app, status, refund):
    variant = make_product("magnesium-glycinate", price=1899, stock=5).variants[0]
    entry = {"number": "DEMO-910", "days_ago": 5, "email": "a@demo.larder.example", "name": "A",
             "address": {"line1": "1 St", "city": "X", "postcode": "1"}, "shipping": "standard",
             "status": status, "lines": [{"product": "magnesium-glycinate", "sku": variant.sku, "quantity": 1}]}
    if refund is not None:
        entry["refund"] = refund

    report = seed_demo_orders({"orders": [entry]})

    assert report.created == 0 and report.skipped[0].startswith("DEMO-910")
    if refund is not None:  # the seed-demo output names the amount as money too
        assert "refund 1 ($0.01) does not make it refunded (total 2394, $23.94)" in report.skipped[0]
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
