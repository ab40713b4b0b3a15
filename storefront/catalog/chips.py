"""The filters a listing is showing, as chips a shopper removes one at a time.

Each chip's link is the current listing's URL with exactly that one choice taken out (and the
page number dropped, since the result set changes); everything else, sort and search included,
stays in the URL as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from storefront.catalog.queries import Facets, ListingFilters
from storefront.money import format_money, major_units
from storefront.templating import url_with


@dataclass(frozen=True)
class FilterChip:
    label: str  # what the chip says, e.g. "Vegan"
    remove_url: str  # the listing without this one filter


def filter_chips(filters: ListingFilters, facets: Facets) -> list[FilterChip]:
    """One chip per active filter, in the order the filter panel lists them."""
    chips = []
    if filters.certified:
        chips.append(FilterChip("Low FODMAP Certified", url_with(certified=None, page=None)))
    if filters.in_stock:
        chips.append(FilterChip("In stock", url_with(in_stock=None, page=None)))
    names = {tag.slug: tag.name for tag in facets.tags}
    for slug in filters.tags:
        rest = [other for other in filters.tags if other != slug]
        chips.append(FilterChip(names.get(slug, slug), url_with(tag=rest, page=None)))
    labels = {f.slug: f.label for f in facets.free_from}
    for slug in filters.free_from:
        rest = [other for other in filters.free_from if other != slug]
        chips.append(FilterChip(f"Free from {labels.get(slug, slug).lower()}", url_with(free_from=rest, page=None)))
    # The bounds are written back as the filters read them: a shopper who typed them the wrong
    # way round had them swapped, and removing "From" must leave the "Up to" they see.
    low, high = _typed(filters.price_min), _typed(filters.price_max)
    if low is not None:
        chips.append(FilterChip(f"From {format_money(filters.price_min)}", url_with(price_min=None, price_max=high, page=None)))
    if high is not None:
        chips.append(FilterChip(f"Up to {format_money(filters.price_max)}", url_with(price_min=low, price_max=None, page=None)))
    return chips


def _typed(minor: int | None) -> str | None:
    return None if minor is None else str(major_units(minor))
