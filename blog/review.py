"""Medical review sign-off: which exact version of an article a reviewer approved.

A version is named by the hash of what a reader is told (title, dek, body and references), so an
approval can never cover text written after it, and text changed back to an approved version
is approved again. Health articles (tagged "health") are published only in an approved
version (blog.services.publish_article asks approval_problem), and a published health
article's later edits wait in its ArticleReviewState until a reviewer approves them.

Who may approve is the staff workspace's business (the reviewer role); this module only keeps
the records and says what is missing. No request or current_user here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from blog.models import Article, ArticleApproval, ArticleReviewState
from storefront.extensions import db

REFERENCE_KEYS = ("title", "publisher", "year", "url")


def normal_references(references: Iterable[dict[str, Any]] | None) -> list[dict[str, str]]:
    """References with every key present as a string, so equal lists hash equally."""
    return [{key: str(ref.get(key) or "").strip() for key in REFERENCE_KEYS} for ref in references or []]


def content_hash(title: str, dek: str | None, body: str | None, references: Iterable[dict[str, Any]] | None) -> str:
    """The name of one version of an article's text (sha256 of a canonical JSON)."""
    payload = json.dumps(
        [(title or "").strip(), (dek or "").strip(), body or "", normal_references(references)],
        ensure_ascii=False, separators=(",", ":"), sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def article_hash(article: Article) -> str:
    """The hash of the version readers see (or would see, for a draft)."""
    return content_hash(article.title, article.dek, article.body_source, article.references)


def is_health(article: Article) -> bool:
    return bool(article.has_disclaimer)


def review_state(article: Article) -> ArticleReviewState | None:
    if article.id is None:
        return None
    return db.session.get(ArticleReviewState, article.id)


def review_state_for_update(article: Article) -> ArticleReviewState:
    """The article's review state row, created (not committed) when it has none yet."""
    state = review_state(article)
    if state is None:
        state = ArticleReviewState(article_id=article.id)
        db.session.add(state)
    return state


def approval_of(article: Article, digest: str) -> ArticleApproval | None:
    """The latest approval of exactly this version of the article, if any."""
    return db.session.scalar(
        select(ArticleApproval)
        .where(ArticleApproval.article_id == article.id, ArticleApproval.content_hash == digest)
        .order_by(ArticleApproval.id.desc())
        .limit(1)
    )


def latest_approval(article: Article) -> ArticleApproval | None:
    return db.session.scalar(
        select(ArticleApproval)
        .where(ArticleApproval.article_id == article.id)
        .order_by(ArticleApproval.id.desc())
        .limit(1)
    )


def approval_problem(article: Article) -> str | None:
    """Why this health article may not be published in its current version (None: it may)."""
    if not is_health(article) or approval_of(article, article_hash(article)) is not None:
        return None
    last = latest_approval(article)
    if last is None:
        return ("Medical review needed: this is a health article and no reviewer has approved it yet. "
                "Save it and ask a reviewer to approve this version.")
    return ("Medical review needed: the text changed after the last approval "
            f"({last.approved_at:%Y-%m-%d %H:%M} UTC by {last.reviewer_email or 'a reviewer'}). "
            "A reviewer must approve this exact version.")


@dataclass(frozen=True)
class ReviewTarget:
    """The version a reviewer is asked to approve: the pending edit, else the article's own text."""

    title: str
    dek: str
    body: str
    references: list[dict[str, str]]
    digest: str
    written_by_id: int | None
    pending: bool


def review_target(article: Article) -> ReviewTarget:
    state = review_state(article)
    if state is not None and state.has_pending:
        return ReviewTarget(state.pending_title, state.pending_dek, state.pending_body,
                            normal_references(state.pending_references), state.pending_hash or "",
                            state.pending_by_id, True)
    return ReviewTarget(article.title, article.dek or "", article.body_source or "",
                        normal_references(article.references), article_hash(article),
                        state.content_by_id if state is not None else None, False)


def needs_approval(article: Article) -> bool:
    """A health article whose version awaiting sign-off (pending or its own) is not approved."""
    if not is_health(article):
        return False
    return approval_of(article, review_target(article).digest) is None
