"""Filling an article's CTAs with live catalog data at request time, in a fixed number of queries.

Whatever the number of CTAs: one query for every product card on the page, one for the
collection strips (only when the article has any), and at most one for a "similar certified
product" offered instead of CTAs that cannot sell (only when one of them is broken).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from storefront.catalog.availability import Unsellable
from storefront.catalog.card_cache import cards_by_slugs, similar_certified_card_cached
from storefront.catalog.queries import ProductCard, collection_strips

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

    @property
    def anchor(self) -> str:
        """The CTA's stable id on the page ("cta-3"; its cards add "-1", "-2"...): an add made
        without JavaScript brings the reader back to it."""
        return f"cta-{self.index + 1}"

    @property
    def broken(self) -> bool:
        return self.collection_missing or any(s.problem for s in self.slots)


def fill_ctas(cta_blocks: Sequence[dict[str, Any]]) -> list[FilledCta]:
    """Live cards for every stored CTA of an article, in page order."""
    product_slugs: list[str] = []
    collection_slugs: list[str] = []
    for block in cta_blocks:
        target = collection_slugs if block["kind"] == "collection" else product_slugs
        target.extend(block["slugs"])
    strips = collection_strips(collection_slugs, STRIP_SIZE)
    strip_slugs = [s for strip in strips.values() for s in strip.slugs]
    cards = cards_by_slugs([*product_slugs, *strip_slugs])

    filled: list[FilledCta] = []
    for index, block in enumerate(cta_blocks):
        cta = FilledCta(index=index, kind=block["kind"], label=block.get("label"))
        if cta.kind == "collection":
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
        filled.append(cta)

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
