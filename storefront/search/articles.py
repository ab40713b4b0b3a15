"""Ranked article search on each database's full-text engine (as catalog/search.py for products).

PostgreSQL: a stored, weighted tsvector column with a GIN index. SQLite: an FTS5 table kept in
step with the article table by triggers, ranked with bm25. Title (A) above dek, tags and author
(B) above the text (C): first by which of those holds a query word, then by the engine's score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, literal_column, select, text

from blog.models import Article, Author, public_clause
from storefront.catalog.search import fts5_ranked_hits, search_terms
from storefront.ddl import run_after_create, run_before_drop
from storefront.extensions import db
from storefront.pagination import PageNumbers

ARTICLE_VECTOR = (
    "(setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(dek, '') || ' ' || coalesce(search_keywords, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(body_source, '')), 'C'))"
)

# Frozen copies of these statements live in the migration that created them.
ARTICLE_SEARCH_DDL = {
    "postgresql": [
        "ALTER TABLE article ADD COLUMN IF NOT EXISTS search_vector tsvector "
        f"GENERATED ALWAYS AS {ARTICLE_VECTOR} STORED",
        "CREATE INDEX IF NOT EXISTS ix_article_search_vector ON article USING gin (search_vector)",
    ],
    "sqlite": [
        "CREATE VIRTUAL TABLE IF NOT EXISTS article_fts USING fts5("
        "title, keywords, body, content='article', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2')",
        "CREATE TRIGGER IF NOT EXISTS article_fts_ai AFTER INSERT ON article BEGIN "
        "INSERT INTO article_fts(rowid, title, keywords, body) "
        "VALUES (new.id, new.title, new.dek || ' ' || new.search_keywords, new.body_source); END",
        "CREATE TRIGGER IF NOT EXISTS article_fts_ad AFTER DELETE ON article BEGIN "
        "INSERT INTO article_fts(article_fts, rowid, title, keywords, body) "
        "VALUES ('delete', old.id, old.title, old.dek || ' ' || old.search_keywords, old.body_source); END",
        "CREATE TRIGGER IF NOT EXISTS article_fts_au AFTER UPDATE OF title, dek, search_keywords, body_source "
        "ON article BEGIN "
        "INSERT INTO article_fts(article_fts, rowid, title, keywords, body) "
        "VALUES ('delete', old.id, old.title, old.dek || ' ' || old.search_keywords, old.body_source); "
        "INSERT INTO article_fts(rowid, title, keywords, body) "
        "VALUES (new.id, new.title, new.dek || ' ' || new.search_keywords, new.body_source); END",
    ],
}

run_after_create(Article.__table__, ARTICLE_SEARCH_DDL)
run_before_drop(Article.__table__, {"sqlite": ["DROP TABLE IF EXISTS article_fts"]})


@dataclass(frozen=True)
class ArticleHit:
    slug: str
    title: str
    dek: str
    author: str | None
    published_at: datetime | None


@dataclass(frozen=True)
class ArticleResults(PageNumbers):
    articles: list[ArticleHit]
    total: int
    page: int
    per_page: int

    def to_data(self) -> dict:
        return {
            "articles": [
                [a.slug, a.title, a.dek, a.author, a.published_at.isoformat() if a.published_at else None]
                for a in self.articles
            ],
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
        }

    @classmethod
    def from_data(cls, data: dict) -> ArticleResults:
        hits = [
            ArticleHit(slug, title, dek, author, datetime.fromisoformat(at) if at else None)
            for slug, title, dek, author, at in data["articles"]
        ]
        return cls(hits, int(data["total"]), int(data["page"]), int(data["per_page"]))


def _pg_query(name: str, tsquery: str):
    return text(f"to_tsquery('english', :{name})").bindparams(**{name: tsquery})


def _matching(terms: list[str], dialect: str):
    """(public matching articles as a select of id + tier + score, score descending?)."""
    if dialect == "postgresql":
        vector = literal_column("article.search_vector")
        query = _pg_query("article_q", " & ".join(f"{t}:*" for t in terms))
        in_title = vector.op("@@")(_pg_query("article_title_q", " | ".join(f"{t}:*A" for t in terms)))
        in_keywords = vector.op("@@")(_pg_query("article_keywords_q", " | ".join(f"{t}:*AB" for t in terms)))
        stmt = select(
            Article.id.label("id"),
            case((in_title, 0), (in_keywords, 1), else_=2).label("tier"),
            (-func.ts_rank(vector, query)).label("score"),
            Article.published_at.label("published_at"),
        ).where(public_clause(), vector.op("@@")(query))
        return stmt
    fts = fts5_ranked_hits("article_fts", terms, id_label="article_id", score_label="score",
                           param="article_q", alias="article_fts_hits")
    return (
        select(Article.id.label("id"), fts.c.tier, fts.c.score, Article.published_at.label("published_at"))
        .join(fts, fts.c.article_id == Article.id)
        .where(public_clause())
    )


def search_articles(query: str, page: int = 1, per_page: int = 5) -> ArticleResults:
    """One page of public articles matching every word of `query`, best first, with the total:
    one statement (the total rides along as a window count)."""
    terms = search_terms(query)
    if not terms:
        return ArticleResults([], 0, page, per_page)
    dialect = db.session.get_bind().dialect.name
    hits = _matching(terms, dialect).subquery("hits")
    page_ids = (
        select(hits, func.count().over().label("total"))
        .order_by(hits.c.tier, hits.c.score, hits.c.published_at.desc(), hits.c.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
        .subquery("page_ids")
    )
    rows = db.session.execute(
        select(
            Article.slug, Article.title, Article.dek, Author.name, Article.published_at, page_ids.c.total
        )
        .join(page_ids, page_ids.c.id == Article.id)
        .outerjoin(Author, Author.id == Article.author_id)
        .order_by(page_ids.c.tier, page_ids.c.score, page_ids.c.published_at.desc(), page_ids.c.id.desc())
    ).all()
    total = int(rows[0].total) if rows else 0
    return ArticleResults(
        [ArticleHit(r.slug, r.title, r.dek, r.name, r.published_at) for r in rows], total, page, per_page
    )


def article_suggestions(terms: list[str], limit: int) -> list[tuple[str, str]]:
    """(slug, title) of the best few public articles for a query being typed."""
    if not terms:
        return []
    hits = _matching(terms, db.session.get_bind().dialect.name).subquery("hits")
    rows = db.session.execute(
        select(Article.slug, Article.title)
        .join(hits, hits.c.id == Article.id)
        .order_by(hits.c.tier, hits.c.score, hits.c.published_at.desc(), hits.c.id.desc())
        .limit(limit)
    )
    return [(r.slug, r.title) for r in rows]
