"""Every public page makes the same small number of SQL queries with 44 products and with 400.

Counted for an anonymous first visit (no cookies), after one warm-up request. Pages of
packages not installed yet are skipped with the reason.
"""

from __future__ import annotations

import pytest

from storefront.demo.bulk import seed_bulk_articles, seed_bulk_products
from storefront.extensions import db

MAX_QUERIES = 6
# The demo magnesium article has discount code cards: one query reads them all (blog/cards.py),
# however many the article has (tests/blog/test_discount_cards.py holds that count flat).
BUDGETS = {"blog.article": MAX_QUERIES + 1, "blog.lite": MAX_QUERIES + 1}

PAGES = [
    ("catalog.home", "/"),
    ("catalog.all_products", "/products"),
    ("catalog.all_products", "/products?sort=price&page=2"),
    ("catalog.collection", "/collections/supplements?certified=1&tag=vegan&in_stock=1&sort=price"),
    ("catalog.collection", "/collections/low-fodmap-certified"),
    ("catalog.product", "/products/magnesium-glycinate"),
    ("search.results", "/search?q=magnesium"),
    ("blog.index", "/blog/"),
    ("blog.tag", "/blog/tag/health"),
    ("blog.article", "/blog/magnesium-for-back-pain"),
    ("blog.lite", "/blog/magnesium-for-back-pain/lite"),
    ("cart.view", "/cart"),
    ("pages.page", "/pages/faq"),
]


def count(app, count_queries, url) -> tuple[int, list[str]]:
    visitor = app.test_client(use_cookies=False)
    assert visitor.get(url).status_code == 200, url
    db.session.remove()
    with count_queries() as counter:
        response = visitor.get(url)
    assert response.status_code == 200, url
    return counter.count, [s[:80] for s in counter.statements]


@pytest.mark.parametrize(("endpoint", "url"), PAGES, ids=[u for _, u in PAGES])
def test_page_query_count_is_small_and_does_not_grow_with_the_catalog(app, runner, count_queries, endpoint, url):
    if endpoint not in app.view_functions:
        pytest.skip(f"{endpoint} is not installed yet")
    result = runner.invoke(args=["larder", "seed-demo"])
    assert result.exit_code == 0, result.output
    small, small_statements = count(app, count_queries, url)

    seed_bulk_products(400, batch_size=200)
    seed_bulk_articles(60)
    large, large_statements = count(app, count_queries, url)

    assert small == large, {"small": small_statements, "large": large_statements}
    assert large <= BUDGETS.get(endpoint, MAX_QUERIES), f"{url} made {large} queries: {large_statements}"
