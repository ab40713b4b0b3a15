"""Dependency tags: which cached pages a write to a narrow table makes stale.

A narrow table (registered with a TagRule, storefront.caching.registry) does not change the
catalog version. Its triggers stamp the tags the write concerns ("product:42", "collection:7",
ANY_TAG, ADDED_TAG) in `cache_tag` with the change sequence (`catalog_version.seq`, one step
per transaction on PostgreSQL). A page, while rendering, declares the tags it depends on
(`depend_on`, called by the read API of the package owning the rows, e.g. the catalog's
queries); the stored page keeps them with the sequence read *before* the page read anything.
A later hit is fresh when none of its tags was stamped after that sequence: one indexed query,
skipped when nothing narrow changed at all since (the sequence read with the page state).

Safety net: a statement naming a narrow table, run while a page renders outside a read that
declared its tags (`declared_reads`, `declaring`), makes the page depend on that table's broad
tag (TagRule.any_tag: ANY_TAG for the catalog's tables, "journal" for the journal's), i.e. on
every write of its family: a read nobody declared is never stale, only re-rendered more often.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import has_request_context, request
from sqlalchemy import ARRAY, BigInteger, String, any_, bindparam, event, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column

from storefront.caching.registry import ADDED_TAG, ANY_TAG, narrow_tables
from storefront.caching.version import PageState, read_first
from storefront.extensions import db
from storefront.state import larder_state

__all__ = [
    "ADDED_TAG", "ANY_TAG", "CacheTag", "collecting", "declared_reads", "declaring", "depend_on", "depend_on_all",
    "fresh_at", "stale", "stamped_since",
]
P = ParamSpec("P")
R = TypeVar("R")
ENVIRON_KEY = "larder.cache_tags"


class CacheTag(db.Model):
    """A dependency tag and the change sequence of the last write concerning it."""

    __tablename__ = "cache_tag"

    tag: Mapped[str] = mapped_column(String(120), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)


@dataclass
class Collector:
    """The tags a page being rendered depends on."""

    tags: set[str] = field(default_factory=set)
    declared_depth: int = 0


def _collector() -> Collector | None:
    if not has_request_context():
        return None
    return request.environ.get(ENVIRON_KEY)


@contextmanager
def collecting() -> Iterator[Collector]:
    """Collect the tags of what is read inside (the page cache wraps a page's render in it)."""
    collector = Collector()
    previous = request.environ.get(ENVIRON_KEY)
    request.environ[ENVIRON_KEY] = collector
    try:
        yield collector
    finally:
        if previous is None:
            request.environ.pop(ENVIRON_KEY, None)
        else:
            request.environ[ENVIRON_KEY] = previous


def depend_on(*tags: str) -> None:
    """The page being rendered (if any) shows what these tags stand for."""
    collector = _collector()
    if collector is not None:
        collector.tags.update(tags)


def depend_on_all(tags: Iterable[str]) -> None:
    depend_on(*tags)


@contextmanager
def declared_reads(*tags: str) -> Iterator[None]:
    """Statements inside declare their dependencies themselves (plus `tags`): the safety net
    leaves them alone."""
    collector = _collector()
    if collector is None:
        yield
        return
    collector.tags.update(tags)
    collector.declared_depth += 1
    try:
        yield
    finally:
        collector.declared_depth -= 1


def declaring(
    before: Callable[..., Iterable[str]], after: Callable[..., Iterable[str]] | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Wrap a read of a package's read API: it runs inside `declared_reads(*before(*args))`,
    then the page depends on `after(result, *args)` too."""

    def wrap(read: Callable[P, R]) -> Callable[P, R]:
        @wraps(read)
        def declared(*args: P.args, **kwargs: P.kwargs) -> R:
            with declared_reads(*before(*args, **kwargs)):
                result = read(*args, **kwargs)
                if after is not None:
                    depend_on(*after(result, *args, **kwargs))
            return result

        return declared

    return wrap


# Entries remembered as fresh at one page state, per process: enough for every page and fragment
# busy between two writes; a few tags each.
FRESH_MEMO_LIMIT = 4096


def fresh_at(tags: Iterable[str], seq: int, state: PageState) -> bool:
    """Whether an entry made at change sequence `seq`, depending on `tags`, is fresh for a
    request that read `state`. No query when no narrow write happened at all since `seq`, nor
    when this process already found the same entry fresh at the same state: a reader that sees a
    sequence sees every stamp up to it (same transaction), so a check made after reading it
    holds until the sequence moves. A popular page then costs one query per write, not per hit."""
    if seq >= state.seq:
        return True
    app_state = larder_state()
    memo = app_state.fresh_memo
    if memo[:2] != (state.version, state.seq):
        # One tuple swapped whole: a thread still checking against the old state adds to the old set.
        memo = app_state.fresh_memo = (state.version, state.seq, set())
    entry = (seq, tuple(sorted(set(tags))))
    if entry in memo[2]:
        return True
    if stale(entry[1], seq):
        return False
    if len(memo[2]) < FRESH_MEMO_LIMIT:
        memo[2].add(entry)
    return True


def stale(tags: Iterable[str], seq: int) -> bool:
    """Whether any of `tags` was stamped after `seq` (one indexed query; none without tags)."""
    wanted = sorted(set(tags))
    if not wanted:
        return False
    return read_first(_STALE, {"tags": wanted, "seq": seq}, _STALE_ONE_ARRAY) is not None


def stamped_since(tags: Iterable[str], seq: int) -> list[str]:
    """Which of `tags` were stamped after `seq` (for the bench's "why was it rendered again")."""
    wanted = sorted(set(tags))
    if not wanted:
        return []
    rows = db.session.execute(
        select(CacheTag.tag).where(CacheTag.tag.in_(wanted), CacheTag.seq > seq).order_by(CacheTag.tag)
    )
    return [row.tag for row in rows]


_STALE = (
    select(text("1"))
    .select_from(CacheTag)
    .where(CacheTag.tag.in_(bindparam("tags", expanding=True)), CacheTag.seq > bindparam("seq"))
    .limit(1)
)
# The same question with the tags as one array parameter (PostgreSQL): its SQL never changes, so
# it is compiled once per process. An expanding IN is compiled again for every request, since
# each list has its own length: a quarter of this check's cost, and every cache hit makes it.
_STALE_ONE_ARRAY = (
    select(text("1"))
    .select_from(CacheTag)
    .where(CacheTag.tag == any_(bindparam("tags", type_=ARRAY(String))), CacheTag.seq > bindparam("seq"))
    .limit(1)
)


# ---------------------------------------------------------------- the safety net

_pattern_cache: dict[tuple[tuple[str, str], ...], list[tuple[str, re.Pattern]]] = {}


def _narrow_patterns() -> list[tuple[str, re.Pattern]]:
    """Per broad tag (the catalog's "*", the journal's "journal"): a pattern naming its tables."""
    names = tuple(sorted((name, table.tags.any_tag) for name, table in narrow_tables().items() if table.tags))
    patterns = _pattern_cache.get(names)
    if patterns is None:
        families: dict[str, list[str]] = {}
        for name, tag in names:
            families.setdefault(tag, []).append(name)
        patterns = _pattern_cache[names] = [
            (tag, re.compile(r"(?<![\w.])\"?(?:" + "|".join(re.escape(n) for n in tables) + r")\"?(?![\w])(?!\s*\()"))
            for tag, tables in sorted(families.items())
        ]
    return patterns


@event.listens_for(Engine, "before_cursor_execute")
def _undeclared_read(conn, cursor, statement, parameters, context, executemany) -> None:
    collector = _collector()
    if collector is None or collector.declared_depth:
        return
    for tag, pattern in _narrow_patterns():
        if tag not in collector.tags and pattern.search(statement):
            collector.tags.add(tag)
