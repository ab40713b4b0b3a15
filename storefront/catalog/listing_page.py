"""A listing's own HTML (a collection, all products), kept per set of filters (issue 20).

A rendered listing spent its time reading its facet counts and cards (each a fragment of its
own) and rendering the filters form and 24 tiles: the same HTML for every visitor of every URL
with those filters, whatever else the URL carries (campaign tags, an argument spelled twice,
the filters in another order). So the listing's blocks (catalog/listing.html: title,
description, head and content) are kept in the fragment cache (storefront.caching.fragments)
keyed by the filters as parsed, with the tags of the fragments read: a sale that changes the
listing stamps one of them and the next request renders it again; a stale price, stock or count
is never served.

What differs per URL is a hole (storefront.caching.pieces): the CSRF token and way back of the
tiles' add-to-cart forms, the links to other pages and the filter chips' links (`url_with`,
which keep the visitor's other arguments) and the price fields (a late part, rendered on every
use from their own fragment, because the range's ends move with price edits all over the
catalog). Search keeps its own page: its article group's count shapes the rest of it.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import current_app, request
from markupsafe import Markup

from storefront.caching.pieces import NothingToKeep, kept_pieces, recording, render_blocks
from storefront.catalog.card_cache import list_products_cached
from storefront.catalog.chips import filter_chips
from storefront.catalog.facet_cache import facets_for
from storefront.catalog.forms import parse_listing_args
from storefront.catalog.queries import SORTS, ListingFilters, get_collection

LISTING_TEMPLATE = "catalog/listing.html"
BLOCKS = ("title", "meta_description", "head_meta", "content")  # base.html's, filled by the listing


def listing_pieces(collection_slug: str | None, title: str) -> dict[str, Markup] | None:
    """The listing's pieces for this request (a collection's, or every product's without a
    slug), or None when no collection has `collection_slug`."""
    filters = parse_listing_args(request.args, current_app.config["STORE_CURRENCY"])
    kept = kept_pieces(
        "listing-page",
        [request.endpoint, request.path, asdict(filters), title],
        lambda holes: _render(filters, collection_slug, title, holes),
    )
    return kept.pieces if kept is not None else None


def _listing_context(filters: ListingFilters, collection) -> dict:
    """What catalog/listing.html shows for `filters` (tags no longer on offer dropped)."""
    facets = facets_for(filters, collection)
    known = {t.slug for t in facets.tags}
    if any(tag not in known for tag in filters.tags):
        filters.tags = [t for t in filters.tags if t in known]
        facets = facets_for(filters, collection)
    page = list_products_cached(filters, current_app.config["PRODUCTS_PER_PAGE"], collection, total=facets.total)
    return {
        "filters": filters,
        "facets": facets,
        "chips": filter_chips(filters, facets),
        "listing": page,
        "sorts": SORTS,
        "collection": collection,
    }


def _render(filters: ListingFilters, collection_slug: str | None, title: str, holes: dict[str, str] | None) -> dict:
    collection = None
    if collection_slug is not None:
        collection = get_collection(collection_slug)
        if collection is None:
            raise NothingToKeep(collection_slug)
    with recording(holes):  # the filter chips' links too
        context = {**_listing_context(filters, collection), "title": title}
    return {"pieces": render_blocks(LISTING_TEMPLATE, context, holes, BLOCKS)}
