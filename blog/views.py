"""Journal pages: index, tag pages, the article and its lite view. Thin: parse, query, render."""

from __future__ import annotations

import base64
import hashlib
import logging
from pathlib import Path

from flask import abort, make_response, render_template, request
from sqlalchemy.exc import SQLAlchemyError

from blog import bp
from blog.article_page import ArticlePieces, article_pieces
from blog.journal_page import journal_pieces
from blog.view_counter import count_view
from storefront.caching.pages import conditional_page
from storefront.extensions import db

# The lite view's only styling, inline so the page is one request; allowed by its CSP hash.
LITE_CSS = (Path(__file__).with_name("lite.css")).read_text(encoding="utf-8")
LITE_CSS_HASH = "sha256-" + base64.b64encode(hashlib.sha256(LITE_CSS.encode()).digest()).decode()
log = logging.getLogger(__name__)


def _page_number() -> int:
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) < 100_000:  # "²" is a digit to isdigit()
        abort(404)
    return int(raw)


def _count_view(article: ArticlePieces) -> None:
    # Attribution is a nicety: a failed counter write must never cost the reader the page.
    # Buffered in Redis when it is set (no SQL); else, or if Redis fails, one upsert.
    try:
        count_view(article.slug, article.id)
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("could not count a view of article %s", article.slug, exc_info=True)


def _lite_policy() -> str:
    policy = {
        "default-src": "'self'",
        "script-src": "'none'",
        "style-src": f"'self' '{LITE_CSS_HASH}'",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "*",
    }
    return "; ".join(f"{name} {value}" for name, value in policy.items())


def _count_cached_view(slug: str) -> None:
    """A page answered from cache (304 or Redis) still counts as a view, by slug: with Redis
    no query at all; the slug is checked against the public articles when views are flushed."""
    count_view(slug)


@bp.after_request
def _lite_policy_header(response):
    # Set here rather than in the view so the policy also rides on cached and 304 answers.
    if request.endpoint == "blog.lite":
        response.headers["Content-Security-Policy"] = _lite_policy()
    return response


@bp.get("/")
@conditional_page
def index():
    return _journal(None)


@bp.get("/tag/<slug:slug>")
@conditional_page
def tag(slug: str):
    return _journal(slug)


def _journal(tag_slug: str | None):
    body = journal_pieces(tag_slug, _page_number())
    if body is None:
        abort(404)
    return render_template("blog/index_page.html", body=body)


@bp.get("/<slug:slug>")
@conditional_page(on_cached=_count_cached_view)
def article(slug: str):
    found = article_pieces(slug, lite=False)
    if found is None:
        abort(404)
    page = render_template("blog/article.html", body=found.pieces)
    _count_view(found)
    return page


@bp.get("/<slug:slug>/lite")
@conditional_page(on_cached=_count_cached_view)
def lite(slug: str):
    found = article_pieces(slug, lite=True, lite_css=LITE_CSS)
    if found is None:
        abort(404)
    response = make_response(found.pieces["document"])
    _count_view(found)
    # The one page meant to be embedded elsewhere: the security layer honours the marker
    # (no X-Frame-Options); _lite_policy_header lets any site frame it and allows exactly
    # the inline stylesheet, by hash, and no script at all.
    response.headers["X-Larder-Frameable"] = "1"
    return response
