"""A listing's facet counts, from the fragment cache when it holds them for this catalog version."""

from __future__ import annotations

from storefront.caching.fragments import cached_fragment
from storefront.catalog.models import Collection
from storefront.catalog.queries import Facets, ListingFilters, listing_facets
from storefront.catalog.search import search_terms


def facets_for(filters: ListingFilters, collection: Collection | None = None) -> Facets:
    """Counts beside each facet; the same for every sort order and page of these filters."""
    parts = {
        "collection": collection.id if collection is not None else None,
        # The words the search runs on, so "Magnesium!" and "magnesium" share their counts.
        "q": search_terms(filters.q) if filters.q else None,
        "certified": filters.certified,
        "in_stock": filters.in_stock,
        "tags": sorted(filters.tags),
        "free_from": sorted(filters.free_from),
        "price": [filters.price_min, filters.price_max],
    }
    return cached_fragment(
        "listing-facets",
        parts,
        lambda: listing_facets(filters, collection),
        dump=Facets.to_data,
        load=Facets.from_data,
    )
