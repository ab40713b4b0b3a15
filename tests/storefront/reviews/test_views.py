"""Writing a review on the site: signed in or from the email's link; bad input is a 4xx with the
form again, never a 500; the product page shows approved reviews only, escaped."""

from __future__ import annotations

import re

from sqlalchemy import select

from storefront.extensions import db
from storefront.reviews.models import Review
from storefront.reviews.tokens import review_token
from tests.factories import make_product, make_user
from tests.storefront.reviews.helpers import GOOD_BODY, add_review, bought

FORM = {"rating": "5", "title": "Sleep is better", "body": GOOD_BODY, "author_name": "Ann K."}


def test_a_signed_in_buyer_writes_a_review_that_waits_for_staff(client, auth):
    customer = make_user()
    product, _ = bought(customer)
    auth.login(customer)
    page = client.get(f"/reviews/products/{product.slug}/write")
    assert page.status_code == 200 and "Review Magnesium Glycinate" in page.get_data(as_text=True)
    response = client.post(f"/reviews/products/{product.slug}/write", data=FORM)
    assert response.status_code == 201
    assert "once approved" in response.get_data(as_text=True)
    review = db.session.scalar(select(Review))
    assert (review.status, review.user_id, review.source) == ("pending", customer.id, "account")
    assert "Sleep is better" not in client.get(f"/products/{product.slug}").get_data(as_text=True)


def test_a_second_review_of_the_same_purchase_is_refused_clearly(client, auth):
    customer = make_user()
    product, order = bought(customer)
    auth.login(customer)
    client.post(f"/reviews/products/{product.slug}/write", data=FORM)
    again = client.post(f"/reviews/products/{product.slug}/write", data=FORM)
    assert again.status_code == 403 and "Already reviewed" in again.get_data(as_text=True)
    from_link = client.post(f"/reviews/write/{review_token(order.lines[0].id)}", data=FORM)
    assert from_link.status_code == 409 and "already reviewed" in from_link.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(Review.id))) == 1


def test_someone_who_did_not_buy_it_is_told_who_may_review(client, auth):
    product = make_product("zinc", title="Zinc", price=900, stock=3)
    auth.login(make_user())
    response = client.get(f"/reviews/products/{product.slug}/write")
    assert response.status_code == 403 and "Only customers who bought" in response.get_data(as_text=True)


def test_signed_out_is_sent_to_sign_in(client):
    product = make_product("zinc", title="Zinc", price=900, stock=3)
    response = client.get(f"/reviews/products/{product.slug}/write")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_the_email_link_lets_a_guest_review_without_an_account(client):
    product, order = bought()
    token = review_token(order.lines[0].id)
    page = client.get(f"/reviews/write/{token}")
    assert page.status_code == 200 and page.headers["X-Robots-Tag"] == "noindex"
    assert client.post(f"/reviews/write/{token}", data=FORM).status_code == 201
    review = db.session.scalar(select(Review))
    assert (review.source, review.user_id, review.order_line_id) == ("email", None, order.lines[0].id)


def test_an_altered_link_is_a_404_page(client):
    _, order = bought()
    token = review_token(order.lines[0].id)
    assert client.get(f"/reviews/write/{token[:-3]}abc").status_code == 404
    assert client.post("/reviews/write/nonsense", data=FORM).status_code == 404


def test_form_errors_are_422_with_the_form_again(client):
    _, order = bought()
    url = f"/reviews/write/{review_token(order.lines[0].id)}"
    for data in ({}, {**FORM, "rating": "9"}, {**FORM, "rating": "five"}, {**FORM, "body": "short"},
                 {**FORM, "body": "x" * 5000}, {**FORM, "author_name": ""}, {**FORM, "title": "t" * 500}):
        response = client.post(url, data=data)
        assert response.status_code == 422, data
        assert 'class="error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(Review.id))) == 0


def test_the_product_page_shows_approved_reviews_escaped_with_the_average(client):
    product = make_product("magnesium-glycinate", title="Magnesium Glycinate", price=1999, stock=5)
    add_review(product, rating=5, body="<b>Bold</b> claims <script>alert(1)</script> in a review.", title="<i>Wow</i>")
    add_review(product, rating=4, name="Ben O.")
    add_review(product, rating=1, status="pending", body="Pending words that nobody should see yet.")
    add_review(product, rating=1, status="rejected", body="Rejected words that nobody should see.")
    html = client.get("/products/magnesium-glycinate").get_data(as_text=True)
    assert "4.5 out of 5, 2 reviews" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; claims &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;i&gt;Wow&lt;/i&gt;" in html and "<script>alert(1)" not in html
    assert "Pending words" not in html and "Rejected words" not in html


def test_newest_or_most_helpful_first_without_script(client):
    product = make_product("magnesium-glycinate", title="Magnesium Glycinate", price=1999, stock=5)
    add_review(product, name="Old Helpful", helpful=9, days_ago=30)
    add_review(product, name="New Quiet", helpful=0, days_ago=1)
    newest = client.get("/products/magnesium-glycinate").get_data(as_text=True)
    helpful = client.get("/products/magnesium-glycinate?reviews=helpful").get_data(as_text=True)
    assert newest.index("New Quiet") < newest.index("Old Helpful")
    assert helpful.index("Old Helpful") < helpful.index("New Quiet")
    assert '<select id="reviews-sort" name="reviews">' in newest
    assert client.get("/products/magnesium-glycinate?reviews=<x>&reviews_page=-4").status_code == 200


def test_many_reviews_are_paged(client):
    product = make_product("magnesium-glycinate", title="Magnesium Glycinate", price=1999, stock=5)
    for i in range(12):
        add_review(product, name=f"Reader {i:02d}", days_ago=i)
    first = client.get("/products/magnesium-glycinate").get_data(as_text=True)
    assert "Reader 00" in first and "Reader 11" not in first and "Page 1 of 2" in first
    second = client.get("/products/magnesium-glycinate?reviews_page=2").get_data(as_text=True)
    assert "Reader 11" in second and "Reader 00" not in second
    assert client.get("/products/magnesium-glycinate?reviews_page=99999").status_code == 200


def test_helpful_vote_once_per_visitor(client):
    product = make_product("magnesium-glycinate", title="Magnesium Glycinate", price=1999, stock=5)
    review = add_review(product)
    page = client.get("/products/magnesium-glycinate").get_data(as_text=True)
    action = f"/reviews/{review.id}/helpful"
    assert f'action="{action}"' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    first = client.post(action, data={"csrf_token": token, "next": "/products/magnesium-glycinate"})
    assert first.status_code == 303
    client.post(action, data={"csrf_token": token})
    db.session.expire_all()
    assert db.session.get(Review, review.id).helpful_count == 1
    assert "already voted" in client.get("/products/magnesium-glycinate").get_data(as_text=True)
    assert client.post("/reviews/999999/helpful", data={"csrf_token": token}).status_code == 404


def test_product_cards_show_the_average_from_the_product_row(client):
    product = make_product("magnesium-glycinate", title="Magnesium Glycinate", price=1999, stock=5)
    add_review(product, rating=5)
    add_review(product, rating=4)
    html = client.get("/products").get_data(as_text=True)
    assert "4.5 out of 5" in html and "2 reviews" in html


def test_the_customers_order_page_links_each_product_to_its_review_form(client, auth):
    customer = make_user()
    product, order = bought(customer)
    auth.login(customer)
    html = client.get(f"/account/orders/{order.number}").get_data(as_text=True)
    assert f'href="/reviews/products/{product.slug}/write">Review Magnesium Glycinate' in html
    auth.logout()
    guest = client.get(f"/orders/{order.public_token}").get_data(as_text=True)
    assert "/reviews/products/" not in guest
