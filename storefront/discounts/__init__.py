"""Discount codes: percentage, fixed amount or free delivery, with their conditions and uses.

A room just above the catalog: the cart (the saving it shows), checkout (the code applied when
the order is placed), the blog (code cards in articles) and the admin all read it. It reads
products and collections only through catalog.queries, and takes cart and order lines as plain
data (services.PricedLine), so it imports neither the cart nor orders.
"""

from __future__ import annotations

# A code card shows "expired" or "starts on ..." when a moment passes, with no write then: the
# latest start or end already passed is part of every page key (see caching.version).
DUE_DISCOUNTS_SQL = (
    "SELECT MAX(moment) FROM ("
    "SELECT starts_at AS moment FROM discount WHERE starts_at <= :now "
    "UNION ALL SELECT ends_at AS moment FROM discount WHERE ends_at <= :now"
    ") AS discount_moments"
)


def init_app(app) -> None:
    """The discount table shows on public pages (article code cards)."""
    from storefront.caching.registry import register_versioned_table
    from storefront.caching.version import register_time_marker

    register_versioned_table(app, "discount")
    register_time_marker(app, "discounts", DUE_DISCOUNTS_SQL)
