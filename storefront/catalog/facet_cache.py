"""A listing's facet counts and price range, from the fragment cache when it holds them for this
catalog version.

The two are stored apart because they go stale at different paces: the counts change when a
product joins or leaves the set, the range whenever any price in the catalog crosses one of its
ends (band tags are the whole catalog's, storefront/catalog/versioned.py). Computing the facets
computes the range too, and stores it; after that each is read, and recomputed, on its own.
"""

from __future__ import annotations

from typing import Any

from storefront.caching.fragments import (
    cached_fragment,
    fragment_store,
    store_fragment,
    stored_fragment,
)
from storefront.caching.tags import collecting, depend_on
from storefront.catalog.models import Collection
from storefront.catalog.queries import (
    Facets,
    ListingFilters,
    PriceRange,
    listing_facets,
    listing_price_range,
    price_range_tags,
)
from storefront.catalog.search import search_terms
from storefront.extensions import db

FACETS = "listing-facets"
PRICE_RANGE = "listing-price-range"


def facet_parts(filters: ListingFilters, collection_id: int | None) -> dict[str, Any]:
    """What the counts and the range depend on: the same for every sort order and page."""
    return {
        "collection": collection_id,
        # The words the search runs on, so "Magnesium!" and "magnesium" share their counts.
        "q": search_terms(filters.q) if filters.q else None,
        "certified": filters.certified,
        "in_stock": filters.in_stock,
        "tags": sorted(filters.tags),
        "free_from": sorted(filters.free_from),
        "price": [filters.price_min, filters.price_max],
    }


def facets_for(filters: ListingFilters, collection: Collection | None = None) -> Facets:
    """Counts beside each facet; the same for every sort order and page of these filters."""
    parts = facet_parts(filters, collection.id if collection is not None else None)

    def compute() -> Facets:
        with collecting() as collector:
            facets = listing_facets(filters, collection)
        depend_on(*collector.tags)
        found = PriceRange.shown(facets.price_low, facets.price_high)
        # The same statement gave the range: keep it for the price fields, with its own tags.
        store_fragment(PRICE_RANGE, parts, list(found),
                       [*collector.tags, *price_range_tags(found, filters, collection)])
        return facets

    return cached_fragment(FACETS, parts, compute, dump=Facets.to_data, load=Facets.from_data)


def price_range_for(filters: ListingFilters, collection_id: int | None, facets: Facets | None = None) -> PriceRange:
    """The lowest and highest price of the listing's matches, as fresh as its prices.

    `facets`: the page's own, computed in this request (their range is fresh only then: without
    a fragment store, every read is).
    """
    if not fragment_store().enabled and facets is not None:
        return PriceRange.shown(facets.price_low, facets.price_high)
    parts = facet_parts(filters, collection_id)

    def compute() -> PriceRange:
        collection = db.session.get(Collection, collection_id) if collection_id is not None else None
        return listing_price_range(filters, collection, matches=_match_count(facets, parts))

    return cached_fragment(PRICE_RANGE, parts, compute, dump=list, load=lambda data: PriceRange(*data))


def _match_count(facets: Facets | None, parts: dict[str, Any]) -> int | None:
    """How many products the listing matches, from its facets (this request's, else the stored
    ones, even stale: the count only chooses how the range is read)."""
    if facets is not None:
        return facets.total
    stored = stored_fragment(FACETS, parts)
    try:
        return int(stored["total"])
    except (KeyError, TypeError, ValueError):
        return None
