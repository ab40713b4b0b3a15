"""Shop pages: home, listings, search and product pages. Thin: parse, query, render."""

from __future__ import annotations

from flask import abort, current_app, render_template, request

from storefront.caching.pages import conditional_page
from storefront.catalog import bp
from storefront.catalog.card_cache import (
    featured_tiles_cached,
    list_products_cached,
    newest_cards_cached,
)
from storefront.catalog.chips import filter_chips
from storefront.catalog.facet_cache import facets_for
from storefront.catalog.forms import parse_listing_args
from storefront.catalog.product_page import product_body
from storefront.catalog.queries import SORTS, get_collection
from storefront.media import media_store


def _listing(template: str, collection=None, searching: bool = False, **context):
    currency = current_app.config["STORE_CURRENCY"]
    form, filters = parse_listing_args(request.args, currency, searching=searching)
    facets = facets_for(filters, collection)
    known = {t.slug for t in facets.tags}
    if any(tag not in known for tag in filters.tags):
        filters.tags = [t for t in filters.tags if t in known]
        facets = facets_for(filters, collection)
    page = list_products_cached(
        filters, current_app.config["PRODUCTS_PER_PAGE"], collection, total=facets.total
    )
    return render_template(
        template,
        form=form,
        filters=filters,
        facets=facets,
        chips=filter_chips(filters, facets),
        listing=page,
        sorts=SORTS,
        collection=collection,
        **context,
    )


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
    return _listing("catalog/listing.html", title="All products")


@bp.get("/collections/<slug:slug>")
@conditional_page
def collection(slug: str):
    found = get_collection(slug)
    if found is None:
        abort(404)
    return _listing("catalog/listing.html", collection=found, title=found.title)


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
