"""A manual collection sorted by price, newest or name walks its own entries, which carry copies
of their product's sort keys: the shopper must see exactly the products, in exactly the order,
that the products themselves say, whatever changed them (the ORM, raw SQL, archiving)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from storefront.catalog import queries
from storefront.catalog.models import CollectionProduct, Product
from storefront.catalog.queries import ListingFilters, list_products
from storefront.extensions import db
from tests.factories import make_collection, make_product


@pytest.fixture
def shelf(app):
    col = make_collection("supplements")
    make_product("zinc", title="Zinc Picolinate", price=900, certified=True, tags=["vegan"], collection=col)
    make_product("b12", title="B12 Drops", price=4500, certified=True, tags=["vegan", "gluten-free"], collection=col)
    make_product("iron", title="Iron Bisglycinate", price=1500, stock=0, certified=True, tags=["vegan"], collection=col)
    make_product("omega", title="Algae Omega", price=1500, tags=["vegan"], collection=col)
    make_product("fibre", title="Fibre Blend", price=1600, certified=True, tags=["gluten-free"], collection=col)
    make_product("calcium", title="Calcium Citrate", price=1500, certified=True, tags=["vegan"], collection=col)
    make_product("old", title="Old Formula", price=100, certified=True, tags=["vegan"], status="archived", collection=col)
    make_product("elsewhere", title="Elsewhere", price=100, certified=True, tags=["vegan"])
    return col


def walked(collection, **filters) -> list[str]:
    """Every page of the listing, through the entry walk (many matches), in order."""
    slugs, page = [], 1
    while True:
        result = list_products(ListingFilters(page=page, **filters), 2, collection, total=10_000)
        if not result.cards:
            return slugs
        slugs.extend(card.slug for card in result.cards)
        page += 1


def expected(collection, sort: str, keep=lambda p: True) -> list[str]:
    """The same listing worked out in Python from the products themselves."""
    db.session.expire_all()
    members = [
        e.product for e in db.session.scalars(select(CollectionProduct).where(CollectionProduct.collection_id == collection.id))
    ]
    live = [p for p in members if p.status == "active" and keep(p)]
    newest_first = sorted(live, key=lambda p: (p.created_at, p.id), reverse=True)
    if sort == "price":
        ordered = sorted(newest_first, key=lambda p: p.price_from)
    elif sort == "price-desc":
        ordered = sorted(newest_first, key=lambda p: -p.price_from)
    elif sort == "name":
        ordered = sorted(newest_first, key=lambda p: p.title)
    else:
        ordered = newest_first
    return [p.slug for p in ordered]


@pytest.mark.parametrize("sort", queries.ENTRY_SORTS)
def test_every_sort_lists_the_members_in_the_products_own_order(shelf, sort):
    assert walked(shelf, sort=sort) == expected(shelf, sort)


@pytest.mark.parametrize("sort", queries.ENTRY_SORTS)
def test_filters_apply_to_the_walked_entries(shelf, sort):
    got = walked(shelf, sort=sort, certified=True, tags=["vegan"], in_stock=True, price_min=1000, price_max=5000)
    want = expected(shelf, sort, keep=lambda p: p.slug in {"b12", "calcium"})
    assert got == want


def test_the_walk_and_the_product_walk_agree(shelf, monkeypatch):
    """The entry walk against the plan that walks the products (forced by hiding the sorts)."""
    for sort in queries.ENTRY_SORTS:
        via_entries = walked(shelf, sort=sort, tags=["vegan"])
        monkeypatch.setattr(queries, "ENTRY_SORTS", ())
        via_products = walked(shelf, sort=sort, tags=["vegan"])
        monkeypatch.undo()
        assert via_entries == via_products


def test_a_price_change_moves_the_product_in_the_price_order(shelf):
    zinc = db.session.scalar(select(Product).where(Product.slug == "zinc"))
    assert walked(shelf, sort="price")[0] == "zinc"
    zinc.variants[0].price = 9900  # the catalog's flush hook recomputes price_from
    db.session.commit()
    assert walked(shelf, sort="price")[-1] == "zinc"
    assert walked(shelf, sort="price") == expected(shelf, "price")


def test_a_raw_sql_rename_and_archive_reach_the_walk(shelf):
    """psql, imports and bulk tools bypass the ORM; the triggers still copy the change."""
    db.session.execute(text("UPDATE product SET title = 'AAA Magnesium' WHERE slug = 'fibre'"))
    db.session.execute(text("UPDATE product SET status = 'archived' WHERE slug = 'zinc'"))
    db.session.commit()
    names = walked(shelf, sort="name")
    assert names[0] == "fibre" and "zinc" not in names
    assert names == expected(shelf, "name")


def test_an_entry_added_later_takes_its_products_keys(shelf):
    late = make_product("late", title="Late Arrival", price=50, certified=True, tags=["vegan"])
    db.session.add(CollectionProduct(collection_id=shelf.id, product_id=late.id, position=99))
    db.session.commit()
    assert walked(shelf, sort="price")[0] == "late"
    assert walked(shelf, sort="newest")[0] == "late"
