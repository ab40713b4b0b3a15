"""The site search: products (with their facets) and articles for one query, a typo correction
when the query finds little, and what to show instead of nothing."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from blog.queries import ArticleListPage, list_public_articles
from storefront.caching.fragments import cached_fragment
from storefront.caching.late import late_reads
from storefront.caching.tags import depend_on
from storefront.caching.version import page_state
from storefront.catalog.card_cache import cards_by_slugs
from storefront.catalog.facet_cache import facets_for
from storefront.catalog.queries import (
    Facets,
    ListingFilters,
    ListingPage,
    card_tags,
    featured_collections,
    list_products,
    newest_cards,
    ranked_products,
)
from storefront.catalog.search import product_suggestions, search_terms
from storefront.search.articles import ArticleResults, article_suggestions, search_articles
from storefront.search.vocabulary import correct

ARTICLES_PER_PAGE = 5
# Fewer matches than this (products and articles together, no filters chosen) and the page
# also offers a corrected spelling when one exists.
WEAK_RESULTS = 3


@dataclass
class SearchResults:
    filters: ListingFilters
    facets: Facets
    products: ListingPage
    articles: ArticleResults
    did_you_mean: str | None = None  # a corrected query worth trying
    corrected_from: str | None = None  # set when the results shown are for did_you_mean

    @property
    def found(self) -> int:
        return self.products.total + self.articles.total


@dataclass(frozen=True)
class Fallback:
    """Shown when a search is empty or finds nothing: somewhere to go next."""

    products: list
    collections: list
    articles: ArticleListPage


def _filtered_facets(filters: ListingFilters) -> Facets:
    facets = facets_for(filters)
    known = {t.slug for t in facets.tags}
    if any(tag not in known for tag in filters.tags):
        filters.tags = [t for t in filters.tags if t in known]
        facets = facets_for(filters)
    return facets


def articles_for(query: str, page: int) -> ArticleResults:
    """A page of the article group, from the fragment cache when it holds it for this catalog
    version: like the facet counts, the same for every product sort, page and filter."""
    return cached_fragment(
        "search-articles",
        # The time markers too: a scheduled article going live changes the results.
        {"q": search_terms(query), "page": page, "markers": page_state().markers},
        lambda: search_articles(query, page, ARTICLES_PER_PAGE),
        dump=ArticleResults.to_data,
        load=ArticleResults.from_data,
    )


def products_for(filters: ListingFilters, per_page: int, total: int) -> ListingPage:
    """A page of the product group: ranked once per catalog version (ranking reads every
    match), kept as the page's slugs in the fragment cache beside the facet counts; a request
    then reads only its 24 cards, by slug (from the fragment cache too, like an article's cards:
    storefront.catalog.card_cache). One query either way.

    The slugs depend on what orders the matches (ranked_products' tags), not on the cards: a
    sale or a price edit of a product on the page reads its cards again (one query), not every
    match again (50-100 ms for a common word at 100,000 products)."""
    if total == 0:
        return list_products(filters, per_page, total=total)
    ranked: dict[str, ListingPage] = {}

    def rank() -> list[str]:
        ranked["page"] = ranked_products(filters, per_page, total=total)
        return [card.slug for card in ranked["page"].cards]

    parts = {**asdict(filters), "q": search_terms(filters.q), "per_page": per_page}
    slugs = cached_fragment("search-products", parts, rank, dump=list, load=list)
    if "page" in ranked:
        depend_on(*card_tags(ranked["page"].cards))  # the page shows them
        return ranked["page"]
    cards = cards_by_slugs(slugs)
    return ListingPage([cards[s] for s in slugs if s in cards], total, filters.page, per_page)


def _run(filters: ListingFilters, article_page: int, per_page: int) -> SearchResults:
    facets = _filtered_facets(filters)
    products = products_for(filters, per_page, facets.total)
    # The article group is a late part of the stored page (views.py): its reads are not the
    # page's dependencies. Its count is (the part's shape): the page is built around it.
    with late_reads():
        articles = articles_for(filters.q, article_page)
    return SearchResults(filters, facets, products, articles)


def _has_filters(filters: ListingFilters) -> bool:
    plain = ListingFilters(q=filters.q, sort=filters.sort, page=filters.page)
    return replace(filters, sort=plain.sort, page=plain.page) != plain


def search_site(filters: ListingFilters, article_page: int, per_page: int) -> SearchResults:
    """Both groups for the query; when they find little, the closest spelling (and when they
    find nothing at all, the results for it instead)."""
    results = _run(filters, article_page, per_page)
    if results.found >= WEAK_RESULTS or _has_filters(filters):
        return results
    corrected = correct(search_terms(filters.q))
    if corrected is None:
        return results
    suggestion = " ".join(corrected)
    if results.found:
        results.did_you_mean = suggestion
        return results
    retry = _run(replace(filters, q=suggestion, tags=list(filters.tags)), article_page, per_page)
    if not retry.found:
        return results
    retry.did_you_mean = suggestion
    retry.corrected_from = filters.q
    return retry


def fallback(cards: int = 4, articles: int = 3) -> Fallback:
    """Featured products, the featured collections and the latest articles."""
    return Fallback(newest_cards(cards), featured_collections(), list_public_articles(1, articles))


@dataclass(frozen=True)
class Suggestions:
    query: str
    corrected: str | None
    products: list[tuple[str, str]]  # (slug, title)
    articles: list[tuple[str, str]]

    def to_data(self) -> dict:
        return {
            "query": self.query,
            "corrected": self.corrected,
            "products": [list(p) for p in self.products],
            "articles": [list(a) for a in self.articles],
        }

    @classmethod
    def from_data(cls, data: dict) -> Suggestions:
        return cls(
            data["query"],
            data["corrected"],
            [tuple(p) for p in data["products"]],
            [tuple(a) for a in data["articles"]],
        )


def suggest(query: str, products: int = 5, articles: int = 3) -> Suggestions:
    """The best few products and articles for what is being typed; a misspelling is corrected
    when the words as typed find nothing."""
    terms = search_terms(query)
    found_products = product_suggestions(terms, products)
    found_articles = article_suggestions(terms, articles)
    corrected = None
    if not found_products and not found_articles:
        fixed = correct(terms)
        if fixed:
            corrected = " ".join(fixed)
            found_products = product_suggestions(fixed, products)
            found_articles = article_suggestions(fixed, articles)
    return Suggestions(" ".join(terms), corrected, found_products, found_articles)
