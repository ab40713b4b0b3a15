"""Who may review, one review per product per order line, plain text and its limits, votes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storefront.catalog.models import Product
from storefront.extensions import db
from storefront.orders.services import cancel_order
from storefront.reviews.models import Review, ReviewStatus
from storefront.reviews.services import (
    AlreadyReviewed,
    Draft,
    NotEligible,
    ReviewError,
    eligibility_for_user,
    moderate,
    submit_review,
    suggested_name,
    vote_helpful,
)
from tests.factories import make_order, make_product, make_user
from tests.storefront.reviews.helpers import GOOD_BODY, add_review, bought


def _draft(**changes) -> Draft:
    values = {"rating": 4, "body": GOOD_BODY, "author_name": "Ann K.", "title": "Works for me"}
    return Draft(**{**values, **changes})


def test_a_customer_with_a_paid_order_may_review_what_they_bought(app):
    customer = make_user()
    product, order = bought(customer)
    eligible = eligibility_for_user(customer.id, product)
    assert eligible.line is not None and eligible.line.order_id == order.id
    review = submit_review(eligible.line, _draft(), user_id=customer.id, source="account")
    stored = db.session.get(Review, review.id)
    assert (stored.status, stored.rating, stored.title, stored.product_id) == ("pending", 4, "Works for me", product.id)


def test_someone_who_did_not_buy_it_or_has_not_paid_may_not(app):
    customer, other = make_user(), make_user()
    product, _ = bought(customer)
    assert eligibility_for_user(other.id, product).line is None
    unpaid = make_order([(product.variants[0], 1)], user=other)
    assert unpaid.status == "pending_payment"
    assert eligibility_for_user(other.id, product).line is None
    with pytest.raises(NotEligible):
        submit_review(unpaid.lines[0], _draft(), user_id=other.id, source="account")


def test_a_cancelled_order_entitles_no_review(app, admin_user):
    product, order = bought()
    cancel_order(order, admin_user, "out of stock")
    with pytest.raises(NotEligible):
        submit_review(order.lines[0], _draft(), user_id=None, source="email")


def test_one_review_per_order_line_a_second_is_refused(app):
    customer = make_user()
    product, order = bought(customer)
    line = order.lines[0]
    submit_review(line, _draft(), user_id=customer.id, source="account")
    with pytest.raises(AlreadyReviewed, match="already reviewed"):
        submit_review(line, _draft(rating=1), user_id=customer.id, source="email")
    assert db.session.scalar(select(db.func.count(Review.id))) == 1
    assert eligibility_for_user(customer.id, product).already_reviewed


def test_a_second_order_of_the_same_product_may_be_reviewed_again(app):
    customer = make_user()
    product, first = bought(customer)
    submit_review(first.lines[0], _draft(), user_id=customer.id, source="account")
    _, second = bought(customer, product)
    assert eligibility_for_user(customer.id, product).line.order_id == second.id


def test_html_is_kept_as_plain_text_and_trimmed(app):
    _, order = bought()
    body = "  <script>alert('x')</script> <b>Great</b> capsules, easy to swallow.\r\n\r\n\r\n\r\nWould buy again.\x00 "
    review = submit_review(order.lines[0], _draft(body=body), user_id=None, source="email")
    assert review.body == "<script>alert('x')</script> <b>Great</b> capsules, easy to swallow.\n\nWould buy again."


@pytest.mark.parametrize(("changes", "message"), [
    ({"body": "Too short."}, "between 20 and 4000"),
    ({"body": "x" * 4001}, "between 20 and 4000"),
    ({"body": "   " + "\n" * 40}, "between 20 and 4000"),
    ({"rating": 0}, "from 1 to 5"),
    ({"rating": 6}, "from 1 to 5"),
    ({"author_name": "   "}, "name to show"),
    ({"author_name": "n" * 61}, "name to show"),
    ({"title": "t" * 121}, "up to 120"),
])
def test_limits_are_refused_with_a_message(app, changes, message):
    _, order = bought()
    with pytest.raises(ReviewError, match=message):
        submit_review(order.lines[0], _draft(**changes), user_id=None, source="email")
    assert db.session.scalar(select(db.func.count(Review.id))) == 0


def test_the_suggested_name_is_a_first_name_and_an_initial(app):
    _, order = bought()
    order.ship_name = "Ada Mary Shopper"
    assert suggested_name(order.lines[0]) == "Ada S."


def test_only_approved_reviews_count_in_the_products_columns(app, admin_user):
    product = make_product(price=1000, stock=5)
    pending = add_review(product, rating=2, status="pending")
    add_review(product, rating=5)
    add_review(product, rating=4)
    db.session.expire_all()
    fresh = db.session.get(Product, product.id)
    assert (fresh.review_count, fresh.review_rating_sum, fresh.rating_average) == (2, 9, 4.5)
    moderate(pending, "approve", admin_user)
    assert (fresh.review_count, fresh.review_rating_sum) == (3, 11)
    moderate(pending, "remove", admin_user, "medical claim")
    assert (fresh.review_count, fresh.review_rating_sum) == (2, 9)
    assert db.session.get(Review, pending.id).moderation_note == "medical claim"


def test_moderation_refuses_a_move_the_queue_does_not_offer(app, admin_user):
    review = add_review(make_product(price=1000, stock=5), status="pending")
    with pytest.raises(ReviewError):
        moderate(review, "remove", admin_user)
    moderate(review, "reject", admin_user)
    assert review.status == ReviewStatus.REJECTED
    with pytest.raises(ReviewError):
        moderate(review, "publish", admin_user)


def test_one_helpful_vote_per_voter(app):
    review = add_review(make_product(price=1000, stock=5))
    assert vote_helpful(review, "session:a") is True
    assert vote_helpful(review, "session:a") is False
    assert vote_helpful(review, "user:7") is True
    db.session.expire_all()
    assert db.session.get(Review, review.id).helpful_count == 2


def test_a_pending_review_takes_no_votes(app):
    review = add_review(make_product(price=1000, stock=5), status="pending")
    with pytest.raises(ReviewError):
        vote_helpful(review, "session:a")


def test_two_submits_at_the_same_moment_store_one_review(app, monkeypatch):
    """Both pass the "already reviewed?" check before either commits: the unique constraint
    refuses the second, which is told it was already reviewed (not a 500)."""
    import storefront.reviews.services as services

    _, order = bought()
    line = order.lines[0]
    submit_review(line, _draft(), user_id=None, source="email")
    monkeypatch.setattr(services, "_reviewed_line_ids", lambda ids, product_id: set())
    with pytest.raises(AlreadyReviewed):
        submit_review(line, _draft(rating=2), user_id=None, source="account")
    assert db.session.scalar(select(db.func.count(Review.id))) == 1
