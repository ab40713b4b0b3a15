"""Counting CTA clicks: a product visit or cart add that carries ref=article:<slug>.

A cart add made on the product page itself is not counted again (its visit already was), so one
reader following one card counts once, whether they add from the article or from the product.

One upsert statement per attributed request, nothing for the rest; counts go to a daily
counter row, never a per-visitor log.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from flask import Flask, Response, request
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from storefront.admin.models import CtaClickDaily
from storefront.clock import today
from storefront.extensions import db

log = logging.getLogger(__name__)
REF_RE = re.compile(r"^article:([a-z0-9]+(?:-[a-z0-9]+)*)$")
COUNTED = {("GET", "catalog.product"), ("POST", "cart.add")}


def article_from_ref(ref: str | None) -> str | None:
    """The article slug of an attribution reference, or None."""
    match = REF_RE.match((ref or "")[:170])
    return match.group(1) if match else None


def record_cta_click(article_slug: str) -> None:
    """Add one click to today's counter for the article (one INSERT ... ON CONFLICT)."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = CtaClickDaily.__table__
    stmt = insert(table).values(day=today(), article_slug=article_slug, clicks=1)
    stmt = stmt.on_conflict_do_update(index_elements=["day", "article_slug"], set_={"clicks": table.c.clicks + 1})
    db.session.execute(stmt)
    db.session.commit()


def _from_product_page() -> bool:
    """A cart add made on the product page: its visit was the click, already counted."""
    referrer = urlsplit(request.referrer or "")
    return referrer.netloc == request.host and referrer.path.startswith("/products/")


def _count_click(response: Response) -> Response:
    if (request.method, request.endpoint) not in COUNTED or response.status_code >= 400:
        return response
    if request.endpoint == "cart.add" and _from_product_page():
        return response
    slug = article_from_ref(request.values.get("ref"))
    if slug is None:
        return response
    try:
        record_cta_click(slug)
    except SQLAlchemyError:
        # A lost click count must never cost a shopper their page or their cart.
        db.session.rollback()
        log.exception("could not record a CTA click for %s", slug)
    return response


def init_tracking(app: Flask) -> None:
    app.after_request(_count_click)
