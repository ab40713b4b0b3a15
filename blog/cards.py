"""Filling an article's CTAs with live catalog data at request time, in a fixed number of queries.

Whatever the number of CTAs: one query for every product card on the page, one for the
collection strips (only when the article has any), and at most one for a "similar certified
product" offered instead of CTAs that cannot sell (only when one of them is broken).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, exists, func, literal, null, or_, select, union_all

from storefront.catalog.models import (
    Collection,
    CollectionProduct,
    DietTag,
    Product,
    ProductStatus,
    product_diet_tags,
)
from storefront.catalog.queries import (
    ProductCard,
    certified_clause,
    in_stock_clause,
    product_cards_by_slugs,
    similar_certified_card,
)
from storefront.clock import today
from storefront.extensions import db

STRIP_SIZE = 4


@dataclass(frozen=True)
class CollectionStrip:
    slug: str
    title: str
    slugs: list[str]


@dataclass
class ProductSlot:
    """One product named by a CTA: its live card, or why it cannot be sold right now."""

    slug: str
    card: ProductCard | None

    @property
    def problem(self) -> str | None:
        """None when the product can be bought; else "missing", "unavailable" or "sold-out"."""
        if self.card is None:
            return "missing"
        if not self.card.is_active:
            return "unavailable"
        if not self.card.in_stock:
            return "sold-out"
        return None


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
    def broken(self) -> bool:
        return self.collection_missing or any(s.problem for s in self.slots)


def _member_clause(day):
    """Membership of the outer Product in the outer Collection, for manual and rule collections."""
    manual = and_(
        or_(Collection.rule.is_(None), Collection.rule == ""),
        exists().where(
            CollectionProduct.collection_id == Collection.id,
            CollectionProduct.product_id == Product.id,
        ),
    )
    certified = and_(Collection.rule == "certified", certified_clause(day))
    link = product_diet_tags.alias()
    tagged = and_(
        Collection.rule.like("tag:%"),
        exists().where(
            link.c.product_id == Product.id,
            link.c.diet_tag_id == DietTag.id,
            DietTag.slug == func.substr(Collection.rule, 5),
        ),
    )
    return or_(manual, certified, tagged)


def collection_strips(slugs: Sequence[str], size: int = STRIP_SIZE) -> dict[str, CollectionStrip]:
    """A few in-stock products of each collection, in one statement; missing collections absent."""
    wanted = list(dict.fromkeys(slugs))
    if not wanted:
        return {}
    day = today()
    parts = []
    for slug in wanted:
        header = select(
            Collection.slug.label("c_slug"),
            Collection.title.label("c_title"),
            null().label("p_slug"),
            literal(0).label("rank"),
        ).where(Collection.slug == slug)
        members = (
            select(
                Collection.slug.label("c_slug"),
                Collection.title.label("c_title"),
                Product.slug.label("p_slug"),
                literal(1).label("rank"),
            )
            .select_from(Collection)
            .join(
                Product,
                and_(
                    Product.status == ProductStatus.ACTIVE,
                    in_stock_clause(),
                    _member_clause(day),
                ),
            )
            .where(Collection.slug == slug)
            .order_by(Product.created_at.desc(), Product.id.desc())
            .limit(size)
        )
        # Wrapped, so each part keeps its own LIMIT inside the UNION on every database.
        for part in (header, members):
            sub = part.subquery()
            parts.append(select(*sub.c))
    strips: dict[str, CollectionStrip] = {}
    for row in db.session.execute(union_all(*parts)):
        strip = strips.setdefault(row.c_slug, CollectionStrip(row.c_slug, row.c_title, []))
        if row.p_slug:
            strip.slugs.append(row.p_slug)
    return strips


def fill_ctas(cta_blocks: Sequence[dict[str, Any]]) -> list[FilledCta]:
    """Live cards for every stored CTA of an article, in page order."""
    product_slugs: list[str] = []
    collection_slugs: list[str] = []
    for block in cta_blocks:
        target = collection_slugs if block["kind"] == "collection" else product_slugs
        target.extend(block["slugs"])
    strips = collection_strips(collection_slugs)
    strip_slugs = [s for strip in strips.values() for s in strip.slugs]
    cards = product_cards_by_slugs([*product_slugs, *strip_slugs])

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
        alternative = similar_certified_card(
            [*product_slugs, *strip_slugs], first_card.collection_slug if first_card else None
        )
        for cta in broken:
            cta.alternative = alternative
    return filled
