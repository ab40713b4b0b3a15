"""Site search: article full-text index, article search keywords, the typo vocabulary

Revision ID: a7c9e1f3b5d8
Revises: d4a6c8e0f2b4
Create Date: 2026-11-27 17:00:00

article.search_keywords (tag and author names) is filled here; the vocabulary starts empty:
run `flask larder search reindex` once after upgrading (products and articles saved from then
on add their words themselves).
"""
import sqlalchemy as sa
from alembic import op

revision = "a7c9e1f3b5d8"
down_revision = "b8c1d3e5f7a9"
branch_labels = None
depends_on = None

ARTICLE_VECTOR = (
    "(setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(dek, '') || ' ' || coalesce(search_keywords, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(body_source, '')), 'C'))"
)

PG_UP = [
    "ALTER TABLE article ADD COLUMN IF NOT EXISTS search_vector tsvector "
    f"GENERATED ALWAYS AS {ARTICLE_VECTOR} STORED",
    "CREATE INDEX IF NOT EXISTS ix_article_search_vector ON article USING gin (search_vector)",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_search_word_trgm ON search_word USING gin (word gin_trgm_ops)",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS ix_search_word_trgm",
    "DROP EXTENSION IF EXISTS pg_trgm",
    "DROP INDEX IF EXISTS ix_article_search_vector",
    "ALTER TABLE article DROP COLUMN IF EXISTS search_vector",
]
SQLITE_UP = [
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
    "INSERT INTO article_fts(rowid, title, keywords, body) "
    "SELECT id, title, dek || ' ' || search_keywords, body_source FROM article",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_word_trigram USING fts5("
    "word, content='search_word', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS search_word_trigram_ai AFTER INSERT ON search_word BEGIN "
    "INSERT INTO search_word_trigram(rowid, word) VALUES (new.id, new.word); END",
    "CREATE TRIGGER IF NOT EXISTS search_word_trigram_ad AFTER DELETE ON search_word BEGIN "
    "INSERT INTO search_word_trigram(search_word_trigram, rowid, word) "
    "VALUES ('delete', old.id, old.word); END",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS search_word_trigram_ad",
    "DROP TRIGGER IF EXISTS search_word_trigram_ai",
    "DROP TABLE IF EXISTS search_word_trigram",
    "DROP TRIGGER IF EXISTS article_fts_au",
    "DROP TRIGGER IF EXISTS article_fts_ad",
    "DROP TRIGGER IF EXISTS article_fts_ai",
    "DROP TABLE IF EXISTS article_fts",
]

KEYWORDS = (
    "UPDATE article SET search_keywords = trim("
    "coalesce((SELECT {agg} FROM article_tag JOIN blog_tag ON blog_tag.id = article_tag.tag_id "
    "WHERE article_tag.article_id = article.id), '') || ' ' || "
    "coalesce((SELECT author.name FROM author WHERE author.id = article.author_id), ''))"
)


def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    # Added in place (no batch rebuild): a rebuilt article table would lose its triggers.
    op.add_column("article", sa.Column("search_keywords", sa.Text(), nullable=False, server_default=""))
    op.create_table(
        "search_word",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("word", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_word")),
        sa.UniqueConstraint("word", name=op.f("uq_search_word_word")),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute(KEYWORDS.format(agg="string_agg(blog_tag.name, ' ')" if postgres else "group_concat(blog_tag.name, ' ')"))
    _run(PG_UP if postgres else SQLITE_UP)


def downgrade():
    _run(PG_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN)
    op.drop_table("search_word")
    # In place on SQLite too (3.35+): a batch rebuild would drop the article table's triggers.
    op.execute("ALTER TABLE article DROP COLUMN search_keywords")
