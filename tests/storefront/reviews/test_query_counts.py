"""Product pages, listings and articles make the same number of queries with 0 reviews and 500:
cards read the average from the product row. A product page reads one page of its reviews once it
has any (one query, however many), and none while its review count is 0."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from storefront.catalog.models import Product
from storefront.clock import now
from storefront.extensions import db
from storefront.reviews.models import Review
from tests.storefront.test_public_query_counts import MAX_QUERIES, count

PAGES = [
    "/products/magnesium-glycinate",
    "/products/magnesium-glycinate?reviews=helpful&reviews_page=2",
    "/products",
    "/products?sort=price&page=2",
    "/collections/supplements?certified=1&in_stock=1",
    "/",
    "/search?q=magnesium",
    "/blog/magnesium-for-back-pain",
    "/blog/magnesium-for-back-pain/lite",
]


def _add_reviews(total: int) -> None:
    """`total` approved reviews, most on the magnesium page, the rest spread over the catalog."""
    ids = list(db.session.scalars(select(Product.id).order_by(Product.id)))
    magnesium = db.session.scalar(select(Product.id).where(Product.slug == "magnesium-glycinate"))
    moment = now()
    rows = [{"product_id": magnesium if i % 2 == 0 else ids[i % len(ids)], "author_name": f"Reader {i}",
             "rating": 1 + i % 5, "title": "", "body": "Easy on the stomach, and it does what it says.",
             "status": "approved", "source": "account", "helpful_count": i % 7, "moderation_note": "",
             "created_at": moment - timedelta(minutes=i)} for i in range(total)]
    db.session.execute(insert(Review), rows)
    db.session.commit()


@pytest.mark.parametrize("url", PAGES)
def test_query_count_does_not_grow_with_reviews(app, runner, count_queries, url):
    result = runner.invoke(args=["larder", "seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.execute(Review.__table__.delete())
    db.session.commit()
    none, none_statements = count(app, count_queries, url)
    _add_reviews(1)
    one, one_statements = count(app, count_queries, url)
    _add_reviews(499)
    many, many_statements = count(app, count_queries, url)
    assert one == many, {"1 review": one_statements, "500 reviews": many_statements}
    # The product page's reviews query starts with the first review; listings and articles never change.
    assert none == one - (1 if url.startswith("/products/") else 0), {"0": none_statements, "1": one_statements}
    # An article with discount code cards reads them in one more query (BUDGETS there).
    budget = MAX_QUERIES + 1 if url.startswith("/blog/") else MAX_QUERIES
    assert many <= budget, f"{url} made {many} queries: {many_statements}"
    if url.startswith("/products/"):
        html = app.test_client(use_cookies=False).get(url).get_data(as_text=True)
        assert "out of 5" in html
