"""Filling an article's CTAs with live catalog data at request time, in a fixed number of queries.

Whatever the number of CTAs: one query for every product card on the page, one for the
collection strips (only when the article has any), one for the discount code cards (only when it
has any), and at most one for a "similar certified product" offered instead of CTAs that cannot
sell (only when one of them is broken).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from storefront.caching.fragments import cached_fragment
from storefront.caching.version import page_state
from storefront.catalog.availability import Unsellable
from storefront.catalog.card_cache import cards_by_slugs, similar_certified_card_cached
from storefront.catalog.queries import ProductCard, collection_strips
from storefront.discounts.queries import CodeCard, code_cards

STRIP_SIZE = 4


@dataclass
class ProductSlot:
    """One product named by a CTA: its live card, or why it cannot be sold right now."""

    slug: str
    card: ProductCard | None

    @property
    def problem(self) -> Unsellable | None:
        """None when the product can be bought; else "missing", "unavailable" or "sold-out"."""
        return Unsellable.MISSING if self.card is None else self.card.problem


@dataclass
class FilledCta:
    """A CTA ready for the template: kind, label, product slots or a collection strip."""

    index: int
    kind: str
    label: str | None
    slots: list[ProductSlot] = field(default_factory=list)
    collection_slug: str | None = None
    collection_title: str | None = None
    collection_cards: list[ProductCard] = field(default_factory=list)
    collection_missing: bool = False
    alternative: ProductCard | None = None
    code_card: CodeCard | None = None

    @property
    def anchor(self) -> str:
        """The CTA's stable id on the page ("cta-3"; its cards add "-1", "-2"...): an add made
        without JavaScript brings the reader back to it."""
        return f"cta-{self.index + 1}"

    @property
    def broken(self) -> bool:
        return self.collection_missing or any(s.problem for s in self.slots)


def _filled(index: int, block: dict[str, Any], strips: dict, cards: dict[str, ProductCard],
            codes: dict[str, CodeCard]) -> FilledCta:
    """One stored CTA with its live data (already read for the whole page)."""
    cta = FilledCta(index=index, kind=block["kind"], label=block.get("label"))
    if cta.kind == "discount":
        cta.code_card = codes.get(block["slugs"][0].upper())
    elif cta.kind == "collection":
        slug = block["slugs"][0]
        strip = strips.get(slug)
        cta.collection_slug = slug
        if strip is None:
            cta.collection_missing = True
        else:
            cta.collection_title = strip.title
            cta.collection_cards = [cards[s] for s in strip.slugs if s in cards]
    else:
        cta.slots = [ProductSlot(slug, cards.get(slug)) for slug in block["slugs"]]
    return cta


def _code_cards_cached(codes: list[str]) -> dict[str, CodeCard]:
    """code_cards, kept in the fragment cache like the page cache keeps a page: under the
    catalog version (the discount table bumps it: storefront.discounts registers it) and the
    discounts' time marker (a code starting or ending with no write), so a card is never older
    than a cached page showing it would be. Without Redis, the query as before."""
    if not codes:
        return {}
    wanted = sorted({c.upper() for c in codes})
    return cached_fragment(
        "code-cards",
        {"codes": wanted, "due": page_state().markers},
        lambda: code_cards(wanted),
        dump=lambda found: [[c.code, c.headline, c.conditions, c.problem] for c in found.values()],
        load=lambda rows: {code: CodeCard(code, headline, list(conds), problem) for code, headline, conds, problem in rows},
    )


def fill_ctas(cta_blocks: Sequence[dict[str, Any]]) -> list[FilledCta]:
    """Live cards for every stored CTA of an article, in page order."""
    product_slugs: list[str] = []
    collection_slugs: list[str] = []
    codes: list[str] = []
    for block in cta_blocks:
        kind = block["kind"]
        target = collection_slugs if kind == "collection" else codes if kind == "discount" else product_slugs
        target.extend(block["slugs"])
    strips = collection_strips(collection_slugs, STRIP_SIZE)
    codes_found = _code_cards_cached(codes)
    strip_slugs = [s for strip in strips.values() for s in strip.slugs]
    cards = cards_by_slugs([*product_slugs, *strip_slugs])

    filled = [_filled(index, block, strips, cards, codes_found) for index, block in enumerate(cta_blocks)]

    broken = [c for c in filled if c.broken]
    if broken:
        # One look-up for the whole page, whatever the number of broken CTAs.
        first_card = next((s.card for c in broken for s in c.slots if s.card), None)
        alternative = similar_certified_card_cached(
            [*product_slugs, *strip_slugs], first_card.collection_slug if first_card else None
        )
        for cta in broken:
            cta.alternative = alternative
    return filled
