"""Staff-written information pages (contact, delivery and returns, privacy, FAQ) at /pages/<slug>.

A room above the publication: it renders Markdown with the blog's sanitiser, and is read by the
site footer through fixed links to the standard pages, which always answer (with Larder's own
default text until staff save their version).
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pages", __name__, url_prefix="/pages")


def _sitemap_entries() -> list:
    from storefront.pages.services import public_page_dates
    from storefront.site_urls import absolute_url_for

    return [(absolute_url_for("pages.page", slug=slug), changed) for slug, changed in public_page_dates()]


def init_app(app) -> None:
    """Pages are shown on public (cached) pages and listed in the sitemap."""
    from storefront.caching.registry import register_versioned_table
    from storefront.hooks import register_sitemap_source

    register_versioned_table(app, "site_page")
    register_sitemap_source(app, _sitemap_entries)


from storefront.pages import views  # noqa: E402, F401
