"""Double opt-in by a signed link, one-click unsubscribe (RFC 8058), and an alert that leads to
an order attributed to the article."""

from __future__ import annotations

import re

from sqlalchemy import select, text

from storefront.alerts.models import AlertStatus
from storefront.alerts.tokens import confirm_token, unsubscribe_token
from storefront.extensions import db
from storefront.mail import html_part, outbox, text_part
from storefront.orders.models import Order
from tests.factories import checkout_form
from tests.fixtures.mail import assert_links_answer
from tests.storefront.alerts.helpers import (
    ARTICLE_REF,
    alerts_for,
    confirm_by_email,
    link_in,
    messages_to,
    post_form,
    run_workers,
    sold_out_product,
)


def _restock(variant_id: int, stock: int = 5) -> None:
    db.session.execute(text("UPDATE variant SET stock = :s WHERE id = :id"), {"s": stock, "id": variant_id})
    db.session.commit()
    run_workers()


def test_an_unconfirmed_address_gets_the_confirmation_and_nothing_else(client):
    variant_id = sold_out_product().variants[0].id
    post_form(client, variant_id)
    [message] = outbox()
    assert message["Subject"] == "Confirm your Larder back-in-stock alert"
    assert "/alerts/confirm/" in text_part(message) and "/alerts/confirm/" in html_part(message)
    assert "/alerts/unsubscribe/" in text_part(message) and "/alerts/unsubscribe/" in html_part(message)
    header = str(message["List-Unsubscribe"]).strip()  # a long header may be folded onto its own line
    assert header.startswith("<http") and "/alerts/unsubscribe/" in header
    _restock(variant_id)
    assert len(outbox()) == 1  # still only the confirmation


def test_the_confirmation_link_only_shows_a_button_a_scanners_get_confirms_nothing(client):
    variant_id = sold_out_product().variants[0].id
    post_form(client, variant_id)
    [message] = outbox()
    assert_links_answer(client, message)  # every link GETs 200 (a mail scanner does just this)
    [alert] = alerts_for(variant_id)
    assert alert.status == AlertStatus.PENDING
    path = link_in(message, "/alerts/confirm/")
    page = client.post(path).get_data(as_text=True)
    assert "on the list" in page
    [alert] = alerts_for(variant_id)
    assert alert.status == AlertStatus.ACTIVE and alert.confirmed_at is not None
    assert client.post(path).status_code == 200  # twice: still fine, nothing changes
    assert "on the list" in client.get(path).get_data(as_text=True)


def test_forged_or_swapped_tokens_are_refused_with_a_clear_page(client):
    variant_id = sold_out_product().variants[0].id
    post_form(client, variant_id)
    [alert] = alerts_for(variant_id)
    for path in (f"/alerts/confirm/{confirm_token(alert.id)}x", f"/alerts/confirm/{unsubscribe_token(alert.id)}",
                 f"/alerts/unsubscribe/{confirm_token(alert.id)}", "/alerts/unsubscribe/garbage"):
        response = client.get(path)
        assert response.status_code == 404
        assert "This link does not work" in response.get_data(as_text=True)
    assert client.post("/alerts/unsubscribe/garbage").status_code == 404
    assert alerts_for(variant_id)[0].status == AlertStatus.PENDING


def test_the_alert_has_one_click_unsubscribe_headers_and_the_post_unsubscribes_without_csrf(client, app, monkeypatch):
    variant_id = sold_out_product().variants[0].id
    post_form(client, variant_id)
    confirm_by_email(client)
    _restock(variant_id)
    [alert_mail] = messages_to("reader@example.com", "Back in stock")
    header = str(alert_mail["List-Unsubscribe"]).strip()
    assert alert_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(https?://[^>]+)>", header).group(1)
    path = url.split("://", 1)[1].split("/", 1)[1]
    assert_links_answer(client, alert_mail)
    assert alerts_for(variant_id)[0].status == AlertStatus.NOTIFIED  # GETs changed nothing

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)  # as in production
    fresh = app.test_client()  # a mail client: no cookies, no CSRF token
    response = fresh.post(f"/{path}", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert alerts_for(variant_id)[0].status == AlertStatus.UNSUBSCRIBED


def test_unsubscribed_before_the_restock_gets_nothing_and_can_ask_again(client):
    variant_id = sold_out_product().variants[0].id
    post_form(client, variant_id)
    confirm_by_email(client)
    [confirmation] = outbox()
    page = client.get(link_in(confirmation, "/alerts/unsubscribe/")).get_data(as_text=True)
    assert "Unsubscribe</button>" in page
    client.post(link_in(confirmation, "/alerts/unsubscribe/"))
    outbox().clear()
    _restock(variant_id)
    assert outbox() == []
    _restock(variant_id, 0)
    post_form(client, variant_id)  # asks again: a new confirmation
    assert len(messages_to("reader@example.com", "Confirm")) == 1


def test_the_alert_leads_to_an_order_attributed_to_the_article(client):
    variant_id = sold_out_product(price=899).variants[0].id
    post_form(client, variant_id, ref=ARTICLE_REF)
    confirm_by_email(client)
    _restock(variant_id)
    [alert_mail] = messages_to("reader@example.com", "Back in stock")

    page = client.get(link_in(alert_mail, "/products/")).get_data(as_text=True)
    ref = re.search(r'name="ref" value="([^"]+)"', page).group(1)
    assert ref == ARTICLE_REF
    client.post("/cart/add", data={"variant_id": variant_id, "quantity": 1, "ref": ref})
    pay_page = client.post("/checkout", data=checkout_form(email="reader@example.com")).headers["Location"]
    client.post(f"/checkout/demo/{pay_page.rsplit('/', 1)[-1]}/pay")
    order = db.session.scalar(select(Order))
    assert order.status == "paid"
    assert order.attribution == ARTICLE_REF
