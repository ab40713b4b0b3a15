"""Keeps Product's search columns (keywords, body) in step with its text and tags on every flush.

Its lowest price is kept by database triggers instead (price_from.py).
"""

from sqlalchemy import event
from sqlalchemy.orm import Session

from storefront.catalog.models import Product


@event.listens_for(Session, "before_flush")
def _refresh_products(session: Session, _context, _instances) -> None:
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Product) and obj not in session.deleted:
            obj.refresh_denormalised()
