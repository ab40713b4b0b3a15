"""Keeps Product's derived columns (lowest price, search text) in step on every flush."""

from sqlalchemy import event
from sqlalchemy.orm import Session

from storefront.catalog.models import Product, Variant


@event.listens_for(Session, "before_flush")
def _refresh_products(session: Session, _context, _instances) -> None:
    for product in _touched_products(session):
        if product in session.deleted:
            continue
        product.refresh_denormalised()


def _touched_products(session: Session) -> set[Product]:
    """Products this flush writes, or whose variants it adds, changes or deletes."""
    touched: set[Product] = set()
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Product):
            touched.add(obj)
        elif isinstance(obj, Variant) and obj.product is not None:
            touched.add(obj.product)
    for obj in session.deleted:
        if isinstance(obj, Variant) and obj.product is not None and obj.product not in session.deleted:
            touched.add(obj.product)
    return touched
