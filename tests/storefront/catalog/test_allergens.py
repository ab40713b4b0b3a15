"""Structured allergens: one list of the EU's 14 and the US's 9, stored as bits; "Free from"
filters on every listing and on search, with counts a shopper can trust."""

from __future__ import annotations

import re
from itertools import product as cartesian

import pytest
from markupsafe import Markup

from storefront.catalog.allergens import (
    ALLERGENS,
    BY_SLUG,
    UnknownAllergen,
    mask_of,
    parse_cell,
    parse_text,
    to_cell,
)
from storefront.extensions import db
from tests.factories import make_collection, make_product, make_tag

GLUTEN, MILK = BY_SLUG["gluten"].flag, BY_SLUG["milk"].flag


# ---------------------------------------------------------------- the list and its text forms


def test_one_list_covers_the_eu_14_and_the_us_9():
    slugs = {a.slug for a in ALLERGENS}
    eu = {"celery", "gluten", "crustaceans", "eggs", "fish", "lupin", "milk", "molluscs", "mustard",
          "tree-nuts", "peanuts", "sesame", "soy", "sulphites"}
    us = {"milk", "eggs", "fish", "crustaceans", "tree-nuts", "peanuts", "wheat", "soy", "sesame"}
    assert slugs == eu | us and len(ALLERGENS) == 15
    assert len({a.bit for a in ALLERGENS}) == 15  # one bit each, never shared


@pytest.mark.parametrize("text,contains,note", [
    ("None of the 14 major allergens.", [], ""),
    ("Contains: fish.", ["fish"], ""),
    ("Contains: peanuts, milk, barley (gluten). May contain: tree nuts.", ["gluten", "milk", "peanuts"], "May contain: tree nuts."),
    ("Contains: wheat (spelt), gluten. May contain: sesame.", ["gluten", "wheat"], "May contain: sesame."),
    ("Contains: tree nuts (macadamia, walnut, pecan). May contain: peanuts.", ["tree-nuts"], "May contain: peanuts."),
])
def test_older_free_text_is_read_into_the_list(text, contains, note):
    mask, rest = parse_text(text)
    assert mask == mask_of(contains)
    assert rest == note


def test_free_text_that_is_not_understood_stays_undeclared():
    assert parse_text("Made in a kitchen that handles everything") == (None, "Made in a kitchen that handles everything")
    assert parse_text("Contains: moonbeams.") == (None, "Contains: moonbeams.")


def test_csv_cell_round_trip_and_unknown_names():
    assert parse_cell("") is None
    assert parse_cell("none") == 0
    assert parse_cell("Milk; soy, Sesame") == mask_of(["milk", "soy", "sesame"])
    assert to_cell(mask_of(["soy", "milk"])) == "milk; soy"
    assert to_cell(0) == "none" and to_cell(None) == ""
    with pytest.raises(UnknownAllergen, match="moonbeams"):
        parse_cell("milk; moonbeams")


# ---------------------------------------------------------------- listings


def _product(slug, contains, **kwargs):
    p = make_product(slug, commit=False, **kwargs)
    p.allergen_mask = None if contains is None else mask_of(contains)
    return p


CATALOG = [
    # slug, contains (None: not declared), tags, certified
    ("plain", [], ["vegan"], True),
    ("bread", ["gluten", "wheat"], ["vegan"], False),
    ("cheese", ["milk"], [], True),
    ("pizza", ["gluten", "wheat", "milk"], [], False),
    ("tamari", ["soy"], ["vegan"], True),
    ("omelette", ["eggs", "milk"], [], False),
    ("nuts", ["tree-nuts"], ["vegan"], True),
    ("sesame-bar", ["sesame", "soy"], ["vegan"], False),
    ("mystery", None, ["vegan"], True),  # not declared: never "free from" anything
    ("rice", [], [], False),
    ("mussels", ["molluscs"], [], True),
]


@pytest.fixture
def catalog(app):
    make_tag("vegan", "Vegan")
    collection = make_collection("pantry", title="Pantry")
    for i, (slug, contains, tags, certified) in enumerate(CATALOG):
        _product(slug, contains, tags=tags, certified=certified, collection=collection, price=500 + 100 * i)
    _product("hidden-draft", [], status="draft")  # never listed
    db.session.commit()
    return {slug: (None if c is None else mask_of(c), tags, certified) for slug, c, tags, certified in CATALOG}


def _listed(html: str) -> list[str]:
    results = html[html.index('class="listing-results"'):]
    return list(dict.fromkeys(re.findall(r'<h[23] class="card-title"><a href="/products/([^"?]+)"', results)))


def _free_from_counts(html: str) -> dict[str, int]:
    return {slug: int(n) for slug, n in re.findall(r'data-free-from-count="([^"]+)">\((\d+)\)', html)}


def _expected(catalog, chosen: int, tag: str | None = None) -> set[str]:
    """Computed here, without SQL: declared, none of the chosen bits, and the tag if one is chosen."""
    return {
        slug for slug, (mask, tags, _certified) in catalog.items()
        if mask is not None and mask & chosen == 0 and (tag is None or tag in tags)
    }


@pytest.mark.parametrize("base", ["/products", "/collections/pantry", "/collections/pantry?sort=price"])
def test_free_from_gluten_and_dairy_lists_only_products_free_of_both_with_exact_counts(client, catalog, base):
    sep = "&" if "?" in base else "?"
    html = client.get(f"{base}{sep}free_from=gluten&free_from=milk").get_data(as_text=True)
    listed = _listed(html)
    expected = _expected(catalog, GLUTEN | MILK)
    assert set(listed) == expected == {"plain", "tamari", "nuts", "sesame-bar", "rice", "mussels"}
    for slug in listed:
        mask = catalog[slug][0]
        assert mask is not None and not mask & GLUTEN and not mask & MILK
    assert f'<p class="result-count" role="status">{len(expected)} products</p>' in html
    counts = _free_from_counts(html)
    assert set(counts) == {a.slug for a in ALLERGENS}
    for allergen in ALLERGENS:
        # Each count is what the listing would show with that box ticked too.
        assert counts[allergen.slug] == len(_expected(catalog, GLUTEN | MILK | allergen.flag)), allergen.slug
    assert counts["gluten"] == counts["milk"] == len(expected)  # already chosen: the listing itself
    assert counts["soy"] == 4 and counts["sesame"] == 5
    # ...and following a count's box lists exactly that many products.
    followed = client.get(f"{base}{sep}free_from=gluten&free_from=milk&free_from=soy").get_data(as_text=True)
    assert len(_listed(followed)) == counts["soy"]


def test_free_from_counts_before_anything_is_chosen_exclude_undeclared_products(client, catalog):
    html = client.get("/products").get_data(as_text=True)
    counts = _free_from_counts(html)
    for allergen in ALLERGENS:
        assert counts[allergen.slug] == len(_expected(catalog, allergen.flag))
    assert counts["celery"] == len(catalog) - 1  # all but the undeclared one
    assert 'name="free_from" value="gluten"' in html and "checked" not in html.split('value="gluten"')[1].split(">")[0]


def test_free_from_combines_with_tags_certified_and_search(client, catalog):
    html = client.get("/products?free_from=gluten&free_from=milk&tag=vegan&certified=1").get_data(as_text=True)
    expected = {s for s in _expected(catalog, GLUTEN | MILK, "vegan") if catalog[s][2]}
    assert set(_listed(html)) == expected == {"plain", "tamari", "nuts"}
    counts = _free_from_counts(html)
    assert counts["soy"] == 2  # plain and nuts
    # Search: the same filter inside the search page's product results.
    html = client.get("/search?q=sesame&free_from=soy").get_data(as_text=True)
    assert "sesame-bar" not in _listed(html)
    html = client.get("/search?q=tamari&free_from=gluten").get_data(as_text=True)
    assert _listed(html) == ["tamari"]
    assert _free_from_counts(html)["soy"] == 0


def test_free_from_chips_each_remove_one_and_unknown_names_are_ignored(client, catalog):
    html = client.get("/products?free_from=gluten&free_from=milk&tag=vegan").get_data(as_text=True)
    chips = dict((Markup(label).unescape(), Markup(href).unescape()) for href, label in
                 re.findall(r'<a class="chip" href="([^"]+)" aria-label="Remove filter: ([^"]+)">', html))
    assert set(chips) == {"Vegan", "Free from gluten", "Free from dairy (milk)"}
    assert "free_from=milk" in chips["Free from gluten"] and "free_from=gluten" not in chips["Free from gluten"]
    assert "tag=vegan" in chips["Free from gluten"]
    assert '<meta name="robots" content="noindex, follow">' in html
    response = client.get("/products?free_from=moonbeams&free_from=%00")
    assert response.status_code == 200
    assert len(_listed(response.get_data(as_text=True))) == len(catalog)  # nothing filtered


def test_every_combination_of_two_matches_an_independent_count(client, catalog):
    """Pairs of allergens (a sample of 20), each listing equal to the Python computation."""
    pairs = [(a, b) for a, b in cartesian(ALLERGENS, ALLERGENS) if a.bit < b.bit][::5]
    for a, b in pairs:
        html = client.get(f"/products?free_from={a.slug}&free_from={b.slug}").get_data(as_text=True)
        assert set(_listed(html)) == _expected(catalog, a.flag | b.flag), (a.slug, b.slug)


def test_with_free_from_chosen_every_other_facet_count_is_exact_too(client, catalog):
    """Certified and diet-tag counts on the "free from gluten and dairy" listing: each
    equals the products behind it, computed here and by following its box."""
    html = client.get("/products?free_from=gluten&free_from=milk").get_data(as_text=True)
    free = _expected(catalog, GLUTEN | MILK)
    certified = {s for s in free if catalog[s][2]}
    vegan = {s for s in free if "vegan" in catalog[s][1]}
    assert re.search(rf'name="certified" value="1" > Low FODMAP Certified <span class="count">\({len(certified)}\)', html)
    assert f'data-facet-count="vegan">({len(vegan)})' in html
    followed = client.get("/products?free_from=gluten&free_from=milk&certified=1").get_data(as_text=True)
    assert set(_listed(followed)) == certified
    followed = client.get("/products?free_from=gluten&free_from=milk&tag=vegan").get_data(as_text=True)
    assert set(_listed(followed)) == vegan
