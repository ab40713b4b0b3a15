"""Read-side article API for pages, the feed, the sitemap and product pages.

Every function issues a fixed number of statements: an article page reads the article with its
author, reviewer and tags in one query and its related articles in one more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import defer, joinedload

from blog.models import Article, ArticleProductLink, Tag, article_tags, public_clause
from blog.versioned import (
    JOURNAL_ADDED_TAG,
    JOURNAL_TAG,
    article_tag,
    author_tag,
    featured_tag,
    topic_tag,
)
from storefront.caching.tags import declaring
from storefront.extensions import db
from storefront.pagination import PageNumbers


@dataclass(frozen=True)
class ArticleSummary:
    """What a teaser (related articles, featured in) needs, read as plain columns."""

    slug: str
    title: str
    dek: str
    published_at: datetime | None
    id: int | None = None  # for the cache's dependency tags


@dataclass(frozen=True)
class ArticleListPage(PageNumbers):
    articles: list[Article]
    total: int
    page: int
    per_page: int


def get_public_article(slug: str) -> Article | None:
    """A public article with its author, reviewer and tags, in one query.

    Without the Markdown source and the search keywords, which no public page shows: the tags'
    join repeats the article's columns once per tag, and the source is as long as the HTML."""
    return (
        db.session.scalars(
            select(Article)
            .where(Article.slug == slug, public_clause())
            .options(
                defer(Article.body_source),
                defer(Article.search_keywords),
                joinedload(Article.author),
                joinedload(Article.reviewer),
                joinedload(Article.tags),
            )
        )
        .unique()
        .first()
    )


def get_article(slug: str) -> Article | None:
    """Any article by slug, whatever its status (for staff and the CLI)."""
    return db.session.scalar(select(Article).where(Article.slug == slug))


def get_tag(slug: str) -> Tag | None:
    return db.session.scalar(select(Tag).where(Tag.slug == slug))


def _public_ids(tag: Tag | None):
    stmt = select(Article.id).where(public_clause())
    if tag is not None:
        stmt = stmt.where(
            Article.id.in_(select(article_tags.c.article_id).where(article_tags.c.tag_id == tag.id))
        )
    return stmt


def count_public_articles(tag: Tag | None = None) -> int:
    """How many articles the journal (or one tag's page) lists: an index-only count."""
    return db.session.scalar(select(func.count()).select_from(_public_ids(tag).subquery())) or 0


# A teaser (the journal's lists, search's "latest articles") shows none of these: not read.
_TEASER_ONLY = tuple(defer(column) for column in (
    Article.body_source, Article.body_html, Article.search_keywords, Article.cta_blocks,
    Article.headings, Article.references,
))


def list_public_articles(
    page: int, per_page: int, tag: Tag | None = None, total: int | None = None
) -> ArticleListPage:
    """Newest first, in one query with the total in a window column.

    The page's ids and the total are found from narrow rows first; only the page's articles
    are then read whole (their bodies are large, and counting over full rows would read every
    one). Pass `total` when it is known (the journal keeps it in the fragment cache): the page
    is then read without counting every article again.
    """
    stmt = _public_ids(tag)
    columns = [Article.published_at.label("sort_published")]
    if total is None:
        columns.append(func.count().over().label("total"))
    page_ids = (
        stmt.add_columns(*columns)
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
        .subquery("page_ids")
    )
    rows = db.session.execute(
        select(Article, *([] if total is not None else [page_ids.c.total]))
        .join(page_ids, page_ids.c.id == Article.id)
        .options(joinedload(Article.author), *_TEASER_ONLY)
        .order_by(page_ids.c.sort_published.desc(), page_ids.c.id.desc())
    ).all()
    if total is None:
        total = int(rows[0].total) if rows else 0
        if not rows and page > 1:
            total = count_public_articles(tag)
    return ArticleListPage([r[0] for r in rows], total, page, per_page)


def related_articles(article: Article, limit: int = 3) -> list[ArticleSummary]:
    """Articles sharing the most tags first, then the newest; never itself, never unpublished.

    One statement: the best tag-sharing candidates and the newest candidates, merged here.
    """
    columns = (Article.id, Article.slug, Article.title, Article.dek, Article.published_at)
    base = (public_clause(), Article.id != article.id)
    tag_ids = [t.id for t in article.tags]
    parts = []
    if tag_ids:
        shared = func.count(article_tags.c.tag_id)
        sharing = (
            select(*columns, shared.label("shared"))
            .join(article_tags, article_tags.c.article_id == Article.id)
            .where(*base, article_tags.c.tag_id.in_(tag_ids))
            .group_by(*columns)
            .order_by(shared.desc(), Article.published_at.desc(), Article.id.desc())
            .limit(limit)
        )
        parts.append(select(*sharing.subquery().c))
    newest = (
        select(*columns, literal(0).label("shared"))
        .where(*base)
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(limit)
    )
    parts.append(select(*newest.subquery().c))
    rows = db.session.execute(union_all(*parts) if len(parts) > 1 else parts[0]).all()
    best: dict[int, tuple] = {}
    for row in rows:
        if row.id not in best or row.shared > best[row.id].shared:
            best[row.id] = row
    ranked = sorted(
        best.values(),
        key=lambda r: (-r.shared, -(r.published_at.timestamp() if r.published_at else 0), -r.id),
    )
    return [ArticleSummary(r.slug, r.title, r.dek or "", r.published_at, r.id) for r in ranked[:limit]]


def articles_featuring(product_id: int, product_slug: str, limit: int = 10) -> list[ArticleSummary]:
    """Public articles whose CTAs point at a product, newest first, in one query."""
    rows = db.session.execute(
        select(Article.slug, Article.title, Article.dek, Article.published_at, Article.id)
        .where(
            public_clause(),
            Article.id.in_(
                select(ArticleProductLink.article_id).where(
                    (ArticleProductLink.product_id == product_id)
                    | (ArticleProductLink.product_slug == product_slug)
                )
            ),
        )
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(limit)
    )
    return [ArticleSummary(r.slug, r.title, r.dek or "", r.published_at, r.id) for r in rows]


def public_article_dates() -> list[tuple[str, datetime]]:
    """For the sitemap: slug and last change of every public article."""
    rows = db.session.execute(
        select(Article.slug, Article.updated_at, Article.published_at)
        .where(public_clause())
        .order_by(Article.published_at.desc())
    )
    return [(slug, max(d for d in (updated, published) if d)) for slug, updated, published in rows]


def newest_public_articles(limit: int = 20) -> list[Article]:
    return list(
        db.session.scalars(
            select(Article)
            .where(public_clause())
            .options(joinedload(Article.author))
            .order_by(Article.published_at.desc(), Article.id.desc())
            .limit(limit)
        )
    )


# ---------------------------------------------------------------- cache dependency tags
# What a cached page showing these results depends on (storefront.caching.tags; the tags the
# journal's triggers stamp: blog/versioned.py). An article edit re-renders its own pages, the
# journal's lists and the pages whose lists show it; the shop's pages stay cached.


def _no_tags(*args, **kwargs) -> tuple[str, ...]:
    return ()


def _journal(*args, **kwargs) -> tuple[str, ...]:
    return (JOURNAL_TAG,)


def _first_matches(*args, **kwargs) -> tuple[str, ...]:
    # The first few matches of a query: an article joining them stamps "journal+"; one
    # leaving them is one shown, whose own tag is stamped.
    return (JOURNAL_ADDED_TAG,)


def _article_tags(article: Article | None, *args, **kwargs) -> list[str]:
    if article is None:
        return [JOURNAL_ADDED_TAG]  # an article may come to have that slug
    tags = [article_tag(article.id)]
    tags += [author_tag(a) for a in (article.author_id, article.reviewer_id) if a is not None]
    tags += [topic_tag(t.id) for t in article.tags]
    return tags


def _listed_tags(listing: ArticleListPage, *args, **kwargs) -> list[str]:
    # A teaser shows its article's row and its author's name; an article joining or leaving
    # the list (or moving in it: its date) stamps "journal+".
    tags = [article_tag(a.id) for a in listing.articles]
    tags += [author_tag(a.author_id) for a in listing.articles if a.author_id is not None]
    return tags


def _tag_tags(tag: Tag | None, *args, **kwargs) -> list[str]:
    # No such tag yet: any write to the journal may create it.
    return [topic_tag(tag.id)] if tag is not None else [JOURNAL_TAG]


def _summary_tags(summaries: list[ArticleSummary], *args, **kwargs) -> list[str]:
    return [article_tag(s.id) for s in summaries if s.id is not None]


def _featuring(product_id: int, *args, **kwargs) -> tuple[str, ...]:
    return (featured_tag(product_id),)


get_public_article = declaring(_no_tags, _article_tags)(get_public_article)
# The journal's pages follow the articles they list and the ones joining them, not every save
# (issue 20: the staff's every save rendered the journal's index again).
get_tag = declaring(_no_tags, _tag_tags)(get_tag)
count_public_articles = declaring(_first_matches)(count_public_articles)
list_public_articles = declaring(_first_matches, _listed_tags)(list_public_articles)
related_articles = declaring(_first_matches, _summary_tags)(related_articles)
articles_featuring = declaring(_featuring, _summary_tags)(articles_featuring)
public_article_dates = declaring(_journal)(public_article_dates)
newest_public_articles = declaring(_journal)(newest_public_articles)
