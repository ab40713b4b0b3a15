"""Page links: the first and last pages, the pages around this one, and an ellipsis between."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from storefront.pagination import PageNumbers


@dataclass
class Result(PageNumbers):
    total: int
    page: int
    per_page: int = 24


@pytest.mark.parametrize(
    ("total", "page", "window"),
    [
        (0, 1, [1]),
        (24, 1, [1]),
        (25, 1, [1, 2]),
        (24 * 7, 1, [1, 2, 3, None, 6, 7]),
        (24 * 7, 4, [1, 2, 3, 4, 5, 6, 7]),
        (24 * 100, 50, [1, 2, None, 48, 49, 50, 51, 52, None, 99, 100]),
        (24 * 100, 100, [1, 2, None, 98, 99, 100]),
    ],
)
def test_page_window(total, page, window):
    assert Result(total, page).page_window() == window


def test_window_stays_small_with_a_huge_catalog():
    assert len(Result(10_000_000, 2_000).page_window()) == 11


def test_listing_links_pages_around_the_current_one(client, app):
    from tests.factories import make_product

    for n in range(24 * 6 + 1):
        make_product(f"bar-{n:03d}", commit=n == 24 * 6)
    page = client.get("/products?page=4").get_data(as_text=True)
    nav = page[page.index('aria-label="Pages"'):]
    nav = nav[: nav.index("</nav>")]
    assert '<span aria-current="page">4</span>' in nav
    for number in (1, 2, 3, 5, 6, 7):
        assert f"page={number}\">{number}</a>" in nav
    assert "…" not in nav
    first = client.get("/products").get_data(as_text=True)
    assert "…" in first[first.index('aria-label="Pages"'):]
