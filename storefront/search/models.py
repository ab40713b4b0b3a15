"""The search vocabulary: every word the shop and the publication are indexed on, once.

Typo tolerance looks a misspelt word up here by trigram similarity (pg_trgm on PostgreSQL, an
FTS5 trigram table on SQLite) and searches again for the word it finds. The table is derived:
kept in step by an ORM hook on product and article saves (vocabulary.py) and rebuilt whole by
`flask larder search reindex` (and after bulk loads, which bypass the ORM).
"""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storefront.ddl import run_after_create, run_before_drop
from storefront.extensions import db

WORD_LENGTH = 40


class SearchWord(db.Model):
    __tablename__ = "search_word"

    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(WORD_LENGTH), unique=True)


# Frozen copies of these statements live in the migration that created them.
VOCABULARY_DDL = {
    "postgresql": [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        "CREATE INDEX IF NOT EXISTS ix_search_word_trgm ON search_word USING gin (word gin_trgm_ops)",
    ],
    "sqlite": [
        "CREATE VIRTUAL TABLE IF NOT EXISTS search_word_trigram USING fts5("
        "word, content='search_word', content_rowid='id', tokenize='trigram')",
        "CREATE TRIGGER IF NOT EXISTS search_word_trigram_ai AFTER INSERT ON search_word BEGIN "
        "INSERT INTO search_word_trigram(rowid, word) VALUES (new.id, new.word); END",
        "CREATE TRIGGER IF NOT EXISTS search_word_trigram_ad AFTER DELETE ON search_word BEGIN "
        "INSERT INTO search_word_trigram(search_word_trigram, rowid, word) "
        "VALUES ('delete', old.id, old.word); END",
    ],
}

run_after_create(SearchWord.__table__, VOCABULARY_DDL)
run_before_drop(SearchWord.__table__, {"sqlite": ["DROP TABLE IF EXISTS search_word_trigram"]})
