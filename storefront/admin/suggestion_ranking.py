"""The editor's suggested products, ranked by a worker when an article is saved.

Ranking the catalog for an article's words takes 0.1-0.6 s at 100,000 products. Done in a web
request, it held one of the server's few workers that long, and every shopper's request queued
behind it waited too (the mixed-load bench's slowest requests). So each save records a ranking
job in the outbox; the worker ranks the saved text and keeps the ranking
(`suggested_products`), and the editor that opens the article next finds it kept.

The panel's fetch (admin.js) that finds a ranking still under way is told to come back
(202, Retry-After) rather than ranking the catalog a second time in the request. A ranking
asked for long ago (a stopped worker) or never asked for (an article saved before this, one
whose kept ranking ran out, or text only autosaved: autosaves come every few seconds while an
editor types, and the panel is filled when the editor opens) is ranked in the request, as before.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from blog.models import Article
from blog.review import review_target
from storefront import jobs
from storefront.admin.articles import Suggestion, kept_suggested_products, suggested_products
from storefront.clock import as_utc, now
from storefront.extensions import db
from storefront.jobs.models import JobStatus, OutboxJob

RANK_SUGGESTIONS = "admin.rank_article_suggestions"
# How long the panel waits for a worker before ranking in the request after all: a worker that
# has not ranked one article in this long is stopped or far behind.
WAIT_FOR_WORKER = timedelta(seconds=30)
RETRY_AFTER_SECONDS = 1


def linked_slugs(article: Article) -> list[str]:
    """The products the article already calls to action: never suggested."""
    return [link.product_slug for link in article.product_links]


def _job_key(article: Article) -> str:
    # One ranking per saved version: the digest of the text the editor opens with.
    return f"article-suggestions:{article.id}:{review_target(article).digest}"


def rank_suggestions_later(article: Article) -> None:
    """Ask a worker to rank the just-saved article's suggestions.

    Its own small transaction after the save's: a lost job costs only a ranking in the
    request, so it needs no share in the article's all-or-nothing."""
    jobs.record(RANK_SUGGESTIONS, {"article_id": article.id, "key": _job_key(article)}, key=_job_key(article),
                max_attempts=2)
    db.session.commit()


@jobs.handler(RANK_SUGGESTIONS)
def rank_article_suggestions(payload: dict) -> None:
    """Rank and keep the suggestions of the version saved; a later save asked for its own."""
    article = db.session.get(Article, payload["article_id"])
    if article is None or _job_key(article) != payload["key"]:
        return
    target = review_target(article)
    text, exclude = (target.title or "", target.body or ""), linked_slugs(article)
    # The fragment store reads the catalog's version and records what a value depends on in
    # request state (storefront.caching): the worker ranks inside a request of its own, the
    # editor page's, or nothing would be kept.
    with current_app.test_request_context(f"/admin/articles/{article.id}"):
        suggested_products(*text, exclude=exclude)


def panel_suggestions(article: Article) -> list[Suggestion] | None:
    """The suggestions for the editor's panel fetched alone: kept, or ranked now; None while a
    worker is ranking them (the caller says to come back)."""
    target = review_target(article)
    text, exclude = (target.title or "", target.body or ""), linked_slugs(article)
    kept = kept_suggested_products(*text, exclude=exclude)
    if kept is not None:
        return kept
    if _being_ranked(article):
        return None
    return suggested_products(*text, exclude=exclude)


def _being_ranked(article: Article) -> bool:
    job = db.session.scalar(select(OutboxJob).where(OutboxJob.key == _job_key(article)))
    return (
        job is not None
        and job.status in (JobStatus.PENDING, JobStatus.RUNNING)
        and now() - as_utc(job.created_at) < WAIT_FOR_WORKER
    )
