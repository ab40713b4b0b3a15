"""A listing on a phone: filters folded behind one disclosure, active ones shown as chips that
each remove exactly one filter, and the result count."""

import re
from urllib.parse import parse_qs, urlsplit

from markupsafe import Markup

from tests.factories import make_collection, make_product, make_tag


def _catalog():
    make_tag("vegan", "Vegan")
    make_tag("gluten-free", "Gluten-free")
    col = make_collection("supplements", title="Supplements")
    make_product("a", price=900, certified=True, tags=["vegan", "gluten-free"], collection=col)
    make_product("b", price=1900, certified=True, tags=["vegan", "gluten-free"], collection=col)
    make_product("c", price=2900, tags=["vegan"], collection=col)
    return col


def _chips(html):
    """{label: query of its link} for every chip in the page."""
    found = re.findall(r'<a class="chip" href="([^"]+)" aria-label="Remove filter: ([^"]+)">', html)
    return {Markup(label).unescape(): parse_qs(urlsplit(Markup(href).unescape()).query) for href, label in found}


def test_filters_fold_behind_one_disclosure_before_the_products(client, app):
    _catalog()
    html = client.get("/collections/supplements").get_data(as_text=True)
    disclosure = re.search(r'<details class="facets-panel"[^>]*>\s*<summary[^>]*>Filter and sort', html)
    assert disclosure, "the filter panel is not a disclosure"
    assert "<details class=\"facets-panel\" data-facets-panel>" in html  # closed until opened
    details = html[disclosure.start():html.index("</details>", disclosure.start())]
    assert 'name="certified"' in details and 'name="tag"' in details and 'name="sort"' in details
    assert "<p class=\"result-count\" role=\"status\">3 products</p>" in html
    assert 'class="filter-chips"' not in html  # nothing chosen, nothing to remove


def test_each_chip_removes_exactly_its_own_filter(client, app):
    _catalog()
    url = "/collections/supplements?certified=1&tag=vegan&tag=gluten-free&price_min=5&price_max=25&sort=price&page=1"
    html = client.get(url).get_data(as_text=True)
    assert "<p class=\"result-count\" role=\"status\">2 products</p>" in html
    assert "(5 active)" in html
    chips = _chips(html)
    full = {"certified": ["1"], "tag": ["vegan", "gluten-free"], "price_min": ["5"], "price_max": ["25"], "sort": ["price"]}
    assert chips == {
        "Low FODMAP Certified": {k: v for k, v in full.items() if k != "certified"},
        "Vegan": {**full, "tag": ["gluten-free"]},
        "Gluten-free": {**full, "tag": ["vegan"]},
        "From $5.00": {k: v for k, v in full.items() if k != "price_min"} | {"price_max": ["25.00"]},
        "Up to $25.00": {k: v for k, v in full.items() if k != "price_max"} | {"price_min": ["5.00"]},
    }
    hrefs = re.findall(r'<a class="chip" href="([^"?]+)', html)
    assert hrefs == ["/collections/supplements"] * 5  # each stays on this listing
    assert '<a class="clear-filters" href="/collections/supplements">Clear all filters</a>' in html


def test_a_chip_link_lists_what_is_left(client, app):
    _catalog()
    html = client.get("/collections/supplements?certified=1&tag=vegan").get_data(as_text=True)
    vegan_removed = re.search(r'<a class="chip" href="([^"]+)" aria-label="Remove filter: Vegan">', html).group(1)
    after = client.get(Markup(vegan_removed).unescape()).get_data(as_text=True)
    assert set(_chips(after)) == {"Low FODMAP Certified"}
    assert "<p class=\"result-count\" role=\"status\">2 products</p>" in after


def test_swapped_price_bounds_keep_the_one_not_removed(client, app):
    _catalog()
    html = client.get("/products?price_min=25&price_max=5").get_data(as_text=True)
    chips = _chips(html)
    assert chips["From $5.00"] == {"price_max": ["25.00"]}
    assert chips["Up to $25.00"] == {"price_min": ["5.00"]}


def test_search_keeps_its_query_in_every_chip(client, app):
    _catalog()
    html = client.get("/search?q=a&in_stock=1").get_data(as_text=True)
    assert _chips(html) == {"In stock": {"q": ["a"]}}
    assert "(1 active)" in html


def test_only_the_first_card_picture_loads_eagerly(client, app):
    """The first card's picture is the listing's largest paint on a phone: lazy-loading it delays
    the page; every later one waits until it is scrolled near."""
    _catalog()
    html = client.get("/collections/supplements").get_data(as_text=True)
    pictures = re.findall(r'<a class="card-image"[^>]*>\s*<img ([^>]*)>', html)
    assert len(pictures) == 3
    assert 'fetchpriority="high"' in pictures[0] and "loading=" not in pictures[0]
    assert all('loading="lazy"' in rest and "fetchpriority" not in rest for rest in pictures[1:])
