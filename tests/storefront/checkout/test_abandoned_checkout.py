"""Abandoned checkout: a shopper who consented gets one reminder after the delay, never after paying,
never twice; the email shows today's prices and links that answer."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from storefront import jobs
from storefront.catalog.models import Variant
from storefront.checkout.reminders import CHECKOUT_REMINDER, send_checkout_reminder
from storefront.clock import as_utc, now
from storefront.extensions import db
from storefront.jobs.models import OutboxJob
from storefront.mail import html_part, outbox, text_part
from storefront.orders.models import Order
from tests.factories import checkout_form, make_product, make_user
from tests.fixtures.mail import assert_links_answer, links_in

EMAIL = "ada@example.com"


@pytest.fixture(autouse=True)
def _empty_outbox(app):
    outbox().clear()
    yield
    outbox().clear()


def _checkout(client, variant, quantity=2, remind=True, email=EMAIL, ref="article:magnesium-for-back-pain"):
    """Add to the cart and submit the checkout form; returns the order placed."""
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": quantity, "ref": ref})
    form = checkout_form(email=email, **({"remind_me": "y"} if remind else {}))
    response = client.post("/checkout", data=form)
    assert response.status_code == 303, response.data
    return db.session.scalars(select(Order).order_by(Order.id.desc())).first()


def _reminder_jobs():
    return list(db.session.scalars(select(OutboxJob).where(OutboxJob.kind == CHECKOUT_REMINDER)))


def _make_due():
    """The delay has passed: every reminder job is due now."""
    db.session.execute(update(OutboxJob).where(OutboxJob.kind == CHECKOUT_REMINDER)
                       .values(run_after=now() - timedelta(seconds=1)))
    db.session.commit()
    return jobs.run_due_jobs()


def _reminders():
    return [m for m in outbox() if "left something" in m["Subject"]]


def _pay(client, order):
    client.post(f"/checkout/demo/{order.public_token}/pay")


# ------------------------------------------------------------------ the consent box


def test_the_consent_box_is_labelled_explained_and_unticked(client):
    variant = make_product(price=1000, stock=5).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1})
    html = client.get("/checkout").get_data(as_text=True)
    box = html[html.index('id="remind_me"') - 40: html.index('id="remind_me"') + 200]
    assert 'type="checkbox"' in box and "checked" not in box
    assert "Send me a reminder if I don&#39;t finish" in html or "Send me a reminder if I don't finish" in html
    assert "One email to the address above, about an hour later" in html and "Never sent once you have paid" in html


def test_a_form_shown_again_keeps_the_shoppers_choice(client):
    variant = make_product(price=1000, stock=5).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1})
    html = client.post("/checkout", data=checkout_form(email="", remind_me="y")).get_data(as_text=True)
    assert "Please enter your email address" in html
    box = html[html.index('id="remind_me"'): html.index('id="remind_me"') + 200]
    assert "checked" in box


def test_no_consent_no_job(client):
    order = _checkout(client, make_product(price=1000, stock=5).variants[0], remind=False)
    assert order.reminder_consent is False
    assert _reminder_jobs() == []
    _make_due()
    assert _reminders() == []


def test_a_delay_of_zero_switches_reminders_off(client, app):
    app.config["ABANDONED_CHECKOUT_DELAY_MINUTES"] = 0
    try:
        variant = make_product(price=1000, stock=5).variants[0]
        client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1})
        assert 'id="remind_me"' not in client.get("/checkout").get_data(as_text=True)
        order = _checkout(client, variant, remind=True)
        assert order.reminder_consent is False and _reminder_jobs() == []
    finally:
        app.config["ABANDONED_CHECKOUT_DELAY_MINUTES"] = 60


# ------------------------------------------------------------------ when it is sent


def test_consent_records_a_job_due_after_the_delay_and_not_before(client):
    order = _checkout(client, make_product(title="Magnesium Glycinate", price=2199, stock=5).variants[0])
    assert order.reminder_consent is True
    [job] = _reminder_jobs()
    assert job.payload == {"order_id": order.id} and job.key == f"checkout-reminder:{order.id}"
    due_in = as_utc(job.run_after) - as_utc(order.created_at)
    assert timedelta(minutes=59) < due_in <= timedelta(minutes=61)
    jobs.run_due_jobs()
    assert _reminders() == []  # not before the delay
    _make_due()
    [message] = _reminders()
    assert message["To"] == EMAIL
    assert "Magnesium Glycinate" in text_part(message) and "Magnesium Glycinate" in html_part(message)
    db.session.expire_all()
    assert db.session.get(Order, order.id).reminder_sent_at is not None


def test_paid_before_the_delay_nothing_is_sent(client):
    order = _checkout(client, make_product(price=1000, stock=5).variants[0])
    _pay(client, order)
    _make_due()
    assert _reminders() == []
    assert len(outbox()) == 1  # the order confirmation only


def test_paid_another_order_since_nothing_is_sent(client):
    """The shopper gave up on the first checkout, came back and paid: no reminder about the first."""
    variant = make_product(price=1000, stock=9).variants[0]
    first = _checkout(client, variant)
    client.post(f"/checkout/demo/{first.public_token}/cancel")
    second = _checkout(client, variant, quantity=1, remind=False)
    assert second.id != first.id
    _pay(client, second)
    _make_due()
    assert _reminders() == []


def test_an_abandoned_unpaid_checkout_is_reminded(client):
    order = _checkout(client, make_product(price=1000, stock=5).variants[0])
    client.post(f"/checkout/demo/{order.public_token}/cancel")
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == "cancelled"
    _make_due()
    assert len(_reminders()) == 1


def test_an_order_staff_cancelled_is_not_reminded(client):
    from storefront.orders.services import cancel_order

    order = _checkout(client, make_product(price=1000, stock=5).variants[0])
    cancel_order(order, make_user("staff@example.com", role="admin"), "Suspected fraud")
    _make_due()
    assert _reminders() == []


def test_sent_once_even_if_the_job_runs_twice(client):
    order = _checkout(client, make_product(price=1000, stock=5).variants[0])
    _make_due()
    send_checkout_reminder({"order_id": order.id})  # a redelivered or retried job
    db.session.commit()
    db.session.execute(update(OutboxJob).values(status="pending"))  # staff pressed "retry"
    db.session.commit()
    _make_due()
    assert len(_reminders()) == 1


def test_two_abandoned_orders_from_one_address_get_one_reminder_about_the_newer_cart(client):
    variant = make_product(title="Rice Crackers", price=1000, stock=9).variants[0]
    first = _checkout(client, variant)
    client.post(f"/checkout/demo/{first.public_token}/cancel")
    client.post("/cart/add", data={"variant_id": make_product(title="Oat Milk", stock=9).variants[0].id})
    second = _checkout(client, variant, quantity=1)
    assert second.id != first.id and len(_reminder_jobs()) == 2
    _make_due()
    [message] = _reminders()
    assert "Oat Milk" in text_part(message)
    db.session.expire_all()
    assert db.session.get(Order, first.id).reminder_sent_at is None


def test_an_earlier_reminder_to_the_address_holds_back_another(client):
    """Within the window one address gets one reminder, even about a later checkout."""
    variant = make_product(price=1000, stock=9).variants[0]
    first = _checkout(client, variant)
    _make_due()
    assert len(_reminders()) == 1
    client.post(f"/checkout/demo/{first.public_token}/cancel")
    _checkout(client, variant, quantity=1)
    _make_due()
    assert len(_reminders()) == 1


def test_withdrawn_consent_stops_the_reminder(client):
    from storefront.checkout.reminders import make_stop_token

    order = _checkout(client, make_product(price=1000, stock=5).variants[0])
    url = f"/checkout/reminders/stop/{make_stop_token(order.email)}"
    page = client.get(url)
    assert page.status_code == 200 and b"Stop checkout reminders?" in page.data
    done = client.post(url)  # what a mail client's one-click unsubscribe sends: no CSRF token
    assert done.status_code == 200 and b"No more checkout reminders" in done.data
    _make_due()
    assert _reminders() == []
    db.session.expire_all()
    assert db.session.get(Order, order.id).reminder_consent is False


def test_a_tampered_stop_link_is_a_clear_404(client):
    response = client.get("/checkout/reminders/stop/not-a-token")
    assert response.status_code == 404 and b"This link is not valid" in response.data
    assert client.post("/checkout/reminders/stop/not-a-token").status_code == 404


def test_nothing_left_to_buy_nothing_sent(client):
    variant = make_product(price=1000, stock=2).variants[0]
    order = _checkout(client, variant, quantity=2)
    db.session.execute(update(Variant).where(Variant.id == variant.id).values(stock=0))
    db.session.commit()
    _make_due()
    assert _reminders() == []
    db.session.expire_all()
    assert db.session.get(Order, order.id).reminder_sent_at is None


# ------------------------------------------------------------------ what it says


def test_the_reminder_shows_todays_prices_and_what_sold_out(client):
    kept = make_product(title="Rice Crackers", price=450, stock=9).variants[0]
    scarce = make_product(title="Buckwheat Groats", price=1099, stock=9).variants[0]
    client.post("/cart/add", data={"variant_id": kept.id, "quantity": 2})
    order = _checkout(client, scarce, quantity=3)
    # After the checkout: the price went up and the groats sold out (the order's stock was released).
    client.post(f"/checkout/demo/{order.public_token}/cancel")
    db.session.execute(update(Variant).where(Variant.id == kept.id).values(price=525))
    db.session.execute(update(Variant).where(Variant.id == scarce.id).values(stock=0))
    db.session.commit()
    _make_due()
    [message] = _reminders()
    text, html = text_part(message), html_part(message)
    assert "$5.25 each" in text and "$5.25 each" in html
    assert "$4.50" not in text and "$4.50" not in html
    assert "Sold out" in text and "Sold out" in html
    assert "- 2 x Rice Crackers: $5.25 each\n- 3 x Buckwheat Groats: $10.99 each (Sold out)\n" in text
    assert "Subtotal today: $10.50" in text


def test_every_link_in_the_reminder_answers(client, app):
    _checkout(client, make_product(price=1000, stock=5).variants[0])
    _make_due()
    [message] = _reminders()
    links = links_in(message)
    for part in ("html", "text"):
        assert any("/checkout/restore/" in url for url in links[part]), part
        assert any("/checkout/reminders/stop/" in url for url in links[part]), part
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert "/checkout/reminders/stop/" in unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with app.test_client() as other_device:
        assert_links_answer(other_device, message)


@pytest.mark.postgres_only
def test_one_job_delivered_to_two_workers_at_once_sends_once(client, app, monkeypatch):
    """Both claim the same order at the same moment: the second waits on the row lock, then finds it sent."""
    import threading

    from storefront.checkout import reminders

    order = _checkout(client, make_product(price=1000, stock=5).variants[0])
    real_send, both = reminders.send_email, threading.Barrier(2)

    def slow_send(*args, **kwargs):
        time.sleep(0.5)  # the first sender is still mid-send when the second claims
        return real_send(*args, **kwargs)

    monkeypatch.setattr(reminders, "send_email", slow_send)
    errors: list[BaseException] = []

    def worker():
        try:
            with app.app_context():
                both.wait(timeout=10)
                send_checkout_reminder({"order_id": order.id})
                db.session.commit()
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert len(_reminders()) == 1
