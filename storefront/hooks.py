"""Extension points where another package adds to a storefront page without storefront importing it.

The blog registers a "featured in" provider here, so product pages list the articles that sell
them while `storefront` still never imports `blog`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from storefront.state import larder_state

# A provider gets the product page's ProductSummary (storefront.catalog.product_page: id, slug,
# title, review_count, rating_average), not the ORM row. What it returns is rendered into the
# page's pieces, kept per product version: a provider whose extras depend on the request (the
# reviews' sort and page) says how with `varies_with`, a function of the request returning a
# small JSON-able value that becomes part of the pieces' key. Keep it bounded (normalise what
# the request says): every distinct value is a stored copy of the page's pieces.
ProductExtra = Callable[[Any], dict[str, Any]]
ProductExtraVariant = Callable[[], Any]
SitemapSource = Callable[[], list[tuple[str, Any]]]


def register_product_extra(app, provider: ProductExtra, varies_with: ProductExtraVariant | None = None) -> None:
    larder_state(app).product_extras.append((provider, varies_with))


def product_page_extras(product) -> dict[str, Any]:
    """Merged context from every registered product-page provider."""
    extras: dict[str, Any] = {}
    for provider, _ in larder_state().product_extras:
        extras.update(provider(product))
    return extras


def product_page_variant() -> list[Any]:
    """What of this request the providers' extras depend on (see `varies_with`)."""
    return [varies_with() for _, varies_with in larder_state().product_extras if varies_with is not None]


def register_sitemap_source(app, source: SitemapSource) -> None:
    larder_state(app).sitemap_sources.append(source)


def sitemap_sources() -> list[SitemapSource]:
    return list(larder_state().sitemap_sources)
