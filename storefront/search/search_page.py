"""The search page's own HTML, kept per query and filters (issue 20).

A rendered search spent its time like a listing (facet counts, 24 cards, the filters form and
tiles) plus the article group and, for a weak result, the spelling correction: the same HTML for
every visitor of every URL with that query and those filters, whatever else the URL carries. So
its blocks (search/results.html) are kept in the fragment cache (storefront.caching.pieces) keyed
by the filters as parsed and the article page, with the tags of what the product group read: a
sale that changes the results stamps one of them and the next request renders it again.

The article group stays a late part (storefront.caching.late): rendered on every use from its
own fragment, so a staff member saving articles every few seconds does not empty the kept
searches. Its shape (the number of articles found: the jump links and the "did you mean" choice
read it) is kept with its hole; when the count moves, the pieces are rendered again.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import current_app, request
from markupsafe import Markup

from storefront.caching.pieces import kept_pieces, recording, render_blocks
from storefront.caching.version import page_state
from storefront.catalog.chips import filter_chips
from storefront.catalog.forms import parse_listing_args
from storefront.catalog.queries import SORTS, ListingFilters
from storefront.catalog.search import search_terms
from storefront.search.services import fallback, search_site

RESULTS_TEMPLATE = "search/results.html"
BLOCKS = ("title", "meta_description", "head_meta", "content")  # base.html's, filled by search
MAX_ARTICLE_PAGE = 200


def article_page() -> int:
    """The article group's page (`apage`), 1 when missing or out of range."""
    raw = request.args.get("apage", "1")
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= MAX_ARTICLE_PAGE else 1


def search_pieces() -> dict[str, Markup]:
    """The search page's pieces for this request (the empty search page without a query)."""
    filters = parse_listing_args(request.args, current_app.config["STORE_CURRENCY"], searching=True)
    apage = article_page()
    # The due-time markers: a scheduled article going live joins the results (and the fallback).
    parts = [request.endpoint, asdict(filters), apage, page_state().markers]
    kept = kept_pieces("search-page", parts, lambda holes: _render(filters, apage, holes))
    assert kept is not None  # every query has a page
    return kept.pieces


def _context(filters: ListingFilters, apage: int) -> dict:
    if not search_terms(filters.q):
        return {"filters": filters, "results": None, "fallback": fallback()}
    found = search_site(filters, apage, current_app.config["PRODUCTS_PER_PAGE"])
    return {
        "filters": found.filters,
        "results": found,
        "facets": found.facets,
        "chips": filter_chips(found.filters, found.facets),
        "listing": found.products,
        "sorts": SORTS,
        "collection": None,
        "fallback": None if found.found else fallback(),
        "card_heading": "h3",
    }


def _render(filters: ListingFilters, apage: int, holes: dict[str, str] | None) -> dict:
    with recording(holes):  # the filter chips' links too
        context = {**_context(filters, apage), "title": "Search"}
    return {"pieces": render_blocks(RESULTS_TEMPLATE, context, holes, BLOCKS)}
