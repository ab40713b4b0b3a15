"""Shop pages: home, listings, search and product pages. Thin: parse, query, render."""

from __future__ import annotations

from flask import abort, render_template

from storefront.caching.pages import conditional_page
from storefront.catalog import bp
from storefront.catalog.card_cache import featured_tiles_cached, newest_cards_cached
from storefront.catalog.listing_page import listing_pieces
from storefront.catalog.product_page import product_body
from storefront.media import media_store


def _listing(collection_slug: str | None = None, title: str = ""):
    body = listing_pieces(collection_slug, title)
    if body is None:
        abort(404)
    return render_template("catalog/listing_page.html", body=body)


@bp.get("/")
@conditional_page
def home():
    return render_template(
        "catalog/home.html",
        collections=featured_tiles_cached(),
        new_products=newest_cards_cached(8),
    )


@bp.get("/products")
@conditional_page
def all_products():
    return _listing(title="All products")


@bp.get("/collections/<slug:slug>")
@conditional_page
def collection(slug: str):
    return _listing(slug)


@bp.get("/products/<slug:slug>")
@conditional_page
def product(slug: str):
    body = product_body(slug)
    if body is None:
        abort(404)
    return render_template("catalog/product.html", body=body.pieces, product=body.product)


@bp.get("/uploads/<path:filename>")
def upload(filename: str):
    """Images uploaded by staff: the file from the uploads folder, or a redirect to the bucket."""
    return media_store().response(filename)
