"""The Notify-me form: one row and one confirmation email per address, clear answers, back to the card."""

from __future__ import annotations

from storefront.alerts.models import AlertStatus
from storefront.mail import outbox
from tests.factories import make_product
from tests.storefront.alerts.helpers import (
    ARTICLE_REF,
    alerts_for,
    confirm_by_email,
    messages_to,
    post_form,
    sold_out_product,
)


def test_the_form_posted_100_times_gives_one_row_and_one_confirmation_email(client):
    variant = sold_out_product().variants[0]
    for _ in range(100):
        response = post_form(client, variant.id, email=" Reader@Example.com ")
        assert response.status_code == 303
    [alert] = alerts_for(variant.id)
    assert alert.email == "reader@example.com"
    assert alert.status == AlertStatus.PENDING
    assert alert.attribution == ARTICLE_REF
    assert len(messages_to("reader@example.com", "Confirm")) == 1
    assert len(outbox()) == 1


def test_posting_returns_the_reader_to_the_card_with_a_check_your_inbox_note(client):
    variant = sold_out_product().variants[0]
    response = post_form(client, variant.id, next_url="/products/pumpkin-seeds#notify")
    assert response.headers["Location"].endswith("/products/pumpkin-seeds#notify")
    html = client.get("/products/pumpkin-seeds").get_data(as_text=True)
    note_at = html.index("Check your inbox")
    assert html.rfind('id="notify"', 0, note_at) != -1  # printed inside the form's own box
    assert "reader@example.com" in html


def test_an_unsafe_next_is_ignored(client):
    variant = sold_out_product().variants[0]
    response = post_form(client, variant.id, next_url="//evil.example/x")
    assert response.headers["Location"].endswith("/products/pumpkin-seeds?ref=article:magnesium-for-back-pain#notify")


def test_a_bad_address_gets_a_form_error_and_nothing_is_stored(client):
    variant = sold_out_product().variants[0]
    response = post_form(client, variant.id, email="not-an-address")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Please enter a valid email address" in html
    assert 'aria-invalid="true"' in html
    assert f'value="{variant.id}"' in html  # the form again, for the same product
    assert alerts_for(variant.id) == []
    assert outbox() == []


def test_an_unknown_variant_gets_a_clear_page_not_a_500(client):
    response = client.post("/alerts/subscribe", data={"email": "a@example.com", "variant_id": "999999"})
    assert response.status_code == 404
    assert "not available any more" in response.get_data(as_text=True)
    response = client.post("/alerts/subscribe", data={"email": "a@example.com", "variant_id": "x' or 1=1"})
    assert response.status_code == 404


def test_a_variant_in_stock_needs_no_alert(client):
    variant = make_product("rice-crackers", stock=5).variants[0]
    response = post_form(client, variant.id, next_url="/products/rice-crackers#notify")
    assert response.status_code == 303
    assert "back in stock" in client.get("/products/rice-crackers").get_data(as_text=True)
    assert alerts_for(variant.id) == [] and outbox() == []


def test_asking_again_when_active_sends_nothing_and_tells_nobody_who_is_subscribed(client):
    variant = sold_out_product().variants[0]
    post_form(client, variant.id)
    confirm_by_email(client)
    outbox().clear()
    response = post_form(client, variant.id)
    assert response.status_code == 303
    assert outbox() == []
    [alert] = alerts_for(variant.id)
    assert alert.status == AlertStatus.ACTIVE


def test_sold_out_product_page_has_a_labelled_form_and_an_in_stock_one_has_none(client):
    sold_out_product()
    html = client.get("/products/pumpkin-seeds?ref=article:x").get_data(as_text=True)
    assert "Notify me when it" in html
    assert '<label for="notify-email">' in html
    assert 'name="ref" value="article:x"' in html
    make_product("rice-crackers", stock=5)
    assert "Notify me when it" not in client.get("/products/rice-crackers").get_data(as_text=True)


def test_a_product_with_several_sold_out_options_asks_which(client):
    make_product("tea", variants=[{"price": 500, "stock": 0, "option": "20 bags"},
                                  {"price": 900, "stock": 0, "option": "50 bags"}])
    html = client.get("/products/tea").get_data(as_text=True)
    assert '<label for="notify-variant">Option</label>' in html
    assert "50 bags</option>" in html
