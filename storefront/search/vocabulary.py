"""The vocabulary of indexed words and the typo correction that reads it.

Words come from what the full-text indexes read: a product's title, brand, tags and text, an
article's title, dek, tags, author and text. A save adds its new words (an ORM hook, one
INSERT ... ON CONFLICT DO NOTHING per flush that changed searchable text); `rebuild` refills the
whole table (the reindex command, bulk loads). Words no longer used stay until the next rebuild:
a correction to such a word finds nothing and is not offered.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from sqlalchemy import delete, event, func, literal_column, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from blog.models import Article, Author, Tag, article_tags
from storefront.catalog.models import Product
from storefront.extensions import db
from storefront.search.models import WORD_LENGTH, SearchWord

# Letters only (no digits, no underscores), at least three of them: what is worth correcting.
_WORD = re.compile(rf"[^\W\d_]{{3,{WORD_LENGTH}}}", re.UNICODE)
MIN_SIMILARITY = 0.3  # pg_trgm's own default threshold, on both databases
# A word that is indexed but finds little is offered a neighbour only when this close.
MIN_SIMILARITY_KNOWN = 0.5
CANDIDATES = 30

PRODUCT_FIELDS = ("title", "search_keywords", "search_body")
ARTICLE_FIELDS = ("title", "dek", "search_keywords", "body_source")


def words(*texts: str | None) -> set[str]:
    return {w.lower() for t in texts if t for w in _WORD.findall(t)}


def article_keywords(article: Article) -> str:
    """Tag names and the author's name: what the article index reads besides its own text."""
    return " ".join([*(t.name for t in article.tags), article.author.name if article.author else ""]).strip()


def _insert(connection, batch: Iterable[str]) -> None:
    rows = [{"word": w} for w in sorted(batch)]
    if not rows:
        return
    dialect_insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    connection.execute(dialect_insert(SearchWord).on_conflict_do_nothing(index_elements=["word"]), rows)


def _changed(obj, fields: Iterable[str], new: bool) -> bool:
    if new:
        return True
    state = db.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in fields)


@event.listens_for(Session, "before_flush")
def _fill_article_keywords(session, _context, _instances) -> None:
    for obj in [*session.new, *session.dirty]:
        if isinstance(obj, Article):
            keywords = article_keywords(obj)
            if obj.search_keywords != keywords:
                obj.search_keywords = keywords


@event.listens_for(Session, "after_flush")
def _add_new_words(session, _context) -> None:
    found: set[str] = set()
    for obj in [*session.new, *session.dirty]:
        if isinstance(obj, Product) and _changed(obj, PRODUCT_FIELDS, obj in session.new):
            found |= words(*(getattr(obj, f) for f in PRODUCT_FIELDS))
        elif isinstance(obj, Article) and _changed(obj, ARTICLE_FIELDS, obj in session.new):
            found |= words(*(getattr(obj, f) for f in ARTICLE_FIELDS))
    if found:
        _insert(session.connection(), found)


def _texts(batch: int) -> Iterator[tuple[int, list[str]]]:
    """(rows read, their texts) in batches: products, then articles."""
    for columns in (
        [Product.title, Product.search_keywords, Product.search_body],
        [Article.title, Article.dek, Article.search_keywords, Article.body_source],
    ):
        result = db.session.execute(select(*columns).execution_options(yield_per=batch))
        for rows in result.partitions(batch):
            yield len(rows), [t for row in rows for t in row if t]


def refresh_article_keywords() -> int:
    """Copy tag and author names onto every article (bulk loads write articles without them)."""
    tags = (
        select(func.coalesce(func.group_concat(Tag.name, " ") if db.session.get_bind().dialect.name == "sqlite"
                             else func.string_agg(Tag.name, " "), ""))
        .join(article_tags, article_tags.c.tag_id == Tag.id)
        .where(article_tags.c.article_id == Article.id)
        .scalar_subquery()
    )
    author = select(func.coalesce(Author.name, "")).where(Author.id == Article.author_id).scalar_subquery()
    keywords = func.trim(tags.concat(" ").concat(func.coalesce(author, "")))
    result = db.session.execute(
        Article.__table__.update().values(search_keywords=keywords).where(
            Article.search_keywords.is_distinct_from(keywords)
        )
    )
    db.session.commit()
    return result.rowcount or 0


def rebuild(batch: int = 2000, progress: Callable[[int], None] = lambda n: None) -> int:
    """Refill the vocabulary from every product and article; returns how many words it holds."""
    seen: set[str] = set()
    for count, texts in _texts(batch):
        seen |= words(*texts)
        progress(count)
    connection = db.session.connection()
    connection.execute(delete(SearchWord))
    ordered = sorted(seen)
    for start in range(0, len(ordered), 5000):
        _insert(connection, ordered[start:start + 5000])
    db.session.commit()
    return len(seen)


def rows_to_index() -> int:
    return sum(db.session.scalar(select(func.count()).select_from(m)) or 0 for m in (Product, Article))


# ---------------------------------------------------------------- correction


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one word: padded with two spaces before and one after."""
    padded = f"  {word} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity: shared trigrams over all trigrams of the two words."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta or tb else 0.0


def _known(candidates: list[str]) -> set[str]:
    return set(db.session.scalars(select(SearchWord.word).where(SearchWord.word.in_(candidates))))


def _closest_pg(word: str, floor: float) -> str | None:
    score = func.similarity(SearchWord.word, word)
    return db.session.scalar(
        select(SearchWord.word)
        .where(SearchWord.word.op("%")(word), SearchWord.word != word, score >= floor)
        .order_by(score.desc(), func.abs(func.length(SearchWord.word) - len(word)), SearchWord.word)
        .limit(1)
    )


def _closest_sqlite(word: str, floor: float) -> str | None:
    # The trigram table finds words sharing any inner trigram (3+ letters each); the best of
    # the first few by bm25 are then scored as pg_trgm would.
    grams = sorted({word[i:i + 3] for i in range(len(word) - 2)})
    match = " OR ".join('"' + g.replace('"', "") + '"' for g in grams)
    found = db.session.scalars(
        select(literal_column("word"))
        .select_from(text("search_word_trigram"))
        .where(text("search_word_trigram MATCH :trigram_q").bindparams(trigram_q=match))
        .order_by(literal_column("rank"))
        .limit(CANDIDATES)
    ).all()
    scored = [(similarity(word, w), -abs(len(w) - len(word)), w) for w in found if w != word]
    best = max(scored, default=None)
    return best[2] if best and best[0] >= floor else None


def correct(terms: list[str], max_words: int = 4) -> list[str] | None:
    """The terms with each word replaced by the closest other indexed word, or None when no
    word has a close neighbour. Words not in the vocabulary are corrected first; when every
    word is indexed (a rare word, or a misspelling some text shares) only a much closer
    neighbour counts. At most 1 + max_words queries."""
    candidates = [t for t in terms if _WORD.fullmatch(t)]
    if not candidates:
        return None
    known = _known(candidates)
    unknown = [t for t in candidates if t not in known][:max_words]
    floor = MIN_SIMILARITY
    if not unknown:
        unknown, floor = candidates[:max_words], MIN_SIMILARITY_KNOWN
    closest = _closest_pg if db.session.get_bind().dialect.name == "postgresql" else _closest_sqlite
    replacements = {t: closest(t, floor) for t in unknown}
    if not any(replacements.values()):
        return None
    return [replacements.get(t) or t for t in terms]
