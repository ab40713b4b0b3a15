"""Account pages in Chromium: usable by label, and no serious/critical axe violations."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e


def test_register_sign_out_and_sign_in(page, live_server, accessible):
    page.goto("/account/register")
    accessible(page)
    page.get_by_role("button", name="Create account").click()
    assert page.get_by_text("Please enter your email.").is_visible()
    accessible(page)

    page.get_by_label("Email").fill("e2e-reader@example.com")
    page.get_by_label("Password", exact=True).fill("a long enough password")
    page.get_by_label("Repeat password").fill("a long enough password")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/account$"))
    assert page.get_by_text("No orders yet").is_visible()
    accessible(page)

    page.get_by_role("button", name="Sign out").click()
    page.goto("/account/login")
    accessible(page)
    page.get_by_label("Email").fill("e2e-reader@example.com")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/account$"))
