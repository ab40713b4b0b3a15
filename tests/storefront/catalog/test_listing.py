"""Listings: facets a shopper combines, their counts, sorting, paging and hostile input."""

import re

import pytest

from storefront.catalog.queries import ListingFilters, list_products, listing_facets
from tests.factories import make_collection, make_product


@pytest.fixture
def catalog(app):
    col = make_collection("supplements")
    make_product("vegan-certified-cheap", price=900, certified=True, tags=["vegan"], collection=col)
    make_product("vegan-certified-dear", price=4500, certified=True, tags=["vegan", "gluten-free"], collection=col)
    make_product("vegan-certified-soldout", price=1500, stock=0, certified=True, tags=["vegan"], collection=col)
    make_product("vegan-uncertified", price=1500, tags=["vegan"], collection=col)
    make_product("gf-certified", price=1600, certified=True, tags=["gluten-free"], collection=col)
    make_product("archived-one", price=1500, certified=True, tags=["vegan"], status="archived", collection=col)
    make_product("other-collection", price=1500, certified=True, tags=["vegan"])
    return col


def slugs(page):
    return [c.slug for c in page.cards]


def test_combined_facets_return_exact_products(catalog):
    filters = ListingFilters(certified=True, tags=["vegan"], in_stock=True, price_min=1000, price_max=5000)
    page = list_products(filters, per_page=24, collection=catalog)
    assert set(slugs(page)) == {"vegan-certified-dear"}
    filters.price_min = 500
    page = list_products(filters, per_page=24, collection=catalog)
    assert set(slugs(page)) == {"vegan-certified-cheap", "vegan-certified-dear"}
    assert page.total == 2


def test_each_facet_count_matches_the_products_behind_it(catalog):
    base = ListingFilters(certified=True)
    facets = listing_facets(base, catalog)
    everything = ListingFilters()
    assert facets.total == len(list_products(base, 100, catalog).cards)
    assert facets.certified == len(list_products(ListingFilters(certified=True), 100, catalog).cards)
    in_stock = listing_facets(ListingFilters(certified=True, in_stock=True), catalog)
    assert in_stock.total == len(list_products(ListingFilters(certified=True, in_stock=True), 100, catalog).cards)
    for tag in facets.tags:
        behind = list_products(ListingFilters(certified=True, tags=[tag.slug]), 100, catalog)
        assert tag.count == behind.total == len(behind.cards), tag
    assert {t.slug: t.count for t in facets.tags} == {"vegan": 3, "gluten-free": 2}
    assert listing_facets(everything, catalog).total == 5


def test_facet_counts_shown_on_page_match(client, catalog):
    html = client.get("/collections/supplements?certified=1&tag=vegan").get_data(as_text=True)
    assert 'data-facet-count="vegan">(3)' in html
    assert re.search(r"data-facet-count=\"gluten-free\">\((\d+)\)", html).group(1) == "1"
    assert "3 products" in html


@pytest.mark.parametrize(
    ("sort", "expected_first"),
    [("price", "vegan-certified-cheap"), ("price-desc", "vegan-certified-dear"), ("name", "gf-certified")],
)
def test_sorting(catalog, sort, expected_first):
    page = list_products(ListingFilters(sort=sort), 24, catalog)
    assert slugs(page)[0] == expected_first


def test_pagination_keeps_filters_in_the_url(client, app):
    for i in range(30):
        make_product(f"bulk-{i:02d}", tags=["vegan"], commit=False)
    from storefront.extensions import db

    db.session.commit()
    html = client.get("/products?tag=vegan&sort=name").get_data(as_text=True)
    assert "30 products" in html
    next_link = re.search(r'rel="next" href="([^"]+)"', html).group(1)
    assert "tag=vegan" in next_link and "sort=name" in next_link and "page=2" in next_link
    second = client.get(next_link.replace("&amp;", "&")).get_data(as_text=True)
    assert second.count('class="card product-card"') == 6


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=-3",
        "page=99999999999999999999",
        "price_min=-5",
        "price_min=abc&price_max=1e400",
        "price_max=NaN",
        "tag=no-such-tag",
        "tag=%3Cscript%3E",
        "sort=drop-table",
        "certified=maybe",
        "q=" + "x" * 10_000,
        "q=%27%22%3B--",
        "q=AND+OR+NOT+*+%22",
    ],
)
def test_nonsense_parameters_never_500(client, catalog, query):
    for path in ("/products", "/collections/supplements", "/search"):
        response = client.get(f"{path}?{query}")
        assert response.status_code in (200, 400), (path, query, response.status_code)


def test_unknown_tag_is_ignored_not_empty(client, catalog):
    html = client.get("/collections/supplements?tag=no-such-tag").get_data(as_text=True)
    assert "5 products" in html


def test_page_beyond_the_end_is_empty_but_fine(client, catalog):
    response = client.get("/collections/supplements?page=50")
    assert response.status_code == 200
    assert "No products match" in response.get_data(as_text=True)


def test_unknown_collection_and_product_404(client, catalog):
    assert client.get("/collections/nope").status_code == 404
    assert client.get("/products/nope").status_code == 404
    assert client.get("/products/archived-one").status_code == 404
    assert "Page not found" in client.get("/products/nope").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/products/Bad_Slug!!", "/collections/Bad_Slug!!"])
def test_a_url_that_is_not_a_slug_is_404_even_if_a_row_is_spelled_so(client, url):
    """Product and collection URLs are slugs only: a row saved under another spelling (an old
    import, a hand edit) is not served under it, so every page has one canonical address."""
    make_product("Bad_Slug!!")
    make_collection("Bad_Slug!!")
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_rule_collections(app):
    make_product("cert", certified=True, tags=["vegan"])
    make_product("plain", tags=["keto"])
    certified = make_collection("low-fodmap-certified", rule="certified")
    keto = make_collection("keto", rule="tag:keto")
    assert slugs(list_products(ListingFilters(), 24, certified)) == ["cert"]
    assert slugs(list_products(ListingFilters(), 24, keto)) == ["plain"]


@pytest.mark.parametrize(
    ("rule", "asked", "reads"),
    # How often the facets' statement reads certificates (the rule; its count is the total) or
    # tests a product's diet tag bits (the rule, any other tag asked).
    [("certified", {"certified": True}, 1), ("tag:vegan", {"tags": ["vegan"]}, 1),
     ("tag:vegan", {"tags": ["vegan", "gluten-free"]}, 2)],
)
def test_a_filter_a_collections_rule_applies_already_changes_nothing_and_is_checked_once(
    app, catalog, count_queries, rule, asked, reads
):
    collection = make_collection("ruled", rule=rule)
    everything, filtered = ListingFilters(), ListingFilters(**asked)
    both = ListingFilters(tags=[t for t in asked.get("tags", []) if t != "vegan"])
    assert slugs(list_products(filtered, 24, collection)) == slugs(list_products(both, 24, collection))
    with count_queries() as counter:
        facets = listing_facets(filtered, collection)
    unruled = listing_facets(both, collection)
    assert (facets.total, facets.certified) == (unruled.total, unruled.certified)
    assert {t.slug: t.count for t in facets.tags} == {t.slug: t.count for t in unruled.tags}
    if rule == "certified":
        assert facets.certified == facets.total == len(list_products(everything, 24, collection).cards)
    (statement,) = counter.statements
    asked_about = "FROM certification" if rule == "certified" else "product.diet_tag_bits &"
    assert statement.count(asked_about) == reads, "the rule's question is asked twice"


@pytest.mark.parametrize("sort", ["featured", "price", "price-desc", "name", "newest"])
@pytest.mark.parametrize(
    "filters",
    [{}, {"certified": True}, {"tags": ["vegan"], "in_stock": True}, {"q": "vegan"}],
    ids=["none", "certified", "vegan-in-stock", "search"],
)
def test_both_listing_plans_give_the_same_pages(catalog, monkeypatch, sort, filters):
    """Few matches are read whole and sorted, many are found by walking an index in sort
    order (PostgreSQL): a shopper sees the same products in the same order either way."""
    from storefront.catalog import queries
    from storefront.extensions import db

    # A featured order unlike any other sort (and not the order of insertion).
    for entry, position in zip(sorted(catalog.entries, key=lambda e: e.id), [3, 1, 5, 0, 4, 2], strict=True):
        entry.position = position
    db.session.commit()

    def pages(limit):
        monkeypatch.setattr(queries, "MATERIALIZE_AT_MOST", limit)
        return [
            slugs(list_products(ListingFilters(sort=sort, page=page, **filters), 2, catalog))
            for page in (1, 2, 3)
        ]

    assert pages(10_000) == pages(0)


def test_featured_follows_the_collections_own_order(catalog):
    from storefront.extensions import db

    wanted = ["gf-certified", "vegan-uncertified", "vegan-certified-dear", "vegan-certified-cheap"]
    by_slug = {e.product.slug: e for e in catalog.entries}
    for position, slug in enumerate(wanted):
        by_slug[slug].position = position
    by_slug["vegan-certified-soldout"].position = 99
    db.session.commit()
    page = list_products(ListingFilters(sort="featured"), 24, catalog)
    assert slugs(page) == [*wanted, "vegan-certified-soldout"]


@pytest.mark.parametrize(
    ("currency", "typed", "symbol", "low", "high"),
    # Prices 900..4500 minor units: $9..$45, but ¥900..¥4500 (yen have no cents); the highest is
    # shown as its price band's end (4500 is in the band from 4500 up to 5000 minor units).
    [("USD", "20", "$", "9", "50"), ("JPY", "2000", "¥", "900", "5000")],
)
def test_price_filter_fields_use_the_store_currency(app, client, catalog, monkeypatch, currency, typed, symbol,
                                                    low, high):
    monkeypatch.setitem(app.config, "STORE_CURRENCY", currency)
    html = client.get("/products").get_data(as_text=True)
    assert f'<label for="price-min">Min ({symbol})</label>' in html
    assert re.search(r'<input id="price-min"[^>]*placeholder="(\d+)"', html).group(1) == low
    assert re.search(r'<input id="price-max"[^>]*placeholder="(\d+)"', html).group(1) == high
    html = client.get(f"/products?price_max={typed}").get_data(as_text=True)
    # What the shopper typed comes back as typed (yen were shown a hundredth of what was meant).
    assert re.search(r'<input id="price-max"[^>]*value="(\d+)"', html).group(1) == typed
