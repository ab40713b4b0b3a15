"""Journal pages: index, tag pages, the article and its lite view. Thin: parse, query, render."""

from __future__ import annotations

import base64
import hashlib
import logging
from datetime import datetime
from pathlib import Path

from flask import abort, make_response, render_template, request
from sqlalchemy.exc import SQLAlchemyError

from blog import bp
from blog.cards import fill_ctas
from blog.models import Article
from blog.queries import (
    ArticleSummary,
    count_public_articles,
    get_public_article,
    get_tag,
    list_public_articles,
    related_articles,
)
from blog.rendering import reading_minutes, split_on_ctas
from blog.structured_data import article_json_ld
from blog.view_counter import count_view
from storefront.caching.fragments import cached_fragment, fragment_store
from storefront.caching.pages import conditional_page
from storefront.caching.version import page_state
from storefront.extensions import db
from storefront.site_urls import absolute_url_for

# The lite view's only styling, inline so the page is one request; allowed by its CSP hash.
LITE_CSS = (Path(__file__).with_name("lite.css")).read_text(encoding="utf-8")
LITE_CSS_HASH = "sha256-" + base64.b64encode(hashlib.sha256(LITE_CSS.encode()).digest()).decode()
PER_PAGE = 10
log = logging.getLogger(__name__)


def _page_number() -> int:
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) < 100_000:  # "²" is a digit to isdigit()
        abort(404)
    return int(raw)


def _public_or_404(slug: str) -> Article:
    article = get_public_article(slug)
    if article is None:
        abort(404)
    return article


def _count_view(article: Article) -> None:
    # Attribution is a nicety: a failed counter write must never cost the reader the page.
    # Buffered in Redis when it is set (no SQL); else, or if Redis fails, one upsert.
    try:
        count_view(article.slug, article.id)
    except SQLAlchemyError:
        db.session.rollback()
        log.warning("could not count a view of article %s", article.slug, exc_info=True)


def toc_tree(headings: list[dict]) -> list[dict]:
    """Level-2 headings with their level-3 children, for a nested table of contents."""
    tree: list[dict] = []
    for heading in headings:
        item = {"text": heading["text"], "anchor": heading["anchor"], "children": []}
        if heading["level"] > 2 and tree:
            tree[-1]["children"].append(item)
        else:
            tree.append(item)
    return tree


def _body_context(article: Article) -> dict:
    return {
        "article": article,
        "parts": split_on_ctas(article.body_html),
        "ctas": fill_ctas(article.cta_blocks or []),
        "ref": f"article:{article.slug}",
        "minutes": reading_minutes(article.word_count),
        "toc_tree": toc_tree(article.headings or []),
        "canonical": article.canonical_url
        or absolute_url_for("blog.article", slug=article.slug),
    }


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


def _journal_total(tag) -> int | None:
    """The number of public articles (of a tag), kept per catalog version and due-time marker:
    counting all of them on every page would be the journal's one cost that grows with its size.
    None when there is no fragment cache (the page query then counts as it reads)."""
    if not fragment_store().enabled:
        return None
    parts = {"tag": tag.id if tag is not None else None, "due": page_state().markers}
    return cached_fragment("journal-total", parts, lambda: count_public_articles(tag), dump=int, load=int)


def _related(article: Article) -> list[ArticleSummary]:
    """related_articles, kept in the fragment cache per catalog version and due-time marker (an
    article's tags, another article published or unpublished: all bump the version). Read on
    every render of the article and its lite view; without Redis, the query as before."""
    return cached_fragment(
        "related-articles",
        {"article": article.id, "due": page_state().markers},
        lambda: related_articles(article),
        dump=lambda rows: [[r.slug, r.title, r.dek, r.published_at.isoformat() if r.published_at else None]
                           for r in rows],
        load=lambda rows: [ArticleSummary(s, t, d, datetime.fromisoformat(p) if p else None) for s, t, d, p in rows],
    )


@bp.get("/")
@conditional_page
def index():
    page = _page_number()
    listing = list_public_articles(page, PER_PAGE, total=_journal_total(None))
    if page > listing.pages:
        abort(404)
    return render_template("blog/index.html", listing=listing, tag=None)


@bp.get("/tag/<slug:slug>")
@conditional_page
def tag(slug: str):
    found = get_tag(slug)
    if found is None:
        abort(404)
    page = _page_number()
    listing = list_public_articles(page, PER_PAGE, tag=found, total=_journal_total(found))
    if page > listing.pages:
        abort(404)
    return render_template("blog/index.html", listing=listing, tag=found)


@bp.get("/<slug:slug>")
@conditional_page(on_cached=_count_cached_view)
def article(slug: str):
    found = _public_or_404(slug)
    context = _body_context(found)
    body = render_template(
        "blog/article.html",
        related=_related(found),
        json_ld=article_json_ld(found, context["canonical"]),
        **context,
    )
    _count_view(found)
    return body


@bp.get("/<slug:slug>/lite")
@conditional_page(on_cached=_count_cached_view)
def lite(slug: str):
    found = _public_or_404(slug)
    response = make_response(
        render_template(
            "blog/lite.html", lite_css=LITE_CSS, lite=True, related=_related(found), **_body_context(found)
        )
    )
    _count_view(found)
    # The one page meant to be embedded elsewhere: the security layer honours the marker
    # (no X-Frame-Options); _lite_policy_header lets any site frame it and allows exactly
    # the inline stylesheet, by hash, and no script at all.
    response.headers["X-Larder-Frameable"] = "1"
    return response
