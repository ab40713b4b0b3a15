"""The price fields of a listing's filters, a late part of the stored page.

Their placeholders show the lowest and highest price of the listing's matches. Those ends move
whenever a price anywhere in the catalog crosses them (a price edit every few seconds, at
100,000 products), while the rest of the listing (its cards, its counts) stays the same; so the
fields are rendered again on every response from their own fragment (storefront.caching.late),
and the stored listing stays in use. The shape is constant: nothing else on the page reads the
range.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Flask
from markupsafe import Markup

from storefront.caching.late import late_part, register_late_part, render_part
from storefront.catalog.facet_cache import price_range_for
from storefront.catalog.models import Collection
from storefront.catalog.queries import Facets, ListingFilters

PART = "price-range"


def _args(filters: ListingFilters, collection: Collection | None) -> dict[str, Any]:
    # Every filter but the sort and page (the range is the same for all of them), so a filter
    # added to ListingFilters reaches the stored part's range too.
    fields = {k: v for k, v in asdict(filters).items() if k not in ("sort", "page")}
    return {"collection": collection.id if collection is not None else None, **fields}


def _render(facets: Facets | None, collection: int | None = None, **fields) -> tuple[str, None]:
    filters = ListingFilters(**fields)
    found = price_range_for(filters, collection, facets)
    return render_part("catalog/_price_range.html", filters=filters, price_range=found), None


def price_range_fields(filters: ListingFilters, collection: Collection | None, facets: Facets) -> Markup:
    """The "Price" fieldset of the filters form (in templates: `price_range_fields(...)`)."""
    return late_part(PART, _args(filters, collection), facets)


def init_price_range(app: Flask) -> None:
    register_late_part(app, PART, _render)
    app.jinja_env.globals["price_range_fields"] = price_range_fields
