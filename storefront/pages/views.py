"""The public information page. Thin: read, render."""

from __future__ import annotations

from flask import abort, render_template

from storefront.caching.pages import conditional_page
from storefront.pages import bp
from storefront.pages.services import get_public_page


@bp.get("/<slug:slug>")
@conditional_page
def page(slug: str):
    found = get_public_page(slug)
    if found is None:
        abort(404)
    return render_template("pages/page.html", page=found)
