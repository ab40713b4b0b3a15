"""Ranked product search on each database's own full-text engine, behind one function.

PostgreSQL: a weighted tsvector expression with a GIN index on the same expression.
SQLite: an FTS5 table kept in step with the product table by triggers, ranked with bm25.
Both rank title above brand/tags above description and ingredients: first by which of those
holds a query word, then by the engine's score (which grows with how often a word appears, so
on its own a description repeating a word enough times would outrank a product named for it).
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from sqlalchemy import Select, case, func, literal_column, select, text

from storefront.catalog.availability import on_sale_clause
from storefront.catalog.models import Product
from storefront.ddl import install, run_after_create, run_before_drop
from storefront.extensions import db

MAX_QUERY_LENGTH = 200

PG_VECTOR = (
    "(setweight(to_tsvector('english', coalesce(product.title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(product.search_keywords, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(product.search_body, '')), 'C'))"
)

# The vector is a stored generated column: ranking reads it instead of re-running
# to_tsvector over every match on each search (most of a search's time at 100,000 products).
PG_DDL = [
    "ALTER TABLE product ADD COLUMN IF NOT EXISTS search_vector tsvector "
    f"GENERATED ALWAYS AS {PG_VECTOR} STORED",
    "DROP INDEX IF EXISTS ix_product_search",
    "CREATE INDEX IF NOT EXISTS ix_product_search_vector ON product USING gin (search_vector)",
]
PG_VECTOR_COLUMN = "product.search_vector"

SQLITE_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS product_fts USING fts5("
    "title, keywords, body, content='product', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS product_fts_ai AFTER INSERT ON product BEGIN "
    "INSERT INTO product_fts(rowid, title, keywords, body) "
    "VALUES (new.id, new.title, new.search_keywords, new.search_body); END",
    "CREATE TRIGGER IF NOT EXISTS product_fts_ad AFTER DELETE ON product BEGIN "
    "INSERT INTO product_fts(product_fts, rowid, title, keywords, body) "
    "VALUES ('delete', old.id, old.title, old.search_keywords, old.search_body); END",
    "CREATE TRIGGER IF NOT EXISTS product_fts_au AFTER UPDATE ON product BEGIN "
    "INSERT INTO product_fts(product_fts, rowid, title, keywords, body) "
    "VALUES ('delete', old.id, old.title, old.search_keywords, old.search_body); "
    "INSERT INTO product_fts(rowid, title, keywords, body) "
    "VALUES (new.id, new.title, new.search_keywords, new.search_body); END",
]


SEARCH_DDL = {"postgresql": PG_DDL, "sqlite": SQLITE_DDL}


def install_search_ddl(connection) -> None:
    """Create the search index for the connection's database (used by migrations too)."""
    install(connection, SEARCH_DDL)


run_after_create(Product.__table__, SEARCH_DDL)
run_before_drop(Product.__table__, {"sqlite": ["DROP TABLE IF EXISTS product_fts"]})

class SortKey(NamedTuple):
    """One ORDER BY term of a listing: the expression and its direction."""

    expression: Any
    descending: bool = False


_WORD = re.compile(r"\w+", re.UNICODE)


def search_terms(query: str) -> list[str]:
    """The words of a shopper's query, without operators or punctuation, bounded in number."""
    return _WORD.findall(query[:MAX_QUERY_LENGTH].lower())[:12]


def _pg_tsquery(name: str, tsquery: str):
    return text(f"to_tsquery('english', :{name})").bindparams(**{name: tsquery})


def apply_search(stmt: Select, query: str, dialect: str) -> tuple[Select, list[SortKey]]:
    """Filter a product select by a text query; returns it with the relevance sort keys, most
    significant first (empty when nothing can match): the field tier, then the engine's score."""
    terms = search_terms(query)
    if not terms:
        return stmt.where(literal_column("1") == 0), []
    if dialect == "postgresql":
        tsquery = " & ".join(f"{t}:*" for t in terms)
        vector = literal_column(PG_VECTOR_COLUMN)
        query_expr = _pg_tsquery("search_q", tsquery)
        # Weight-restricted queries on the stored vector: A is the title, B brand and tags.
        in_title = vector.op("@@")(_pg_tsquery("search_title_q", " | ".join(f"{t}:*A" for t in terms)))
        in_keywords = vector.op("@@")(_pg_tsquery("search_keywords_q", " | ".join(f"{t}:*AB" for t in terms)))
        tier = case((in_title, 0), (in_keywords, 1), else_=2)
        return stmt.where(vector.op("@@")(query_expr)), [
            SortKey(tier), SortKey(func.ts_rank(vector, query_expr), True)
        ]
    fts = fts5_ranked_hits("product_fts", terms, id_label="product_id", score_label="rank",
                           param="search_q", alias="fts")
    stmt = stmt.join(fts, fts.c.product_id == Product.id)
    return stmt, [SortKey(fts.c.tier), SortKey(fts.c.rank, False)]  # bm25: lower is better


def any_word_clause(words: list[str], dialect: str):
    """Products whose search index (title, brand, tags, summary, description, ingredients) holds
    a word starting with one of `words`: found through the index, so a scoring of the matches
    that reads their text runs over them only, not over the whole catalog."""
    # Split as the index splits ("low-fodmap" is "low" and "fodmap"), so every product a
    # word's text matches is among the hits.
    clean = list(dict.fromkeys(_WORD.findall(" ".join(words).lower())))
    if not clean:
        return literal_column("1") == 0
    if dialect == "postgresql":
        return literal_column(PG_VECTOR_COLUMN).op("@@")(
            _pg_tsquery("any_word_q", " | ".join(f"{w}:*" for w in clean))
        )
    hits = (
        select(literal_column("rowid"))
        .select_from(text("product_fts"))
        .where(text("product_fts MATCH :any_word_q").bindparams(any_word_q=" OR ".join(f'"{w}"*' for w in clean)))
    )
    return Product.id.in_(hits)


# A word in more than this share of the catalog's products says little about which of them an
# article is about, and finding them all costs most (issue 20: "fodmap", "low", "protein").
COMMON_WORD_SHARE = 0.05
# ...but only once that share is this many products: a small catalog keeps every word.
COMMON_WORD_PRODUCTS = 1_000

_PG_WORD_SHARES = text(
    """
    WITH stats AS (
      SELECT e.elem, e.freq
      FROM pg_stats AS s
      CROSS JOIN LATERAL unnest(CAST(CAST(s.most_common_elems AS text) AS text[]),
                                s.most_common_elem_freqs) AS e(elem, freq)
      WHERE s.schemaname = current_schema() AND s.tablename = 'product'
        AND s.attname = 'search_vector' AND e.elem IS NOT NULL
    )
    SELECT w.word,
           LEAST(1.0, COALESCE(SUM(stats.freq), 0)),
           (SELECT GREATEST(reltuples, 0) FROM pg_class WHERE oid = to_regclass('product'))
    FROM unnest(CAST(:words AS text[])) AS w(word)
    CROSS JOIN LATERAL unnest(tsvector_to_array(to_tsvector('english', w.word))) AS lexeme(prefix)
    LEFT JOIN stats ON stats.elem LIKE lexeme.prefix || '%'
    GROUP BY w.word
    """
)


def telling_words(words: list[str], dialect: str, keep_at_least: int = 3) -> list[str]:
    """`words` without those most of the catalog's products hold (as `any_word_clause` finds
    them: stemmed, as prefixes), estimated from PostgreSQL's statistics of the search index
    (ANALYZE's most common lexemes and their shares: one catalog read, no product read). When
    every word is that common, the `keep_at_least` least common stay. SQLite (development) and
    a catalog never analysed keep every word."""
    if dialect != "postgresql" or not words:
        return list(words)
    shares = {}
    for word, share, products in db.session.execute(_PG_WORD_SHARES, {"words": list(words)}):
        shares[word] = float(share) if float(share) * float(products or 0) >= COMMON_WORD_PRODUCTS else 0.0
    telling = [w for w in words if shares.get(w, 0.0) <= COMMON_WORD_SHARE]
    if telling:
        return telling
    return sorted(words, key=lambda w: shares.get(w, 0.0))[:keep_at_least]


def product_suggestions(terms: list[str], limit: int) -> list[tuple[str, str]]:
    """(slug, title) of the best few products on sale for a query being typed, in one query."""
    if not terms:
        return []
    stmt = select(Product.slug, Product.title).where(on_sale_clause())
    stmt, keys = apply_search(stmt, " ".join(terms), db.session.get_bind().dialect.name)
    keys = [*keys, SortKey(Product.created_at, True), SortKey(Product.id, True)]
    order = [k.expression.desc() if k.descending else k.expression.asc() for k in keys]
    return [(r.slug, r.title) for r in db.session.execute(stmt.order_by(*order).limit(limit))]


def fts5_ranked_hits(table: str, terms: list[str], *, id_label: str, score_label: str, param: str, alias: str):
    """The SQLite FTS5 hits of `terms` in `table` (columns title, keywords, body) as a subquery of
    (id_label, tier, score_label): each term as a quoted prefix token, all required. bm25 with one
    column's weight alone is below zero exactly when that column holds a hit: the tier (0 title,
    1 keywords, 2 body); the score is bm25 weighted 10/4/1, lower is better."""
    match = " ".join('"' + t.replace('"', "") + '"*' for t in terms)
    return (
        select(
            literal_column("rowid").label(id_label),
            literal_column(
                f"CASE WHEN bm25({table}, 1.0, 0.0, 0.0) < 0 THEN 0 "
                f"WHEN bm25({table}, 0.0, 1.0, 0.0) < 0 THEN 1 ELSE 2 END"
            ).label("tier"),
            literal_column(f"bm25({table}, 10.0, 4.0, 1.0)").label(score_label),
        )
        .select_from(text(table))
        .where(text(f"{table} MATCH :{param}").bindparams(**{param: match}))
        .subquery(alias)
    )
