"""A product page's own HTML, rendered once per product version, not once per request (issue 20).

A rendered product page spent most of its time loading the product through the ORM (its
variants, images, certificates and diet tags: four statements and their objects), reading its
reviews, "Featured in" and "You may also like", and rendering them: the same HTML for every
visitor of every URL of that product (`?ref=` from each article, campaign tags). So the page's
own HTML (catalog/_product_body.html, block by block) is kept in the fragment cache
(storefront.caching.fragments) with the dependency tags its reads declared: a write to the
product, its variants, stock, images or certificates (an approved review rewrites the product's
review count) stamps its tag and the next request renders it again; the day is in the key (a
certificate lapses by the day), the catalog version too (site settings, diet tags), and the
due-time markers (a scheduled article joining "Featured in"). A stale price or stock is never
served. A helpful vote does not change the product: other visitors see the count as of the last
render, as with the page cache (storefront/reviews/aggregate.py); the voter, with a flashed
thank-you, gets the page rendered for them.

What differs per request is a hole or in the key: the CSRF token, the way back (`next`), the
article `ref` and links to this page with other arguments are holes, filled on every use with
this request's values; what the product-page providers' extras depend on (the reviews' sort and
page, storefront.hooks) is in the key. A visitor with a flashed message gets every piece
rendered for them alone. Without Redis every request renders the pieces, as before. The
mechanics (blocks, holes) are storefront.caching.pieces; product.html places the pieces in the
header and footer rendered per request.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from flask import request
from markupsafe import Markup

from storefront.caching.pieces import NothingToKeep, kept_pieces, render_blocks
from storefront.caching.version import page_state
from storefront.catalog.availability import certificate_on, product_problem
from storefront.catalog.card_cache import related_cards_cached
from storefront.catalog.queries import get_active_product
from storefront.catalog.structured_data import json_ld_script, product_json_ld_parts
from storefront.clock import today
from storefront.hooks import product_page_extras, product_page_variant

BODY_TEMPLATE = "catalog/_product_body.html"
BUY_REF_MAX, NOTIFY_REF_MAX = 120, 160  # what the buy box's and the notify form's `ref` keep
BUY_REF, NOTIFY_REF = "buy-ref", "notify-ref"  # the page's own holes


@dataclass(frozen=True)
class ProductSummary:
    """What the page around the pieces, and other rooms' product-page providers
    (storefront.hooks), read of the product."""

    id: int
    slug: str
    title: str
    review_count: int
    rating_average: float | None


@dataclass(frozen=True)
class ProductBody:
    """The product and its page's pieces, holes filled."""

    product: ProductSummary
    pieces: dict[str, Markup]


def product_body(slug: str) -> ProductBody | None:
    """The product page's own pieces for this request, or None when no product on sale has `slug`."""
    ref = request.args.get("ref") or None
    kept = kept_pieces(
        "product-page",
        [slug, ref is not None, page_state().markers, product_page_variant()],
        lambda holes: _render(slug, ref, holes),
        extra_holes=(BUY_REF, NOTIFY_REF),
        values=lambda: {BUY_REF: (ref or "")[:BUY_REF_MAX], NOTIFY_REF: (ref or "")[:NOTIFY_REF_MAX]},
    )
    if kept is None:
        return None
    return ProductBody(ProductSummary(**kept.data["product"]), kept.pieces)


def _render(slug: str, ref: str | None, holes: dict[str, str] | None) -> dict:
    """The pieces as JSON data: with `holes`, for every visitor (the ref's only its presence);
    without, for this request alone."""
    product = get_active_product(slug)
    if product is None:
        raise NothingToKeep(slug)
    summary = ProductSummary(product.id, product.slug, product.title, product.review_count, product.rating_average)
    extras = product_page_extras(summary)
    base, fodmap = product_json_ld_parts(product)
    context = {
        "product": product,
        "certification": certificate_on(product.certifications, today()),
        "sellable": product_problem(product) is None,
        "buy_ref": (holes[BUY_REF] if holes else ref[:BUY_REF_MAX]) if ref else None,
        "notify_ref": (holes[NOTIFY_REF] if holes else ref) if ref else None,
        "extras": extras,
        "json_ld": json_ld_script(base, extras.get("json_ld"), fodmap),
        "related": related_cards_cached(product.id),
    }
    return {"product": asdict(summary), "pieces": render_blocks(BODY_TEMPLATE, context, holes)}
