"""Caching that never serves a stale price: conditional GET, a Redis page store and fragments.

The key is a *catalog version* (version.py): one row that database triggers (triggers.py) bump
on any write to a table a public page shows. Packages register those tables themselves
(registry.py: the catalog its products and variants, the blog its articles, the site settings
theirs). Narrow tables (the catalog's products and what hangs off them) do not bump the version:
their triggers stamp dependency tags that pages declared while rendering (tags.py), so a write
re-renders only the pages showing it. Packages may also add rows to the one statement read per request (the site settings) or time
markers (scheduled articles). pages.py answers conditional GETs and keeps pages in Redis
(store.py) with holes for the per-visitor parts (holes.py); fragments.py keeps computed parts
of pages (facet counts) under the same version.
"""

from __future__ import annotations

from flask import Flask


def init_caching(app: Flask) -> None:
    """The page store and the fragment store (both off without REDIS_URL)."""
    from storefront.caching import triggers  # noqa: F401 - its DDL joins create_all
    from storefront.caching.fragments import init_fragments
    from storefront.caching.pages import init_pages

    init_pages(app)
    init_fragments(app)
