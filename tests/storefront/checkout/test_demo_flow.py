"""The keyless demo gateway end to end through the test client (the browser test does it in Chromium)."""

from sqlalchemy import select

from storefront.catalog.models import Variant
from storefront.extensions import db
from storefront.mail import outbox
from storefront.orders.models import Order
from tests.factories import checkout_form, make_product

CHECKOUT = checkout_form(email="Ada@Example.com")


def _checkout(client, variant, quantity=2, ref="article:magnesium-for-back-pain"):
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": quantity, "ref": ref})
    return client.post("/checkout", data=CHECKOUT)


def test_checkout_redirects_to_the_demo_payment_page(client):
    variant = make_product(price=1000, stock=5).variants[0]
    response = _checkout(client, variant)
    assert response.status_code == 303
    assert "/checkout/demo/" in response.headers["Location"]
    page = client.get(response.headers["Location"])
    assert b"Demo payment page" in page.data


def test_demo_pay_confirms_the_order_and_reserves_stock(client, app):
    variant = make_product(price=1000, stock=5).variants[0]
    outbox().clear()
    pay_page = _checkout(client, variant).headers["Location"]
    token = pay_page.rsplit("/", 1)[-1]
    done = client.post(f"/checkout/demo/{token}/pay", follow_redirects=True)
    order = db.session.scalar(select(Order))
    assert order.status == "paid"
    assert order.number.encode() in done.data
    assert db.session.get(Variant, variant.id).stock == 3
    assert order.attribution == "article:magnesium-for-back-pain"
    assert order.email == "ada@example.com"
    assert len(outbox()) == 1 and order.number in outbox()[0]["Subject"]


def test_paid_order_empties_the_cart(client):
    variant = make_product(price=1000, stock=5).variants[0]
    token = _checkout(client, variant).headers["Location"].rsplit("/", 1)[-1]
    client.post(f"/checkout/demo/{token}/pay")
    assert b"Your cart is empty" in client.get("/cart").data
    with client.session_transaction() as session:
        assert session["cart_count"] == 0


def test_paying_twice_sends_one_email(client):
    variant = make_product(price=1000, stock=5).variants[0]
    outbox().clear()
    token = _checkout(client, variant).headers["Location"].rsplit("/", 1)[-1]
    client.post(f"/checkout/demo/{token}/pay")
    client.post(f"/checkout/demo/{token}/pay")
    assert len(outbox()) == 1


def test_demo_cancel_releases_stock_and_keeps_the_cart(client):
    variant = make_product(price=1000, stock=5).variants[0]
    token = _checkout(client, variant).headers["Location"].rsplit("/", 1)[-1]
    assert db.session.get(Variant, variant.id).stock == 3
    response = client.post(f"/checkout/demo/{token}/cancel", follow_redirects=True)
    assert b"cart is kept" in response.data
    db.session.expire_all()
    assert db.session.get(Variant, variant.id).stock == 5
    assert db.session.scalar(select(Order)).status == "cancelled"
    assert b"Your cart is empty" not in client.get("/cart").data


def test_demo_page_is_not_served_when_the_store_uses_stripe(client, app):
    variant = make_product(price=1000, stock=5).variants[0]
    token = _checkout(client, variant).headers["Location"].rsplit("/", 1)[-1]
    app.config["PAYMENT_GATEWAY"] = "stripe"
    try:
        assert client.get(f"/checkout/demo/{token}").status_code == 404
        assert client.post(f"/checkout/demo/{token}/pay").status_code == 404
    finally:
        app.config["PAYMENT_GATEWAY"] = "demo"
    assert db.session.scalar(select(Order)).status == "pending_payment"


def test_placing_an_order_never_reads_back_the_rows_it_just_wrote(client, count_queries):
    variant = make_product(price=1000, stock=5).variants[0]
    client.post("/cart/add", data={"variant_id": variant.id, "quantity": 1})

    with count_queries() as placing:
        response = client.post("/checkout", data=CHECKOUT)

    assert response.status_code == 303 and "/checkout/demo/" in response.headers["Location"]
    written = next(i for i, s in enumerate(placing.statements) if s.lstrip().upper().startswith("INSERT INTO SHOP_ORDER"))
    read_back = [
        s for s in placing.statements[written:]
        if s.lstrip().upper().startswith("SELECT") and ("FROM shop_order" in s or "FROM payment" in s)
    ]
    assert read_back == [], read_back  # the order and its payment stay loaded between their commits
    order = db.session.scalar(select(Order))
    assert order.status == "pending_payment" and order.payments[0].redirect_url == response.headers["Location"]
