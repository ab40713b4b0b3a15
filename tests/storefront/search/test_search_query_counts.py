"""The site search makes the same number of SQL queries with a small catalog and a larger one,
whether the query finds products and articles, needs its spelling corrected, or finds nothing."""

from __future__ import annotations

import pytest

from storefront.demo.bulk import seed_bulk_articles, seed_bulk_products
from storefront.extensions import db
from tests.storefront.test_public_query_counts import count

PAGES = {
    # Site settings, 2 facet counts, the product page, the article page.
    "/search?q=magnesium": 5,
    # Few results: also looks for a closer spelling (vocabulary, one trigram probe per word).
    "/search?q=back+pain": 7,
    # Nothing found: the facets and articles for the words typed, the correction, then the
    # results for the corrected words.
    "/search?q=magnesum": 10,
    # Nothing found, no correction: the fallback (newest products, collections, articles).
    "/search?q=zzzzqqq": 9,
    "/search": 4,
    "/search/suggest?q=magnes": 3,
    "/search/suggest?q=magnesum": 7,
}


@pytest.mark.parametrize("url", list(PAGES))
def test_search_query_count_is_flat(app, runner, count_queries, url):
    result = runner.invoke(args=["larder", "seed-demo"])
    assert result.exit_code == 0, result.output
    small, small_statements = count(app, count_queries, url)
    seed_bulk_products(400, batch_size=200)
    seed_bulk_articles(60)
    runner.invoke(args=["larder", "search", "reindex"])
    db.session.remove()
    large, large_statements = count(app, count_queries, url)
    assert small == large, {"small": small_statements, "large": large_statements}
    assert large <= PAGES[url], large_statements
