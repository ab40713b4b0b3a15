"""Extension points where another package adds to a storefront page without storefront importing it.

The blog registers a "featured in" provider here, so product pages list the articles that sell
them while `storefront` still never imports `blog`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from storefront.state import larder_state

# A provider gets the product page's ProductSummary (storefront.catalog.product_page: id, slug,
# title, review_count, rating_average), not the ORM row: the page's own HTML is kept per product
# version, so on most requests the row is not loaded at all.
ProductExtra = Callable[[Any], dict[str, Any]]
SitemapSource = Callable[[], list[tuple[str, Any]]]


def register_product_extra(app, provider: ProductExtra) -> None:
    larder_state(app).product_extras.append(provider)


def product_page_extras(product) -> dict[str, Any]:
    """Merged context from every registered product-page provider."""
    extras: dict[str, Any] = {}
    for provider in larder_state().product_extras:
        extras.update(provider(product))
    return extras


def register_sitemap_source(app, source: SitemapSource) -> None:
    larder_state(app).sitemap_sources.append(source)


def sitemap_sources() -> list[SitemapSource]:
    return list(larder_state().sitemap_sources)
