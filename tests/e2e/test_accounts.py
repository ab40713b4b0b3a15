"""Account pages in Chromium: usable by label, and no serious/critical axe violations."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from storefront.mail import outbox, text_part

pytestmark = pytest.mark.e2e


def register(page, email: str, password: str = "a long enough password", accessible=None) -> None:
    """Fill in the open registration form by its labels, follow the emailed link, choose the
    password and land on the account page (`accessible` checks the pages on the way)."""
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(re.compile(r"/account/register/sent$"))
    if accessible:
        accessible(page)
    link = re.search(r"https?://\S+(/account/register/\S+)", text_part(outbox()[-1])).group(1)
    page.goto(link)
    if accessible:
        accessible(page)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat password").fill(password)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/account$"))


def test_register_sign_out_and_sign_in(page, live_server, accessible):
    page.goto("/account/register")
    accessible(page)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Please enter your email.")).to_be_visible()
    accessible(page)

    register(page, "e2e-reader@example.com", accessible=accessible)
    assert page.get_by_text("No orders yet").is_visible()
    accessible(page)

    page.get_by_role("button", name="Sign out").click()
    page.goto("/account/login")
    accessible(page)
    page.get_by_label("Email").fill("e2e-reader@example.com")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/account$"))


def test_a_password_change_signs_out_the_other_browser(browser, live_server, page, accessible):
    """Two browsers signed in to one account; changing the password in one ends the other's session."""
    page.goto("/account/register")
    register(page, "e2e-two-devices@example.com")

    other = browser.new_context(base_url=live_server)
    try:
        laptop = other.new_page()
        laptop.goto("/account/login")
        laptop.get_by_label("Email").fill("e2e-two-devices@example.com")
        laptop.get_by_label("Password").fill("a long enough password")
        laptop.get_by_role("button", name="Sign in").click()
        laptop.wait_for_url(re.compile(r"/account$"))

        page.get_by_role("link", name="Change your password").click()
        page.wait_for_url(re.compile(r"/account/password$"))
        accessible(page)
        page.get_by_label("Current password").fill("a long enough password")
        page.get_by_label("New password", exact=True).fill("another long password")
        page.get_by_label("Repeat new password").fill("another long password")
        page.get_by_role("button", name="Change password").click()
        page.wait_for_url(re.compile(r"/account$"))
        accessible(page)

        laptop.goto("/account")  # the old session cookie no longer signs anyone in
        laptop.wait_for_url(re.compile(r"/account/login"))
        page.goto("/account")  # the browser that changed it stays signed in
        assert page.get_by_text("e2e-two-devices@example.com").is_visible()
    finally:
        other.close()
