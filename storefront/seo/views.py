"""sitemap.xml and robots.txt."""

from __future__ import annotations

from flask import Response, render_template

from storefront.catalog.queries import active_product_slugs_with_dates, all_collections
from storefront.hooks import sitemap_sources
from storefront.seo import bp
from storefront.site_urls import absolute_url_for


@bp.get("/sitemap.xml")
def sitemap():
    entries = [(absolute_url_for("catalog.home"), None)]
    entries.append((absolute_url_for("catalog.all_products"), None))
    entries += [
        (absolute_url_for("catalog.collection", slug=c.slug), None) for c in all_collections()
    ]
    entries += [
        (absolute_url_for("catalog.product", slug=slug), updated)
        for slug, updated in active_product_slugs_with_dates()
    ]
    for source in sitemap_sources():
        entries += source()
    body = render_template("seo/sitemap.xml", entries=entries)
    return Response(body, mimetype="application/xml")


@bp.get("/robots.txt")
def robots():
    lines = [
        "User-agent: *",
        "Disallow: /admin",
        "Disallow: /cart",
        "Disallow: /checkout",
        "Disallow: /account",
        "Disallow: /orders",
        "Disallow: /search",
        f"Sitemap: {absolute_url_for('seo.sitemap')}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain")
