"""Extension points where another package adds to a storefront page without storefront importing it.

The blog registers a "featured in" provider here, so product pages list the articles that sell
them while `storefront` still never imports `blog`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app

ProductExtra = Callable[[Any], dict[str, Any]]
SitemapSource = Callable[[], list[tuple[str, Any]]]


def register_product_extra(app, provider: ProductExtra) -> None:
    app.extensions.setdefault("larder.product_extras", []).append(provider)


def product_page_extras(product) -> dict[str, Any]:
    """Merged context from every registered product-page provider."""
    extras: dict[str, Any] = {}
    for provider in current_app.extensions.get("larder.product_extras", []):
        extras.update(provider(product))
    return extras


def register_sitemap_source(app, source: SitemapSource) -> None:
    app.extensions.setdefault("larder.sitemap_sources", []).append(source)


def sitemap_sources() -> list[SitemapSource]:
    return list(current_app.extensions.get("larder.sitemap_sources", []))
