"""An article's own HTML (and its lite view), rendered once per article version (issue 20).

An article is the same for every reader of every URL of it (newsletter and social links add
their own tracking query), but for the CTA forms' CSRF token and way back: the pieces of
blog/_article_body.html (and the lite view, one piece) are rendered with those as holes and
kept in the fragment cache (storefront.caching.pieces, storefront.caching.fragments) with the
dependency tags their reads declared: the article's (a save, a review date, its tags and
authors) and those of the products its CTAs show (price, stock, certificate). The key holds the
catalog version, the day and the due-time markers (a scheduled article going live changes the
related list). A reader with a flashed message (a notice printed at a CTA) gets pieces rendered
for them alone. Without Redis every request renders them, as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from blog.cards import fill_ctas
from blog.models import Article
from blog.queries import ArticleSummary, get_public_article, related_articles
from blog.rendering import reading_minutes, split_on_ctas
from blog.structured_data import article_json_ld
from storefront.caching.fragments import cached_fragment
from storefront.caching.pieces import NothingToKeep, kept_pieces, render_blocks
from storefront.caching.version import page_state
from storefront.site_urls import absolute_url_for

ARTICLE_TEMPLATE = "blog/_article_body.html"
LITE_TEMPLATE = "blog/lite.html"


@dataclass(frozen=True)
class ArticlePieces:
    """Which article (its view is counted) and its pieces, holes filled."""

    id: int
    slug: str
    pieces: dict[str, Markup]


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


def body_context(article: Article) -> dict:
    return {
        "article": article,
        "parts": split_on_ctas(article.body_html),
        "ctas": fill_ctas(article.cta_blocks or []),
        "ref": f"article:{article.slug}",
        "minutes": reading_minutes(article.word_count),
        "toc_tree": toc_tree(article.headings or []),
        "canonical": article.canonical_url or absolute_url_for("blog.article", slug=article.slug),
    }


def related(article: Article) -> list[ArticleSummary]:
    """related_articles, kept in the fragment cache per catalog version and due-time marker (an
    article's tags, another article published or unpublished: all bump the version)."""
    return cached_fragment(
        "related-articles",
        {"article": article.id, "due": page_state().markers},
        lambda: related_articles(article),
        dump=lambda rows: [[r.slug, r.title, r.dek, r.published_at.isoformat() if r.published_at else None]
                           for r in rows],
        load=lambda rows: [ArticleSummary(s, t, d, datetime.fromisoformat(p) if p else None) for s, t, d, p in rows],
    )


def article_pieces(slug: str, lite: bool, lite_css: str = "") -> ArticlePieces | None:
    """The article's (or its lite view's) pieces for this request; None when no public article
    has `slug`."""
    kept = kept_pieces(
        "article-body",
        [slug, lite, page_state().markers],
        lambda holes: _render(slug, lite, lite_css, holes),
    )
    if kept is None:
        return None
    return ArticlePieces(kept.data["id"], kept.data["slug"], kept.pieces)


def _render(slug: str, lite: bool, lite_css: str, holes: dict[str, str] | None) -> dict:
    article = get_public_article(slug)
    if article is None:
        raise NothingToKeep(slug)
    context = {"related": related(article), **body_context(article)}
    if lite:
        context.update(lite=True, lite_css=lite_css)
    else:
        context["json_ld"] = article_json_ld(article, context["canonical"])
    pieces = render_blocks(LITE_TEMPLATE if lite else ARTICLE_TEMPLATE, context, holes)
    return {"id": article.id, "slug": article.slug, "pieces": pieces}
