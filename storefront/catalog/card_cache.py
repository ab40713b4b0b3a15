"""Product cards from the fragment cache, keyed by catalog version and time markers (issue 20).

A card row is one statement with correlated sub-selects (price, stock, badge, image,
collection): cheap to run, but PostgreSQL plans it on each call unless it settles on a generic
plan (1-3 ms; storefront.transactions keeps statements prepared across requests), and an article,
its lite view, a product page and the home page each read one set of cards that changes only
when the catalog does. Stored like the facet counts (storefront.caching.fragments): under the
catalog version, which every visible change to a product, its variants, stock, images,
certificates or collections bumps (database triggers), and the time markers (a certificate
starts or lapses by the day: storefront.catalog.certificate_days). Without Redis every call
reads the database as before.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime

from storefront.caching.fragments import cached_fragment
from storefront.catalog.models import Collection
from storefront.catalog.queries import (
    ListingFilters,
    ListingPage,
    ProductCard,
    featured_collections,
    list_products,
    newest_cards,
    product_cards_by_slugs,
    related_cards,
    similar_certified_card,
)

_DATETIME_FIELDS = frozenset(f.name for f in dataclasses.fields(ProductCard) if "datetime" in str(f.type))


def _dump(cards: list[ProductCard]) -> list[dict]:
    return [
        {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in dataclasses.asdict(card).items()}
        for card in cards
    ]


def _load(data: list[dict]) -> list[ProductCard]:
    return [
        ProductCard(**{k: (datetime.fromisoformat(v) if k in _DATETIME_FIELDS and v else v) for k, v in row.items()})
        for row in data
    ]


def cards_by_slugs(slugs: Sequence[str]) -> dict[str, ProductCard]:
    """product_cards_by_slugs, kept per catalog version."""
    wanted = list(dict.fromkeys(s for s in slugs if s))
    if not wanted:
        return {}
    cards = cached_fragment(
        "cards-by-slug", wanted, lambda: list(product_cards_by_slugs(wanted).values()), _dump, _load
    )
    return {card.slug: card for card in cards}


def related_cards_cached(product_id: int, limit: int = 4) -> list[ProductCard]:
    """related_cards ("You may also like"), kept per catalog version."""
    return cached_fragment(
        "related-cards", [product_id, limit], lambda: related_cards(product_id, limit), _dump, _load
    )


def newest_cards_cached(limit: int) -> list[ProductCard]:
    """newest_cards (the home page), kept per catalog version."""
    return cached_fragment("newest-cards", limit, lambda: newest_cards(limit), _dump, _load)


def similar_certified_card_cached(exclude_slugs: Iterable[str], collection_slug: str | None) -> ProductCard | None:
    """similar_certified_card, kept per catalog version."""
    exclude = sorted(set(exclude_slugs))

    def compute() -> list[ProductCard]:
        card = similar_certified_card(exclude, collection_slug)
        return [card] if card else []

    found = cached_fragment("similar-certified", [exclude, collection_slug], compute, _dump, _load)
    return found[0] if found else None


@dataclasses.dataclass(frozen=True)
class CollectionTile:
    """What the home page shows of a featured collection."""

    slug: str
    title: str
    description: str
    image: str | None


def featured_tiles_cached(limit: int = 8) -> list[CollectionTile]:
    """featured_collections as home-page tiles, kept per catalog version (with the tags the
    read declares, like the cards)."""

    def compute() -> list[CollectionTile]:
        return [CollectionTile(c.slug, c.title, c.description or "", c.image) for c in featured_collections(limit)]

    return cached_fragment(
        "featured-tiles", limit, compute,
        dump=lambda tiles: [dataclasses.astuple(t) for t in tiles],
        load=lambda rows: [CollectionTile(*row) for row in rows],
    )


def list_products_cached(
    filters: ListingFilters, per_page: int, collection: Collection | None = None, total: int | None = None
) -> ListingPage:
    """list_products (one page of a listing's cards), kept per catalog version like the listing's
    facet counts: the same for every visitor of these filters, sort and page."""
    parts = {
        "collection": collection.id if collection is not None else None,
        "q": filters.q,
        "certified": filters.certified,
        "in_stock": filters.in_stock,
        "tags": sorted(filters.tags),
        "free_from": sorted(filters.free_from),
        "price": [filters.price_min, filters.price_max],
        "sort": filters.sort,
        "page": filters.page,
        "per_page": per_page,
        "total": total,
    }

    def dump(page: ListingPage) -> dict:
        return {"cards": _dump(page.cards), "total": page.total}

    def load(data: dict) -> ListingPage:
        return ListingPage(_load(data["cards"]), int(data["total"]), filters.page, per_page)

    return cached_fragment("listing-page", parts, lambda: list_products(filters, per_page, collection, total), dump, load)
