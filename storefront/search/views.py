"""/search (products and articles for one query) and /search/suggest (JSON for the header)."""

from __future__ import annotations

from flask import jsonify, render_template, request, url_for

from storefront.caching.fragments import cached_fragment
from storefront.caching.late import register_late_part, render_part
from storefront.caching.pages import conditional_page
from storefront.catalog.search import search_terms
from storefront.search import bp
from storefront.search.articles import ArticleResults
from storefront.search.search_page import search_pieces
from storefront.search.services import Suggestions, articles_for, suggest

MIN_SUGGEST_LETTERS = 2


def _article_hits(results: ArticleResults | None, q: str, page: int) -> tuple[str, int]:
    """The article group of a search page, a late part of the stored page; its shape is the
    count (the page's jump links and its spelling choice read it)."""
    articles = results if results is not None else articles_for(q, page)
    return render_part("search/_article_hits.html", articles=articles, q=q), articles.total


bp.record_once(
    lambda state: register_late_part(state.app, "search-articles", _article_hits, links_keep_arguments=True)
)


@bp.get("/search")
@conditional_page
def results():
    return render_template("search/results_page.html", body=search_pieces())


@bp.get("/search/suggest")
@conditional_page
def suggestions():
    """The best few products and articles for what is typed, as JSON; the same answer for
    every request with these words while the catalog is unchanged."""
    terms = search_terms(request.args.get("q", ""))
    if len("".join(terms)) < MIN_SUGGEST_LETTERS:
        found = Suggestions(" ".join(terms), None, [], [])
    else:
        found = cached_fragment(
            "search-suggest", terms, lambda: suggest(" ".join(terms)),
            dump=Suggestions.to_data, load=Suggestions.from_data,
        )
    return jsonify({
        "query": found.query,
        "corrected": found.corrected,
        "search_url": url_for("search.results", q=found.corrected or found.query),
        "products": [{"title": t, "url": url_for("catalog.product", slug=s)} for s, t in found.products],
        "articles": [{"title": t, "url": url_for("blog.article", slug=s)} for s, t in found.articles],
    })
