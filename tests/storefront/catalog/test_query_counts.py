"""A page's SQL query count does not grow with the number of products."""

import pytest

from storefront.extensions import db
from tests.factories import make_collection, make_product


def fill(n, collection):
    for i in range(n):
        make_product(f"p-{i:04d}", certified=i % 2 == 0, tags=["vegan"] if i % 3 else ["keto"], collection=collection, commit=False)
    db.session.commit()


def measure(client, count_queries, url):
    db.session.remove()
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    return counter.count, [s[:60] for s in counter.statements]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/products",
        "/collections/supplements",
        "/collections/supplements?certified=1&tag=vegan&in_stock=1&price_min=1&sort=price",
        "/products/p-0002",
        "/search?q=p",
    ],
)
def test_query_count_same_at_10_and_300_products(client, app, count_queries, url):
    collection = make_collection("supplements")
    fill(10, collection)
    small, small_statements = measure(client, count_queries, url)
    collection = db.session.merge(collection)
    for i in range(10, 300):
        make_product(f"p-{i:04d}", certified=True, tags=["vegan"], collection=collection, commit=False)
    db.session.commit()
    large, large_statements = measure(client, count_queries, url)
    assert small == large, (small_statements, large_statements)
    assert large <= 6, f"{url} made {large} queries"


def test_you_may_also_like_costs_one_query_at_any_catalog_size(client, app, count_queries):
    """The related cards are one statement, whether 2 or 300 products are kin to the product."""
    collection = make_collection("supplements")
    make_product("the-one", certified=True, tags=["vegan"], collection=collection)
    make_product("kin-a", certified=True, tags=["vegan"])
    make_product("kin-b", certified=True, collection=collection)
    small, small_statements = measure(client, count_queries, "/products/the-one")
    html = client.get("/products/the-one").get_data(as_text=True)
    assert html.count('class="card product-card"') == 2
    collection = db.session.merge(collection)
    for i in range(300):
        make_product(f"kin-{i:04d}", certified=True, tags=["vegan"] if i % 2 else [],
                     collection=collection if i % 3 else None, commit=False)
    db.session.commit()
    large, large_statements = measure(client, count_queries, "/products/the-one")
    html = client.get("/products/the-one").get_data(as_text=True)
    assert html.count('class="card product-card"') == 4
    assert small == large, (small_statements, large_statements)
    assert large <= 6


@pytest.mark.parametrize(
    "url",
    [
        "/products?free_from=gluten&free_from=milk",
        "/collections/supplements?free_from=gluten&free_from=milk&tag=vegan&certified=1&sort=price",
        "/search?q=p&free_from=milk",
    ],
)
def test_free_from_filters_and_counts_cost_no_extra_query(client, app, count_queries, url):
    """"Free from" filters and their fifteen counts ride on the listing's existing statements:
    as many queries as the same listing without them, at 10 and at 300 products."""
    from storefront.catalog.allergens import mask_of

    collection = make_collection("supplements")
    allergen_sets = [[], ["milk"], ["gluten", "wheat"], ["soy"], None]
    for i in range(10):
        product = make_product(f"p-{i:04d}", certified=i % 2 == 0, tags=["vegan"], collection=collection, commit=False)
        contains = allergen_sets[i % len(allergen_sets)]
        product.allergen_mask = None if contains is None else mask_of(contains)
    db.session.commit()
    without = url.replace("free_from=gluten&free_from=milk", "").replace("free_from=milk", "").replace("?&", "?")
    baseline, _ = measure(client, count_queries, without)
    small, small_statements = measure(client, count_queries, url)
    collection = db.session.merge(collection)
    for i in range(10, 300):
        product = make_product(f"p-{i:04d}", certified=True, tags=["vegan"], collection=collection, commit=False)
        product.allergen_mask = 0 if i % 3 else mask_of(["milk"])
    db.session.commit()
    large, large_statements = measure(client, count_queries, url)
    assert small == large == baseline, (small_statements, large_statements)
    assert "Free from" in client.get(url).get_data(as_text=True)
