"""The site search in Chromium on a phone (390x844): a misspelling typed in the header search,
a suggestion picked with the keyboard, the product reached; and the search pages pass axe."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_store(app, runner):
    result = runner.invoke(args=["larder", "seed-demo"])
    assert result.exit_code == 0, result.output


def test_a_misspelling_in_the_header_reaches_the_product_from_a_suggestion(phone_page, demo_store, accessible):
    phone = phone_page
    phone.goto("/")
    phone.locator(".header-find > summary").click()
    box = phone.get_by_role("combobox", name="Search products and articles")
    box.press_sequentially("magnesum", delay=40)
    listbox = phone.get_by_role("listbox", name="Suggestions")
    listbox.wait_for(state="visible")
    assert box.get_attribute("aria-expanded") == "true"
    first = listbox.get_by_role("option").first
    assert "Magnesium" in first.inner_text()
    accessible(phone)
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    box.press("ArrowDown")
    box.press("ArrowUp")
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    title = first.locator(".suggestion-text").inner_text()
    box.press("Enter")
    phone.wait_for_url(re.compile(r"/products/magnesium"))
    assert phone.get_by_role("heading", level=1).inner_text() == title


def test_escape_closes_the_suggestions_and_enter_still_searches(phone_page, demo_store):
    phone = phone_page
    phone.goto("/")
    phone.locator(".header-find > summary").click()
    box = phone.get_by_role("combobox", name="Search products and articles")
    box.press_sequentially("back pain", delay=40)
    listbox = phone.get_by_role("listbox", name="Suggestions")
    listbox.wait_for(state="visible")
    assert listbox.get_by_role("option", name=re.compile("Magnesium for Back Pain")).count() == 1
    box.press("Escape")
    assert listbox.is_hidden() and box.get_attribute("aria-expanded") == "false"
    box.press("Enter")
    phone.wait_for_url(re.compile(r"/search\?q=back\+pain"))
    assert phone.locator("#search-articles").get_by_role("link", name=re.compile("Magnesium for Back Pain")).is_visible()


def test_on_a_desktop_the_suggestions_show_only_while_there_are_some(page, demo_store):
    page.goto("/products")
    box = page.get_by_role("combobox", name="Search products and articles")
    listbox = page.locator("#" + box.get_attribute("aria-controls"))
    assert listbox.is_hidden(), "an empty suggestions box shows under the header search"
    box.press_sequentially("magn", delay=40)
    listbox.wait_for(state="visible")
    box.press("Escape")
    assert listbox.is_hidden()


@pytest.mark.parametrize("url", ["/search?q=magnesium", "/search?q=magnesum", "/search?q=zzzzqqq", "/search"])
def test_search_pages_have_no_serious_accessibility_problems(phone_page, demo_store, accessible, url):
    phone_page.goto(url)
    accessible(phone_page)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
