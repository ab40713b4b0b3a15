"""One answer to "can this be sold?" and "is this product certified on this day?".

Each rule is written here twice, side by side: a predicate on loaded objects (for the cart, a
product page, a CTA card) and a SQL clause (for listings, collection strips, reservations), so
a page never filters with one rule and labels with another. tests/storefront/catalog/
test_availability.py checks both forms on the same rows.

Sellable: the product is on sale (active, not a draft or archived) and there is stock for the
quantity asked (one by default). Certified: a certificate whose validity range, first and last
day inclusive, holds the day.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date

from sqlalchemy import Date, and_, bindparam, exists, false, or_, select
from sqlalchemy.sql.expression import ClauseElement

from storefront.catalog.models import Certification, Product, ProductStatus, Variant


class Unsellable(enum.StrEnum):
    """Why a product cannot be bought right now (the values are what templates compare)."""

    MISSING = "missing"  # no such product (a lookup found nothing; decided by the caller)
    UNAVAILABLE = "unavailable"  # a draft or archived product
    SOLD_OUT = "sold-out"
    TOO_FEW = "too-few"  # some stock, less than the quantity asked


# ---------------------------------------------------------------- sellable


def is_on_sale(status: str) -> bool:
    """Shoppers may see and buy it (stock permitting): active, not a draft or archived."""
    return status == ProductStatus.ACTIVE


def on_sale_clause(status=Product.status):
    """SQL form of is_on_sale."""
    return status == ProductStatus.ACTIVE


def has_stock(stock: int, quantity: int = 1) -> bool:
    """Enough stock on hand for the quantity."""
    return stock >= quantity


def has_stock_clause(quantity: int, stock=Variant.stock):
    """SQL form of has_stock, for one variant's stock (the reservation's conditional UPDATE)."""
    return stock >= quantity


def in_stock_clause(product_id=Product.id):
    """SQL form of has_stock(product_stock(product)): some variant of the product has stock."""
    return exists().where(Variant.product_id == product_id, Variant.stock > 0)


def why_not_sellable(on_sale: bool, stock: int, quantity: int = 1) -> Unsellable | None:
    """None when `quantity` can be sold; else the first reason it cannot."""
    if not on_sale:
        return Unsellable.UNAVAILABLE
    if not has_stock(stock):
        return Unsellable.SOLD_OUT
    if not has_stock(stock, quantity):
        return Unsellable.TOO_FEW
    return None


def product_stock(product: Product) -> int:
    """Units on hand across the product's (loaded) variants."""
    return sum(v.stock for v in product.variants)


def product_problem(product: Product) -> Unsellable | None:
    """why_not_sellable for a loaded product (one unit of any variant)."""
    return why_not_sellable(is_on_sale(product.status), product_stock(product))


def sellable_clause(product_id=Product.id, status=Product.status):
    """SQL form of `product_problem(product) is None`."""
    return and_(on_sale_clause(status), in_stock_clause(product_id))


# ---------------------------------------------------------------- certified


def certificate_in_force(certificate: Certification, day: date) -> bool:
    """Valid from its first day to its last day inclusive."""
    return certificate.valid_from <= day <= certificate.valid_until


def certificate_in_force_clause(day, certificate=Certification):
    """SQL form of certificate_in_force (`day` may be a date or a bind parameter)."""
    return and_(certificate.valid_from <= day, certificate.valid_until >= day)


def certificate_on(certifications: Iterable[Certification], day: date) -> Certification | None:
    """The certificate to show on that day: of those in force, the one that lasts longest."""
    valid = [c for c in certifications if certificate_in_force(c, day)]
    return max(valid, key=lambda c: c.valid_until) if valid else None


def is_certified(product: Product, day: date) -> bool:
    """The "Low FODMAP Certified" badge: shown only while a certificate is in force that day."""
    return certificate_on(product.certifications, day) is not None


def certified_clause(day, product_id=Product.id, window=None):
    """SQL form of is_certified, about the product whose id is `product_id`.

    Asked of the product row's certificate window (kept by triggers: certificate_window.py),
    so a listing filters and counts on the row it reads; the certificates themselves are read
    only for a product whose window has a hole. `window`: the (from, until, gaps) columns to
    use, when the product's are carried by a subquery (the facets' matches); by default the
    Product row's. For another `product_id` without a window, holds_certificate_clause.
    """
    if window is None and product_id is not Product.id:
        return holds_certificate_clause(day, product_id)
    since, until, gaps = window or _window_of(Product)
    day = _written_in(day)
    # A probe, not EXISTS: PostgreSQL may hash every certificate in force for an EXISTS under
    # an OR; products with a hole are few, and only they are probed.
    in_force = (
        select(Certification.id)
        .where(Certification.product_id == product_id, certificate_in_force_clause(day))
        .limit(1)
        .scalar_subquery()
    )
    # `since IS NOT NULL` keeps the clause true or false, never NULL (no certificate at all),
    # so its negation lists uncertified products too.
    return and_(since.is_not(None), since <= day, until >= day, or_(gaps == false(), in_force.is_not(None)))


def holds_certificate_clause(day, product_id=Product.id):
    """The same answer as certified_clause, asked of the certificates: for a walk in some order
    that stops after a few hits (a collection's entries, a product's related products).

    PostgreSQL estimates the window's three tests as if they were independent, a tenth or less of
    the four products in ten that pass them; a walk for a few hits then looked costlier than
    sorting every match, and took it: a collection's page by its entries 3.6 ms became 19-45 ms,
    a product page's related products (on a generic plan) 1-4 ms became 280-320 ms.
    """
    return exists().where(Certification.product_id == product_id, certificate_in_force_clause(day))


def _written_in(day):
    """A date as a value written into the statement's text, so PostgreSQL estimates the
    window from its statistics on any plan, a generic one included (psycopg prepares a statement
    after five runs). A bind parameter (evaluated per execution) is left as it is: make it with
    `literal_execute=True`."""
    if isinstance(day, ClauseElement):
        return day
    return bindparam(None, day, type_=Date, literal_execute=True)


def _window_of(product) -> tuple:
    return product.certified_from, product.certified_until, product.certified_gaps


__all__ = [
    "Unsellable",
    "certificate_in_force",
    "certificate_in_force_clause",
    "certificate_on",
    "certified_clause",
    "holds_certificate_clause",
    "has_stock",
    "has_stock_clause",
    "in_stock_clause",
    "is_certified",
    "is_on_sale",
    "on_sale_clause",
    "product_problem",
    "product_stock",
    "sellable_clause",
    "why_not_sellable",
]
