"""sitemap.xml, robots.txt and favicon.ico: the files crawlers and browsers ask for at the root."""

from __future__ import annotations

from flask import Response, current_app, render_template, send_from_directory

from storefront.catalog.queries import active_product_slugs_with_dates, all_collections
from storefront.hooks import sitemap_sources
from storefront.seo import bp
from storefront.site_urls import absolute_url_for

FAVICON_MAX_AGE = 86_400  # a day: the pages link the fingerprinted SVG; this is the fallback


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


@bp.get("/favicon.ico")
def favicon():
    # Browsers and feed readers ask for /favicon.ico whatever the page links; answer with the
    # same icon as static/img/favicon.svg (drawn as a 16/32/48 px ICO) instead of a 404.
    return send_from_directory(
        current_app.static_folder, "img/favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=FAVICON_MAX_AGE
    )
