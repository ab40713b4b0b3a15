"""One alert per confirmed subscriber when the variant can be bought again, whatever wrote the
stock: the admin's form, a CSV import, or raw SQL (database triggers queue it)."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select, text

from storefront import jobs
from storefront.alerts.models import AlertStatus
from storefront.catalog.csv_io import export_products_csv, import_products_csv
from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.jobs.models import OutboxJob
from storefront.mail import outbox
from tests.factories import make_user
from tests.fixtures.mail import assert_links_answer
from tests.storefront.alerts.helpers import (
    alerts_for,
    confirm_by_email,
    messages_to,
    post_form,
    run_workers,
    sold_out_product,
)

SITE = "https://larder.example"


def _subscribers(client, variant_id, confirmed=("ann@example.com", "bob@example.com"),
                 unconfirmed=("una@example.com",), unsubscribed=("ulla@example.com",)):
    for address in (*confirmed, *unconfirmed, *unsubscribed):
        post_form(client, variant_id, email=address)
    for address in (*confirmed, *unsubscribed):
        confirm_by_email(client, address)
    for address in unsubscribed:
        alert = next(a for a in alerts_for(variant_id) if a.email == address)
        from storefront.alerts.services import unsubscribe

        unsubscribe(alert)
    outbox().clear()


def _raw_sql(variant_id: int, stock: int) -> None:
    db.session.execute(text("UPDATE variant SET stock = :stock WHERE id = :id"), {"stock": stock, "id": variant_id})
    db.session.commit()


def _admin_form(client, auth, variant_id: int, stock: int) -> None:
    auth.login(make_user("staff@example.com", role="admin"))
    variant = db.session.get(Variant, variant_id)
    delta = stock - variant.stock
    response = client.post(f"/admin/products/{variant.product_id}/variants/{variant_id}/stock",
                           data={"stock-delta": str(delta), "stock-reason": "Delivery"})
    assert response.status_code == 302, response.get_data(as_text=True)
    auth.logout()


def _csv_import(client, auth, variant_id: int, stock: int) -> None:
    sku = db.session.get(Variant, variant_id).sku
    rows = list(csv.DictReader(io.StringIO(export_products_csv("USD", SITE))))
    for row in rows:
        if row["Variant SKU"] == sku:
            row["Variant Inventory Qty"] = str(stock)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    import_products_csv(out.getvalue().encode(), "USD", SITE)


WRITERS = {"admin form": _admin_form, "csv import": _csv_import,
           "raw sql": lambda client, auth, variant_id, stock: _raw_sql(variant_id, stock)}


@pytest.mark.parametrize("writer", WRITERS)
def test_each_confirmed_subscriber_gets_exactly_one_alert(client, auth, writer):
    variant_id = sold_out_product().variants[0].id
    _subscribers(client, variant_id)

    WRITERS[writer](client, auth, variant_id, 12)
    run_workers()
    run_workers()  # a second pass (the beat sweeping again) sends nothing more

    assert sorted(m["To"] for m in outbox()) == ["ann@example.com", "bob@example.com"]
    assert all(m["Subject"] == "Back in stock: Pumpkin Seeds" for m in outbox())
    statuses = {a.email: a.status for a in alerts_for(variant_id)}
    assert statuses == {"ann@example.com": AlertStatus.NOTIFIED, "bob@example.com": AlertStatus.NOTIFIED,
                        "una@example.com": AlertStatus.PENDING, "ulla@example.com": AlertStatus.UNSUBSCRIBED}


def test_the_trigger_queues_one_job_only_when_stock_comes_back_for_someone_waiting(client):
    variant_id = sold_out_product().variants[0].id
    _raw_sql(variant_id, 5)  # nobody waiting: no job
    _raw_sql(variant_id, 0)
    _subscribers(client, variant_id, confirmed=("ann@example.com",), unconfirmed=(), unsubscribed=())
    _raw_sql(variant_id, 5)
    _raw_sql(variant_id, 9)  # more stock on top: not "back", no second job
    jobs_ = db.session.scalars(select(OutboxJob).where(OutboxJob.kind == "alerts.variant_restocked")).all()
    assert [(j.payload, j.status, j.attempts, j.max_attempts) for j in jobs_] == [
        ({"variant_id": variant_id}, "pending", 0, 8)
    ]


def test_the_beat_sweep_hands_trigger_rows_to_the_workers(client, app, monkeypatch):
    variant_id = sold_out_product().variants[0].id
    _subscribers(client, variant_id, confirmed=("ann@example.com",), unconfirmed=(), unsubscribed=())
    _raw_sql(variant_id, 3)
    monkeypatch.setitem(app.config, "JOBS_REHAND_SECONDS", -5)  # no quiet period to wait out here
    assert jobs.sweep() >= 1  # JOBS_EAGER: handed over = run in-process
    assert [m["To"] for m in outbox()] == ["ann@example.com"]


def test_sold_out_again_before_the_worker_ran_sends_nothing_and_keeps_them_waiting(client):
    variant_id = sold_out_product().variants[0].id
    _subscribers(client, variant_id, confirmed=("ann@example.com",), unconfirmed=(), unsubscribed=())
    _raw_sql(variant_id, 1)
    _raw_sql(variant_id, 0)  # bought before the worker got there
    run_workers()
    assert outbox() == []
    [alert] = alerts_for(variant_id)
    assert alert.status == AlertStatus.ACTIVE
    _raw_sql(variant_id, 4)
    run_workers()
    assert [m["To"] for m in outbox()] == ["ann@example.com"]


def test_resold_then_restocked_does_not_alert_the_notified_again(client):
    variant_id = sold_out_product().variants[0].id
    _subscribers(client, variant_id, confirmed=("ann@example.com",), unconfirmed=(), unsubscribed=())
    _raw_sql(variant_id, 2)
    run_workers()
    assert len(outbox()) == 1
    _raw_sql(variant_id, 0)
    _raw_sql(variant_id, 7)
    run_workers()
    assert len(outbox()) == 1


def test_a_product_back_on_sale_with_stock_alerts_too(client):
    product = sold_out_product()
    variant_id = product.variants[0].id
    _subscribers(client, variant_id, confirmed=("ann@example.com",), unconfirmed=(), unsubscribed=())
    db.session.execute(text("UPDATE product SET status = 'draft' WHERE id = :id"), {"id": product.id})
    _raw_sql(variant_id, 6)  # stock while off sale: not buyable, nobody told
    run_workers()
    assert outbox() == []
    db.session.execute(text("UPDATE product SET status = 'active' WHERE id = :id"), {"id": product.id})
    db.session.commit()
    run_workers()
    assert [m["To"] for m in outbox()] == ["ann@example.com"]


def test_confirming_after_the_restock_alerts_at_once(client):
    variant_id = sold_out_product().variants[0].id
    post_form(client, variant_id, email="late@example.com")
    _raw_sql(variant_id, 3)
    confirm_by_email(client, "late@example.com")
    run_workers()
    assert len(messages_to("late@example.com", "Back in stock")) == 1


def test_the_alert_email_has_price_product_link_with_attribution_and_answering_links(client):
    variant_id = sold_out_product(price=899).variants[0].id
    _subscribers(client, variant_id, confirmed=("ann@example.com",), unconfirmed=(), unsubscribed=())
    _raw_sql(variant_id, 3)
    run_workers()
    [message] = outbox()
    from storefront.mail import html_part, text_part

    assert "$8.99" in text_part(message) and "$8.99" in html_part(message)
    assert "/products/pumpkin-seeds?ref=article:magnesium-for-back-pain" in text_part(message)
    assert "/products/pumpkin-seeds?ref=article:magnesium-for-back-pain" in html_part(message)
    assert_links_answer(client, message)


def test_a_redelivered_or_duplicate_restock_job_sends_nothing_twice(client):
    variant_id = sold_out_product().variants[0].id
    _subscribers(client, variant_id, confirmed=("ann@example.com",), unconfirmed=(), unsubscribed=())
    _raw_sql(variant_id, 2)
    run_workers()
    assert len(outbox()) == 1
    jobs.record("alerts.variant_restocked", {"variant_id": variant_id})  # the same news again
    db.session.commit()
    run_workers()
    assert len(outbox()) == 1
