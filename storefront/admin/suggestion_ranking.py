"""The editor's suggested products, ranked by a worker when an article is saved.

Ranking the catalog for an article's words takes 0.1-0.6 s at 100,000 products. Done in a web
request, it held one of the server's few workers that long, and every shopper's request queued
behind it waited too (the mixed-load bench's slowest requests). So each save records a ranking
job in the outbox; the worker ranks the saved text and keeps the ranking
(`suggested_products`), and the editor that opens the article next finds it kept.

The panel's fetch (admin.js) that finds no kept ranking asks a worker for one (unless one is
under way: an article saved a moment ago) and is told to come back (202, Retry-After), rather
than ranking the catalog in the request: an article opened for the first time since its words
were ranked, or only autosaved (autosaves come every few seconds while an editor types; the
panel is filled when the editor opens). A ranking asked for over WAIT_FOR_WORKER ago and not
done (a stopped worker) is done in the request after all; so is the panel's link without
scripts (`?suggest=1`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import uuid4

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from blog.models import Article
from blog.review import review_target
from storefront import jobs
from storefront.admin.articles import (
    Suggestion,
    kept_suggested_products,
    ranking_kept,
    suggested_products,
)
from storefront.caching.fragments import fragment_store
from storefront.clock import as_utc, now
from storefront.extensions import db
from storefront.jobs.models import JobStatus, OutboxJob

log = logging.getLogger(__name__)

RANK_SUGGESTIONS = "admin.rank_article_suggestions"
# How long the panel waits for a worker before ranking in the request after all: a worker that
# has not ranked one article in this long is stopped or far behind.
WAIT_FOR_WORKER = timedelta(seconds=30)
RETRY_AFTER_SECONDS = 1


def linked_slugs(article: Article) -> list[str]:
    """The products the article already calls to action: never suggested."""
    return [link.product_slug for link in article.product_links]


@dataclass(frozen=True)
class _SavedVersion:
    """What the editor's suggestions for an article are ranked on: the version it opens with
    (the one waiting for review, else the article's), and the products to leave out. Its
    rankings' job keys share `key_prefix` (the version's digest)."""

    article_id: int
    key_prefix: str
    title: str
    body: str
    exclude: list[str]


def _saved_version(article: Article) -> _SavedVersion:
    target = review_target(article)
    return _SavedVersion(article.id, f"article-suggestions:{article.id}:{target.digest}:", target.title or "",
                         target.body or "", linked_slugs(article))


def _ask_for_ranking(version: _SavedVersion) -> None:
    """Record a ranking job for the saved version; the caller commits. Each ask is a job of its
    own (a version ranked before may need ranking again once its ranking ran out); the version's
    prefix in the key is how `_asked_at` finds the ones under way."""
    jobs.record(RANK_SUGGESTIONS, {"article_id": version.article_id, "version": version.key_prefix},
                key=version.key_prefix + uuid4().hex, max_attempts=2)


def rank_suggestions_later(article: Article) -> None:
    """Ask a worker to rank the just-saved article's suggestions.

    Its own small transaction after the save's: a lost job costs only a ranking when the editor
    opens, so it needs no share in the article's all-or-nothing. A save that changed none of
    the words ranked (or whose ranking is already asked for) asks nothing."""
    if not fragment_store().enabled:
        return  # nothing could keep the ranking: the editor ranks when it opens
    try:
        version = _saved_version(article)
        if _asked_at(version) is None and not ranking_kept(version.title, version.body, version.exclude):
            _ask_for_ranking(version)
            db.session.commit()
    except SQLAlchemyError:
        # The article is saved; an editor must not be told otherwise for want of a ranking.
        db.session.rollback()
        log.warning("Could not ask for article %s's suggestions to be ranked", article.id, exc_info=True)


@jobs.handler(RANK_SUGGESTIONS)
def rank_article_suggestions(payload: dict) -> None:
    """Rank and keep the suggestions of the version saved; a later save asked for its own."""
    article = db.session.get(Article, payload["article_id"])
    if article is None:
        return
    version = _saved_version(article)
    if version.key_prefix != payload["version"]:
        return
    # The fragment store reads the catalog's version and records what a value depends on in
    # request state (storefront.caching): the worker ranks inside a request of its own, the
    # editor page's, or nothing would be kept.
    with current_app.test_request_context(f"/admin/articles/{article.id}"):
        suggested_products(version.title, version.body, exclude=version.exclude)


def panel_suggestions(article: Article) -> list[Suggestion] | None:
    """The suggestions for the editor's panel fetched alone: kept, else None while a worker ranks
    them (asked for now if no one had; the caller says to come back). A worker that has not
    ranked them within WAIT_FOR_WORKER is stopped or far behind: they are ranked in the request."""
    version = _saved_version(article)
    kept = kept_suggested_products(version.title, version.body, exclude=version.exclude)
    if kept is not None:
        return kept
    asked_at = _asked_at(version)
    if asked_at is not None:
        if now() - asked_at < WAIT_FOR_WORKER:
            return None
        return suggested_products(version.title, version.body, exclude=version.exclude)
    _ask_for_ranking(version)
    db.session.commit()
    # A worker may have been quicker than this response (tests run jobs at commit).
    return kept_suggested_products(version.title, version.body, exclude=version.exclude)


def _asked_at(version: _SavedVersion) -> datetime | None:
    """When a ranking of the article's saved version still waiting for (or held by) a worker was
    asked for; None when none is. Jobs waiting or running are few: the status index finds them."""
    asked = db.session.scalar(
        select(func.min(OutboxJob.created_at)).where(
            OutboxJob.status.in_((JobStatus.PENDING.value, JobStatus.RUNNING.value)),
            OutboxJob.kind == RANK_SUGGESTIONS,
            OutboxJob.key.startswith(version.key_prefix, autoescape=True),
        )
    )
    return as_utc(asked) if asked is not None else None
