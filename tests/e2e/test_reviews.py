"""Must-show 4, in Chromium: a customer with a paid order reviews the product; staff approve it in
the moderation queue; the product page shows it with the average, and extruct reads the
AggregateRating from the page's HTML."""

from __future__ import annotations

import re

import extruct
import pytest
from playwright.sync_api import expect

from tests.factories import make_paid_order, make_product, make_user

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery"
BODY = "Soft, not too sweet, and the ginger is real. They settled my stomach on a long train journey."


def _sign_in(page, user) -> None:
    page.wait_for_url(re.compile(r"/login"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_buyer_reviews_staff_approve_and_the_page_shows_the_average(app, browser, live_server, page, accessible):
    product = make_product("calm-ginger-chews", title="Calm Ginger Chews", price=650, stock=40)
    customer = make_user("buyer@example.com", password=PASSWORD)
    make_paid_order([(product.variants[0], 2)], user=customer, email=customer.email)
    editor = make_user("moderator@example.com", role="editor", password=PASSWORD)

    # The buyer finds "Write a review" on the product page, signs in, and writes one.
    page.goto("/products/calm-ginger-chews")
    expect(page.locator("#reviews")).to_contain_text("No reviews yet")
    page.locator("#reviews").get_by_role("link", name="Write a review").click()
    _sign_in(page, customer)
    page.wait_for_url(re.compile(r"/reviews/products/calm-ginger-chews/write$"))
    accessible(page)
    page.get_by_role("button", name="Send my review").click()  # empty: the form again, with errors
    expect(page.get_by_role("alert")).to_contain_text("Please check the fields")
    page.get_by_label("4 stars: good").check()
    page.get_by_label("Title (optional)").fill("Good on a long journey")
    page.get_by_label("Your review", exact=True).fill(BODY)
    page.get_by_label("Name shown with your review").fill("Buyer B.")
    page.get_by_role("button", name="Send my review").click()
    expect(page.get_by_role("heading", name="Thank you for your review")).to_be_visible()
    accessible(page)

    # Pending: nothing public yet.
    page.goto("/products/calm-ginger-chews")
    expect(page.locator("#reviews")).to_contain_text("No reviews yet")

    # Staff approve it in the queue.
    staff = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    admin_page = staff.new_page()
    admin_page.set_default_timeout(15_000)
    try:
        admin_page.goto("/admin/reviews")
        _sign_in(admin_page, editor)
        admin_page.wait_for_url(re.compile(r"/admin/reviews$"))
        item = admin_page.locator(".review-queue-item", has_text="Buyer B.")
        expect(item).to_contain_text("Pending")
        accessible(admin_page)
        item.get_by_role("button", name=re.compile("^Approve")).click()
        expect(admin_page.get_by_text("Review by Buyer B. of Calm Ginger Chews approved.")).to_be_visible()
    finally:
        staff.close()

    # The product page shows it, with the average; the JSON-LD carries the AggregateRating.
    page.goto("/products/calm-ginger-chews")
    reviews = page.locator("#reviews")
    expect(reviews).to_contain_text("4.0 out of 5, 1 review")
    expect(reviews).to_contain_text("Good on a long journey")
    expect(reviews).to_contain_text(BODY)
    accessible(page)
    data = extruct.extract(page.content(), base_url=live_server, syntaxes=["json-ld"], uniform=True)["json-ld"]
    [product_data] = [item for item in data if item.get("@type") == "Product"]
    rating = product_data["aggregateRating"]
    assert rating["@type"] == "AggregateRating"
    assert (rating["ratingValue"], rating["reviewCount"]) == (4.0, 1)
    assert product_data["review"][0]["author"]["name"] == "Buyer B."

    # The listing's card shows the average too.
    page.goto("/products")
    card = page.locator(".product-card", has_text="Calm Ginger Chews")
    expect(card).to_contain_text("4.0 out of 5, 1 review")
