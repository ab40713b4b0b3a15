"""Editorial actions the staff workspace adds to the blog: revisions, restore, review queue,
medical review status, autosave, suggested products. Saving, publishing and previewing stay the blog's own services."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import has_request_context
from sqlalchemy import case, func, literal, or_, select

from blog.models import (
    Article,
    ArticleApproval,
    ArticleReviewState,
    ArticleStatus,
    Author,
    AuthorRole,
)
from blog.review import (
    ReviewTarget,
    approval_of,
    content_hash,
    is_health,
    latest_approval,
    review_state,
    review_target,
)
from blog.services import (
    ArticleDraft,
    SaveResult,
    approve_article,
    article_saving,
    publish_article,
    save_article,
    unpublish_article,
)
from storefront import audit
from storefront.admin.models import ArticleRevision
from storefront.caching.fragments import cached_fragment, fragment_store, kept_fragment
from storefront.caching.tags import ADDED_TAG, declared_reads
from storefront.catalog.availability import certified_clause
from storefront.catalog.models import Certification, Product, ProductStatus
from storefront.catalog.search import any_word_clause, telling_words
from storefront.clock import as_utc, now, today
from storefront.extensions import db

SUGGEST_WORDS = 25
# How long a ranking of suggested products is kept: its tags do not see a product's words change.
SUGGESTIONS_KEPT_SECONDS = 600
_WORD = re.compile(r"[a-z][a-z-]{3,}")
_STOP = frozenset(
    """about above after again against also always among another because been before being below
    between both cannot could does doing down during each either enough even every from further
    have having here however into itself just least less many might more most much must never
    often only other ought over own same shall should since some such than that their them then
    there these they this those though through thus under until upon very want were what when where
    which while whom whose will with within without would your yours people product products make
    made take help helps like feel find good great keep know need look more time used using well
    work works first last year years day days week weeks page read article low fodmap diet""".split()  # noqa: SIM905
)


# ---------------------------------------------------------------- revisions


def _editor_email() -> str:
    # The signal has no user argument; the workspace knows who is editing.
    if has_request_context():
        from flask_login import current_user

        if current_user and current_user.is_authenticated:
            return current_user.email
    return ""


def snapshot_article(article: Article) -> ArticleRevision | None:
    """Keep the version about to be replaced (skipped when it equals the latest kept one)."""
    latest = db.session.scalar(
        select(ArticleRevision)
        .where(ArticleRevision.article_id == article.id)
        .order_by(ArticleRevision.id.desc())
        .limit(1)
    )
    if latest is not None and (latest.title, latest.dek, latest.body_source) == (
        article.title, article.dek or "", article.body_source or "",
    ):
        return None
    revision = ArticleRevision(
        article_id=article.id,
        title=article.title,
        dek=article.dek or "",
        body_source=article.body_source or "",
        version_of=article.updated_at,
        replaced_by=_editor_email(),
    )
    db.session.add(revision)
    return revision


def _on_article_saving(sender: Article, **_kwargs) -> None:
    snapshot_article(sender)


def connect_revisions() -> None:
    """Keep a revision on every save of an existing article (idempotent)."""
    article_saving.connect(_on_article_saving, weak=False)


def revisions_of(article: Article) -> list[ArticleRevision]:
    return list(
        db.session.scalars(
            select(ArticleRevision)
            .where(ArticleRevision.article_id == article.id)
            .order_by(ArticleRevision.id.desc())
        )
    )


def restore_revision(article: Article, revision: ArticleRevision) -> SaveResult:
    """Make a kept version current again; the version it replaces is kept in turn."""
    if revision.article_id != article.id:
        raise ValueError("That revision belongs to another article.")
    return save_article(
        article,
        ArticleDraft(source=revision.body_source, title=revision.title, dek=revision.dek),
        allow_unknown_products=article.status == ArticleStatus.DRAFT,
    )


# ---------------------------------------------------------------- publishing, audited

PUBLISHING_FIELDS = ("status", "published_at")
APPROVAL_FIELDS = ("status", "published_at", "last_reviewed_at", "title", "body_source")


def publish_as(actor: object, article: Article, at: datetime | None = None) -> Article:
    """Publish or schedule (blog.services.publish_article); the audit log records the status change
    in the same commit."""
    audit.track(actor, article, PUBLISHING_FIELDS, "article", article.title, "article.publish")
    return publish_article(article, at=at)


def unpublish_as(actor: object, article: Article) -> Article:
    """Back to draft (blog.services.unpublish_article), recorded in the audit log."""
    audit.track(actor, article, PUBLISHING_FIELDS, "article", article.title, "article.unpublish")
    return unpublish_article(article)


def approve_as(actor: object, article: Article, digest: str, reviewer) -> Article:
    """A reviewer signs off this exact version (blog.services.approve_article): the audit log
    records it, with what went live if a waiting edit was published by the approval."""
    audit.track(actor, article, APPROVAL_FIELDS, "article", article.title, "article.approve")
    return approve_article(article, digest, reviewer)


# ---------------------------------------------------------------- review queue


@dataclass(frozen=True)
class ReviewDue:
    article: Article
    last_reviewed: datetime | None
    days_since: int


def review_due_articles(max_age_days: int) -> list[ReviewDue]:
    """Health articles (not drafts) whose last medical review is older than max_age_days."""
    cutoff = now() - timedelta(days=max_age_days)
    reviewed = func.coalesce(Article.last_reviewed_at, Article.published_at, Article.created_at)
    rows = db.session.scalars(
        select(Article)
        .where(
            Article.has_disclaimer.is_(True),
            Article.status != ArticleStatus.DRAFT,
            reviewed < cutoff,
        )
        .order_by(reviewed)
    )
    found = []
    for article in rows:
        last = article.last_reviewed_at or article.published_at or article.created_at
        days = (now() - as_utc(last)).days if last else max_age_days
        found.append(ReviewDue(article, article.last_reviewed_at, days))
    return found


# ---------------------------------------------------------------- medical review and autosave


@dataclass(frozen=True)
class ReviewStatus:
    """What the editor page says about medical review of an article."""

    health: bool
    target: ReviewTarget  # the version a reviewer would approve now
    approved: ArticleApproval | None  # the approval of exactly that version, if any
    latest: ArticleApproval | None
    pending: ArticleReviewState | None  # an edit of a public article waiting for approval

    @property
    def waiting(self) -> bool:
        return self.health and self.approved is None


def editor_review_status(article: Article) -> ReviewStatus:
    target = review_target(article)
    state = review_state(article)
    return ReviewStatus(
        health=is_health(article),
        target=target,
        approved=approval_of(article, target.digest),
        latest=latest_approval(article),
        pending=state if state is not None and state.has_pending else None,
    )


def approvals_of(article: Article) -> list[ArticleApproval]:
    return list(db.session.scalars(
        select(ArticleApproval).where(ArticleApproval.article_id == article.id).order_by(ArticleApproval.id.desc())
    ))


def medical_reviewers() -> list[Author]:
    return list(db.session.scalars(
        select(Author).where(Author.role == AuthorRole.MEDICAL_REVIEWER).order_by(Author.name)
    ))


def source_diff(before: str, after: str) -> list[tuple[str, str]]:
    """(kind, line) of a line diff, kind one of "same", "removed", "added" (for the reviewer)."""
    rows = []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        code, text = line[:2], line[2:]
        if code == "? ":
            continue
        rows.append(({"- ": "removed", "+ ": "added"}.get(code, "same"), text))
    return rows


class AutosaveConflict(Exception):
    """The article changed after the editor opened it; `current` is the newer version."""

    def __init__(self, current: ReviewTarget) -> None:
        self.current = current
        super().__init__("The article changed since this editor opened it.")


class AutosaveRefused(Exception):
    """Autosave keeps drafts only (a save of a public article is a deliberate act)."""


def autosave_draft(article: Article, base_version: str, draft: ArticleDraft) -> str:
    """Save a draft's title, dek and body if it is still the version the editor started from;
    returns the new version. Never overwrites a newer version: raises AutosaveConflict."""
    # Lock the row first (PostgreSQL): two autosaves of one article must not both pass the check.
    db.session.execute(select(Article.id).where(Article.id == article.id).with_for_update())
    db.session.refresh(article)
    if article.status != ArticleStatus.DRAFT:
        db.session.rollback()
        raise AutosaveRefused("Autosave keeps drafts only: press Save to change a published article.")
    current = review_target(article)
    if base_version != current.digest:
        db.session.rollback()
        raise AutosaveConflict(current)
    if content_hash(draft.title, draft.dek, draft.source, current.references) == current.digest:
        db.session.rollback()
        return current.digest
    save_article(article, draft, allow_unknown_products=True)
    return review_target(article).digest


# ---------------------------------------------------------------- suggested products


@dataclass(frozen=True)
class Suggestion:
    slug: str
    title: str
    score: int
    certified: bool = True
    expired_on: date | None = None  # the last certificate's end, when none is valid today
    valid_from: date | None = None  # a certificate not in force yet

    @property
    def certificate_note(self) -> str | None:
        """Why the editor cannot call this product certified today (None: they can)."""
        if self.certified:
            return None
        if self.valid_from:
            return f"certificate valid only from {self.valid_from.isoformat()}"
        if self.expired_on:
            return f"certificate expired on {self.expired_on.isoformat()}"
        return "no Low FODMAP certificate"


def article_keywords(text: str, limit: int = SUGGEST_WORDS) -> list[str]:
    """The article's most frequent meaningful words (shortcodes and markup left out)."""
    text = re.sub(r"\[\[[^\]]*\]\]|\(https?://[^)]*\)", " ", text.lower())
    counts = Counter(w.strip("-") for w in _WORD.findall(text) if w.strip("-") not in _STOP)
    return [w for w, _ in counts.most_common(limit) if len(w) >= 4]


def suggested_products(title: str, source: str, exclude: list[str] = (), limit: int = 6) -> list[Suggestion]:
    """Active products whose title, tags or ingredients share words with the article, best
    first: one query, with a weighted score (title 3, tags and brand 2, ingredients 1).

    Products certified today come first; the others come after, each with the reason it is
    not (an expired or not-yet-valid certificate), so an article never calls them certified.

    Finding them through the words few products hold (`_best_suggestions`) still took a tenth
    to a fifth of a second at 100,000 products, the same for every view and save of an editor
    whose words did not change. So which products (their slugs) are kept in the
    fragment cache per set of words, for the catalog version and day, until a product joins the
    catalog; each view then reads only those few products again, so their titles, status and
    certificates are today's. A product whose text changed since may wait up to
    SUGGESTIONS_KEPT_SECONDS to be ranked again (pages and other fragments live longer: their
    tags cover all they show).
    """
    words = _article_words(title, source)
    if not words:
        return []
    exclude = sorted(exclude)
    found: dict[str, list[Suggestion]] = {}

    def rank() -> list[str]:
        # Kept until a product joins the catalog (or the version, the day or the cache's time
        # runs out): the facts shown are read again on every view anyway.
        with declared_reads(ADDED_TAG):
            found["now"] = _best_suggestions(words, exclude, limit)
        return [s.slug for s in found["now"]]

    slugs = cached_fragment(
        "article-suggestions", _suggestion_parts(words, exclude, limit), rank, dump=list, load=list,
        ttl=SUGGESTIONS_KEPT_SECONDS,
    )
    if "now" in found or not slugs:
        return found.get("now", [])
    return _kept_suggestions(words, slugs)


def kept_suggested_products(
    title: str, source: str, exclude: list[str] = (), limit: int = 6
) -> list[Suggestion] | None:
    """`suggested_products` when its ranking is kept (a small read), None when it would have to
    rank the catalog again (0.1-0.4 s at 100,000 products): the editor then shows its page at
    once and fetches the suggestions apart (storefront/admin/views/articles.py). Without a
    fragment store nothing is kept, and they are ranked now."""
    if not fragment_store().enabled:
        return suggested_products(title, source, exclude, limit)  # nothing is kept: rank now
    words = _article_words(title, source)
    if not words:
        return []
    kept = _kept_ranking(words, exclude, limit)
    if kept is None:
        return None
    return _kept_suggestions(words, kept[0]) if kept[0] else []


def ranking_kept(title: str, source: str, exclude: list[str] = (), limit: int = 6) -> bool:
    """Whether `suggested_products` would find its ranking kept (one Redis read)."""
    words = _article_words(title, source)
    return not words or _kept_ranking(words, exclude, limit) is not None


def _kept_ranking(words: list[str], exclude: list[str], limit: int) -> tuple[list[str]] | None:
    """The kept ranking's slugs (as a 1-tuple: an empty ranking is kept too), None when none is."""
    return kept_fragment("article-suggestions", _suggestion_parts(words, exclude, limit), load=list)


def _article_words(title: str, source: str) -> list[str]:
    return article_keywords(f"{title} {title} {source}")  # the title counts twice


def _suggestion_parts(words: list[str], exclude: list[str], limit: int) -> dict:
    """The kept ranking's key: the same for the same words and exclusions in any order."""
    return {"words": sorted(words), "exclude": sorted(exclude), "limit": limit}


def _best_suggestions(words: list[str], exclude: list[str], limit: int) -> list[Suggestion]:
    """The search over every product sharing a word read 100,000 of 100,000 products for an
    article that says "low FODMAP" (1-2.6 s at 100k products). So the products sharing one
    of the article's telling words (those few products hold) are scored first, on all its
    words; when they fill the list with products named for one of its words, that is the
    answer (10-50 ms). Otherwise every product sharing any word is scored, as before."""
    dialect = db.session.get_bind().dialect.name
    telling = telling_words(words, dialect)
    found = _suggestions(words, exclude, limit, any_word_clause(telling, dialect))
    if len(telling) == len(words) or (len(found) == limit and all(s.score >= _TITLE_WEIGHT for s in found)):
        return found
    return _suggestions(words, exclude, limit, any_word_clause(words, dialect))


# A word of the article found in a product's title scores 3, in its tags and brand 2, in its
# ingredients 1 (the same in SQL, `_suggestions`, and for kept products, `_kept_suggestions`).
_TITLE_WEIGHT = 3
_SCORED_TEXT = ((Product.title, _TITLE_WEIGHT), (Product.search_keywords, 2), (Product.ingredients, 1))


def _kept_suggestions(words: list[str], slugs: list[str]) -> list[Suggestion]:
    """The products found before, as they are now (one small query; scored here as the search
    scores them): still active, with today's title and certificate."""
    day = today()
    rows = db.session.execute(
        select(
            Product.slug, Product.title, certified_clause(day).label("certified"), *_certificate_dates(day),
            *(column for column, _ in _SCORED_TEXT),
        ).where(Product.slug.in_(slugs), Product.status == ProductStatus.ACTIVE)
    )
    found = []
    for slug, title, certified, expired, starts, *texts in rows:
        score = sum(
            weight
            for word in words
            for text, (_, weight) in zip(texts, _SCORED_TEXT, strict=True)
            if word in (text or "").lower()
        )
        if score:
            found.append(Suggestion(slug, title, score, bool(certified), expired, starts))
    return sorted(found, key=lambda s: (not s.certified, -s.score, s.title))


def _certificate_dates(day: date, product_id=Product.id):
    """For a product not certified today: its last certificate's end, and a coming one's start."""
    expired_on = (
        select(func.max(Certification.valid_until))
        .where(Certification.product_id == product_id, Certification.valid_until < day)
        .scalar_subquery()
        .label("expired_on")
    )
    valid_from = (
        select(func.min(Certification.valid_from))
        .where(Certification.product_id == product_id, Certification.valid_from > day)
        .scalar_subquery()
        .label("valid_from")
    )
    return expired_on, valid_from


def _suggestions(words: list[str], exclude: list[str], limit: int, among) -> list[Suggestion]:
    """The best `limit` active products `among` those the clause admits (the search index's
    hits), scored on the article's `words`."""
    # The search index finds the products sharing a word (1,700 of 100,000 for the magnesium
    # article); the scoring below reads only their text (LIKE alone read every product's: a
    # second per editor page at 100,000 products). Each text is lowered once per product, not
    # once per word (OFFSET 0 keeps the database from inlining it back into every LIKE): half
    # the time for an article whose words tens of thousands of products share.
    candidates = select(
        Product.id, Product.slug, Product.title, *(func.lower(column).label(f"text_{i}")
                                                   for i, (column, _) in enumerate(_SCORED_TEXT)),
    ).where(among, Product.status == ProductStatus.ACTIVE)
    if exclude:
        candidates = candidates.where(Product.slug.not_in(exclude))
    candidates = candidates.offset(0).subquery("candidates")
    score = literal(0)
    matches = []
    for word in words:
        for i, (_, weight) in enumerate(_SCORED_TEXT):
            hit = candidates.c[f"text_{i}"].like(f"%{word}%")
            score = score + case((hit, weight), else_=0)
            matches.append(hit)
    score = score.label("score")
    day = today()
    certified = certified_clause(day, candidates.c.id).label("certified")
    expired_on, valid_from = _certificate_dates(day, candidates.c.id)
    stmt = (
        select(candidates.c.slug, candidates.c.title, score, certified, expired_on, valid_from)
        .where(or_(*matches))
        .order_by(certified.desc(), score.desc(), candidates.c.title)
        .limit(limit)
    )
    return [
        Suggestion(slug, title, int(s), bool(cert), expired, starts)
        for slug, title, s, cert, expired, starts in db.session.execute(stmt)
    ]
