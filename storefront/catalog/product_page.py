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
them alone. Without Redis every request renders the pieces, as before.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass

from flask import current_app, g, request, session
from markupsafe import Markup, escape

from storefront.caching.fragments import cached_fragment
from storefront.catalog.availability import certificate_on, product_problem
from storefront.catalog.queries import get_active_product
from storefront.catalog.structured_data import json_ld_script, product_json_ld_parts
from storefront.clock import today
from storefront.site_urls import THIS_PAGE_PLACEHOLDER, this_page

BODY_TEMPLATE = "catalog/_product_body.html"
BUY_REF_MAX, NOTIFY_REF_MAX = 120, 160  # what the buy box's and the notify form's `ref` keep


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
    """The pieces (Markup, holes filled) and the product's JSON-LD parts."""

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
        if "_flashes" in session:  # a notice for this visitor may be printed in the pieces
            stored = _render(slug, ref, holes=None)
        else:
            parts = [slug, ref is not None, request.host, request.script_root]
            stored = cached_fragment("product-body", parts, lambda: _render(slug, ref is not None, _new_holes()), dict, dict)
    except _NoSuchProduct:
        return None
    return _filled(stored, ref)


def _new_holes() -> dict[str, str]:
    # Random per rendering and kept with the pieces: no product text can fake a hole.
    token = secrets.token_hex(8)
    return {name: f"larder-{name}-hole-{token}" for name in ("csrf", "next", "buy-ref", "notify-ref")}


def _render(slug: str, ref: str | bool | None, holes: dict[str, str] | None) -> dict:
    """The pieces as JSON data. With `holes`, rendered with placeholders for what differs per
    request (`ref` then only says whether there is one); without, for this request alone."""
    product = get_active_product(slug)
    if product is None:
        raise _NoSuchProduct(slug)
    context = {
        "product": product,
        "certification": certificate_on(product.certifications, today()),
        "sellable": product_problem(product) is None,
        "buy_ref": (holes["buy-ref"] if holes else ref[:BUY_REF_MAX]) if ref else None,
        "notify_ref": (holes["notify-ref"] if holes else ref) if ref else None,
    }
    base, fodmap = product_json_ld_parts(product)
    summary = ProductSummary(product.id, product.slug, product.title, product.review_count, product.rating_average)
    return {
        "product": asdict(summary),
        "pieces": _render_blocks(context, holes),
        "json_ld": [base, fodmap],
        "holes": holes or {},
    }


def _render_blocks(context: dict, holes: dict[str, str] | None) -> dict[str, str]:
    template = current_app.jinja_env.get_template(BODY_TEMPLATE)
    current_app.update_template_context(context)
    saved = {name: g.get(name) for name in ("csrf_token", THIS_PAGE_PLACEHOLDER) if name in g}
    if holes:
        g.csrf_token = holes["csrf"]  # generate_csrf() returns g.csrf_token when set
        setattr(g, THIS_PAGE_PLACEHOLDER, holes["next"])
    try:
        rendered = template.new_context(context)
        return {name: "".join(block(rendered)) for name, block in template.blocks.items()}
    finally:
        for name in ("csrf_token", THIS_PAGE_PLACEHOLDER):
            if name in saved:
                setattr(g, name, saved[name])
            else:
                g.pop(name, None)


def _filled(stored: dict, ref: str | None) -> ProductBody:
    holes = stored["holes"]
    pieces = stored["pieces"]
    if holes:
        from flask_wtf.csrf import generate_csrf

        values = {
            holes["csrf"]: str(escape(generate_csrf())),
            holes["next"]: str(escape(this_page())),
            holes["buy-ref"]: str(escape((ref or "")[:BUY_REF_MAX])),
            holes["notify-ref"]: str(escape((ref or "")[:NOTIFY_REF_MAX])),
        }
        pieces = {name: _fill(html, values) for name, html in pieces.items()}
    base, fodmap = stored["json_ld"]
    return ProductBody(
        ProductSummary(**stored["product"]),
        {name: Markup(html) for name, html in pieces.items()},
        base,
        fodmap,
    )


def _fill(html: str, values: dict[str, str]) -> str:
    for hole, value in values.items():
        if hole in html:
            html = html.replace(hole, value)
    return html
