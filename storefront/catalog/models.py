"""Catalog data: products, their variants, images, certifications, diet tags and collections."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    FetchedValue,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.catalog.servings import Serving
from storefront.db_mixins import TimestampMixin
from storefront.extensions import db


class ProductStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


product_diet_tags = Table(
    "product_diet_tag",
    db.metadata,
    Column("product_id", ForeignKey("product.id", ondelete="CASCADE"), primary_key=True),
    Column("diet_tag_id", ForeignKey("diet_tag.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_product_diet_tag_tag", "diet_tag_id", "product_id"),
)


class DietTag(db.Model):
    __tablename__ = "diet_tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    # The tag's bit in product.diet_tag_bits, 0-61: given by a database trigger when the tag is
    # made (the lowest free one) and never changed (storefront/catalog/diet_tag_bits.py).
    bit: Mapped[int | None] = mapped_column(SmallInteger, index=True, unique=True, server_default=FetchedValue())

    def __repr__(self) -> str:
        return f"<DietTag {self.slug}>"


class Product(TimestampMixin, db.Model):
    __tablename__ = "product"
    __table_args__ = (
        # One per listing sort, each ending in the sort's tie-breakers (newest, then id): a
        # listing walks one in order with an index-only scan, never visiting product rows
        # that a filter then rejects.
        Index("ix_product_status_price", "status", "price_from", "created_at", "id"),
        Index("ix_product_status_created", "status", "created_at", "id"),
        Index("ix_product_status_title", "status", "title", "created_at", "id"),
        # The facet counts read every match's price, allergens and certificate window: from
        # this index alone (an index-only scan), not from the table (at 100,000 products, a
        # sequential scan of it).
        Index(
            "ix_product_facets", "status", "price_from", "allergen_mask",
            "certified_from", "certified_until", "certified_gaps", "diet_tag_bits", "id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    brand: Mapped[str] = mapped_column(String(120), default="")
    summary: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    ingredients: Mapped[str] = mapped_column(Text, default="")
    # Free text beside the structured allergens: "May contain: tree nuts." and other notes.
    allergens: Mapped[str] = mapped_column(Text, default="")
    # The major allergens it contains, one bit each (storefront/catalog/allergens.py); NULL when
    # not declared, so it is never listed as "free from" anything; 0 when free of all of them.
    allergen_mask: Mapped[int | None] = mapped_column(Integer, default=None)
    nutrition: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    status: Mapped[str] = mapped_column(String(16), default=ProductStatus.ACTIVE.value)
    seo_title: Mapped[str] = mapped_column(String(200), default="")
    seo_description: Mapped[str] = mapped_column(String(320), default="")
    # Names of the options variants differ by ("Color", "Size"), as imported from Shopify, so an
    # export writes them back; None for products whose variants carry only a label.
    option_names: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    # Lowest variant price, kept in step by database triggers (catalog/price_from.py) so
    # listings can sort and filter on an indexed column instead of aggregating variants.
    price_from: Mapped[int] = mapped_column(Integer, default=0)
    # Words that make the product findable besides its title: brand, tags (weighted higher)...
    search_keywords: Mapped[str] = mapped_column(Text, default="")
    # ...and summary, description and ingredients (weighted lower).
    search_body: Mapped[str] = mapped_column(Text, default="")
    # Approved reviews: how many and their ratings' sum, kept by database triggers on the reviews
    # room's table (storefront/reviews/aggregate.py), so a card shows the average from its one row.
    review_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    review_rating_sum: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Its certificates' window, kept by database triggers (storefront/catalog/certificate_window.py):
    # the first day of the earliest, the last of the latest (NULL with none), and whether their
    # days leave a hole inside it. "Certified on a day" is then a test of this row for every
    # product without a hole (availability.certified_clause).
    certified_from: Mapped[date | None] = mapped_column(Date, default=None)
    certified_until: Mapped[date | None] = mapped_column(Date, default=None)
    certified_gaps: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Its diet tags, one bit each (DietTag.bit), kept by database triggers on its tag links
    # (storefront/catalog/diet_tag_bits.py): a listing filtered by a tag tests this row instead
    # of joining every link of that tag.
    diet_tag_bits: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    variants: Mapped[list[Variant]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="Variant.position"
    )
    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="ProductImage.position"
    )
    certifications: Mapped[list[Certification]] = relationship(
        back_populates="product", cascade="all, delete-orphan", order_by="Certification.valid_until"
    )
    diet_tags: Mapped[list[DietTag]] = relationship(
        secondary=product_diet_tags, order_by="DietTag.name"
    )

    def __repr__(self) -> str:
        return f"<Product {self.slug}>"

    # Whether it is on sale, in stock or certified on a day: storefront/catalog/availability.py.

    @property
    def default_variant(self) -> Variant | None:
        """First variant in stock, else the first variant."""
        for variant in self.variants:
            if variant.stock > 0:
                return variant
        return self.variants[0] if self.variants else None

    @property
    def primary_image(self) -> ProductImage | None:
        return self.images[0] if self.images else None

    @property
    def rating_average(self) -> float | None:
        """The approved reviews' average rating to one decimal, None before the first."""
        return round(self.review_rating_sum / self.review_count, 1) if self.review_count else None

    def refresh_denormalised(self) -> None:
        """Recompute the search columns from brand, tags and text."""
        self.search_keywords = " ".join([self.brand or "", *(t.name for t in self.diet_tags)])
        self.search_body = "\n".join(
            [self.summary or "", self.description or "", self.ingredients or ""]
        )


class Variant(db.Model):
    __tablename__ = "variant"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("price >= 0", name="price_not_negative"),
        Index("ix_variant_product_stock", "product_id", "stock"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"))
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    option_label: Mapped[str] = mapped_column(String(120), default="Default")
    # One value per product option name, in order ("Green", "Small"); option_label is them
    # joined for display ("Green / Small"). None when the variant has only a label.
    option_values: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    price: Mapped[int] = mapped_column(Integer)
    compare_at_price: Mapped[int | None] = mapped_column(Integer, default=None)
    stock: Mapped[int] = mapped_column(Integer, default=0)
    weight_grams: Mapped[int] = mapped_column(Integer, default=0)
    position: Mapped[int] = mapped_column(Integer, default=0)

    product: Mapped[Product] = relationship(back_populates="variants")

    def __repr__(self) -> str:
        return f"<Variant {self.sku}>"

    @property
    def on_sale(self) -> bool:
        return self.compare_at_price is not None and self.compare_at_price > self.price


class ProductImage(db.Model):
    __tablename__ = "product_image"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    # Path under the static folder ("img/products/x.svg") or under uploads ("uploads/x.webp").
    path: Mapped[str] = mapped_column(String(255))
    alt: Mapped[str] = mapped_column(String(255), default="")
    width: Mapped[int | None] = mapped_column(Integer, default=None)
    height: Mapped[int | None] = mapped_column(Integer, default=None)
    # Smaller copies stored beside an upload at these widths (catalog/images.py sized_path), for
    # srcset; None for images stored before there were copies and for static (vector) images.
    widths: Mapped[list[int] | None] = mapped_column(JSON, default=None)
    position: Mapped[int] = mapped_column(Integer, default=0)

    product: Mapped[Product] = relationship(back_populates="images")


class Certification(db.Model):
    __tablename__ = "certification"
    __table_args__ = (
        CheckConstraint("valid_until >= valid_from", name="valid_range"),
        Index("ix_certification_product_dates", "product_id", "valid_from", "valid_until"),
        # The certificate-day marker's two maxima (storefront.catalog.certificate_days), read on
        # every cacheable request: one index probe each.
        Index("ix_certification_valid_from", "valid_from"),
        Index("ix_certification_valid_until", "valid_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(String(120))
    licence_number: Mapped[str] = mapped_column(String(80), default="")
    # As text for people ("2 capsules (1.1 g)"), kept in step with the structured serving below
    # when staff enter it: the count and its unit ("2" "capsules", or "30" "g") and, for a serving
    # counted in units, what it weighs or measures ("1.1" "g", "15" "ml").
    serving_size_tested: Mapped[str] = mapped_column(String(120), default="")
    serving_quantity: Mapped[Decimal | None] = mapped_column(Numeric(10, 3), default=None)
    serving_unit: Mapped[str] = mapped_column(String(30), default="", server_default="")
    serving_metric_quantity: Mapped[Decimal | None] = mapped_column(Numeric(10, 3), default=None)
    serving_metric_unit: Mapped[str] = mapped_column(String(4), default="", server_default="")
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    evidence_url: Mapped[str] = mapped_column(String(500), default="")
    # The certifier's public listing of the product (its page in the certifier's directory).
    listing_url: Mapped[str] = mapped_column(String(500), default="", server_default="")

    product: Mapped[Product] = relationship(back_populates="certifications")

    @property
    def serving_text(self) -> str:
        """ "2 capsules (1.1 g)" from the structured serving, else the text as entered."""
        if self.serving_quantity is None:
            return self.serving_size_tested
        return self.serving.text()

    @property
    def serving(self) -> Serving | None:
        if self.serving_quantity is None:
            return None
        return Serving(self.serving_quantity, self.serving_unit, self.serving_metric_quantity,
                       self.serving_metric_unit)


class CollectionProduct(db.Model):
    __tablename__ = "collection_product"
    __table_args__ = (
        UniqueConstraint("collection_id", "product_id", name="one_entry"),
        # A collection's "featured" order, walked by its listing page by page.
        Index("ix_collection_product_position", "collection_id", "position", "product_id"),
        # Its other sorts, walked within the collection: a walk of the product table's sort
        # index would probe membership for every product on the way (at 100,000 products,
        # ~16,000 probes for a collection whose members are rarely the cheapest).
        Index("ix_collection_product_price", "collection_id", "product_active", "sort_price", "sort_created", "product_id"),
        Index("ix_collection_product_created", "collection_id", "product_active", "sort_created", "product_id"),
        Index("ix_collection_product_title", "collection_id", "product_active", "sort_title", "sort_created", "product_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("collection.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Copies of the product's status (as "active"), price_from, created_at and title, written
    # only by database triggers (storefront/catalog/collection_sort_keys.py) whatever changes
    # the product, raw SQL included. Never set them from Python.
    product_active: Mapped[bool] = mapped_column(server_default=false())
    sort_price: Mapped[int] = mapped_column(Integer, server_default="0")
    sort_created: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sort_title: Mapped[str] = mapped_column(String(200), server_default="")
    # ...and of its diet tag bits and certificate window, so a collection's listing filters and
    # counts on its own entries without reading the product rows.
    diet_tag_bits: Mapped[int] = mapped_column(BigInteger, server_default="0")
    certified_from: Mapped[date | None] = mapped_column(Date)
    certified_until: Mapped[date | None] = mapped_column(Date)
    certified_gaps: Mapped[bool] = mapped_column(server_default=false())

    product: Mapped[Product] = relationship()


class Collection(db.Model):
    """A manual list of products, or a rule: "certified" or "tag:<diet-tag-slug>"."""

    __tablename__ = "collection"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    rule: Mapped[str | None] = mapped_column(String(120), default=None)
    featured: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The home page tile's picture: "uploads/<name>.webp" (staff upload, cropped to
    # COLLECTION_IMAGE_SIZE) or "img/..." under static/ (demo data); None shows a plain tile.
    image: Mapped[str | None] = mapped_column(String(255), default=None)

    entries: Mapped[list[CollectionProduct]] = relationship(
        cascade="all, delete-orphan", order_by="CollectionProduct.position"
    )

    def __repr__(self) -> str:
        return f"<Collection {self.slug}>"
