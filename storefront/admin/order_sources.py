"""Which article an order came from, by title: orders store "article:<slug>" (orders sit below the
blog's editors and must not read articles), so the staff pages look the titles up here, in one query
for a whole page of orders."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from blog.models import Article
from storefront.extensions import db

PREFIX = "article:"


@dataclass(frozen=True)
class ArticleSource:
    id: int
    slug: str
    title: str
    public: bool  # only a public article gets a link to the blog (a draft's would be a 404)


def article_sources(attributions: Iterable[str | None]) -> dict[str, ArticleSource]:
    """{"article:<slug>": ArticleSource} for the attributions whose article still exists: one SELECT."""
    slugs = {a[len(PREFIX):] for a in attributions if a and a.startswith(PREFIX)}
    if not slugs:
        return {}
    articles = db.session.scalars(select(Article).where(Article.slug.in_(sorted(slugs))))
    return {f"{PREFIX}{a.slug}": ArticleSource(a.id, a.slug, a.title, a.is_public) for a in articles}
