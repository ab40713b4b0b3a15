"""A product page's own HTML, rendered once per product version, not once per request (issue 20).

A rendered product page spent most of its time loading the product through the ORM (its
variants, images, certificates and diet tags: four statements and their objects) and rendering
the gallery, the buy box, the certificate and the details: the same HTML for every visitor of
every URL of that product (`?ref=` from each article, review sorts, campaign tags). So those
parts (catalog/_product_body.html, block by block) are kept in the fragment cache
(storefront.caching.fragments) with the dependency tags their reads declared: a write to the
product, its variants, stock, images or certificates stamps its tag and the next request renders
them again; the day is in the key (a certificate lapses by the day), the catalog version too
(site settings, diet tags). A stale price or stock is never served.

What differs per request stays out or is a hole: the CSRF token, the way back (`next`) and the
article `ref` are holes, filled on every use with this request's values; reviews (their sort and
page), "Featured in" and "You may also like" are rendered by product.html around the pieces. A
visitor with a flashed message (a notice printed at the form) gets every piece rendered for
them alone. Without Redis every request renders the pieces, as before. The mechanics (blocks,
holes) are storefront.caching.pieces.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from flask import request
from markupsafe import Markup

from storefront.caching.fragments import cached_fragment
from storefront.caching.pieces import filled, for_this_visitor_only, new_holes, render_blocks
from storefront.catalog.availability import certificate_on, product_problem
from storefront.catalog.queries import get_active_product
from storefront.catalog.structured_data import json_ld_script, product_json_ld_parts
from storefront.clock import today

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
    """The pieces (holes filled) and the product's JSON-LD parts."""

    product: ProductSummary
    pieces: dict[str, Markup]
    json_ld_base: dict
    json_ld_fodmap: dict

    def json_ld(self, extra: dict | None) -> Markup:
        return json_ld_script(self.json_ld_base, extra, self.json_ld_fodmap)


class _NoSuchProduct(Exception):
    """No product on sale has this slug: nothing to keep."""


def product_body(slug: str) -> ProductBody | None:
    """The product page's own pieces for this request, or None when no product on sale has `slug`."""
    ref = request.args.get("ref") or None
    try:
        if for_this_visitor_only():
            stored = _render(slug, ref, holes=None)
        else:
            parts = [slug, ref is not None, request.host, request.script_root]
            stored = cached_fragment(
                "product-body", parts, lambda: _render(slug, ref, new_holes(BUY_REF, NOTIFY_REF)), dict, dict
            )
    except _NoSuchProduct:
        return None
    base, fodmap = stored["json_ld"]
    values = {BUY_REF: (ref or "")[:BUY_REF_MAX], NOTIFY_REF: (ref or "")[:NOTIFY_REF_MAX]}
    return ProductBody(
        ProductSummary(**stored["product"]), filled(stored["pieces"], stored["holes"], values), base, fodmap
    )


def _render(slug: str, ref: str | None, holes: dict[str, str] | None) -> dict:
    """The pieces as JSON data: with `holes`, for every visitor (the ref's only its presence);
    without, for this request alone."""
    product = get_active_product(slug)
    if product is None:
        raise _NoSuchProduct(slug)
    context = {
        "product": product,
        "certification": certificate_on(product.certifications, today()),
        "sellable": product_problem(product) is None,
        "buy_ref": (holes[BUY_REF] if holes else ref[:BUY_REF_MAX]) if ref else None,
        "notify_ref": (holes[NOTIFY_REF] if holes else ref) if ref else None,
    }
    base, fodmap = product_json_ld_parts(product)
    summary = ProductSummary(product.id, product.slug, product.title, product.review_count, product.rating_average)
    return {
        "product": asdict(summary),
        "pieces": render_blocks(BODY_TEMPLATE, context, holes),
        "json_ld": [base, fodmap],
        "holes": holes or {},
    }
