"""Business actions on articles: save (render once, validate, relink), publish, preview, import,
count a view and report broken CTAs. UI-free: no request, flash or current_user here; problems
are raised as ArticleValidationError with messages fit to show an editor.

For the admin editor:
    save_article(article_or_None, ArticleDraft(source=..., title=..., ...)) -> SaveResult(article, warnings)
    publish_article(article, at=None) / unpublish_article(article)
    preview_article(source, slug="preview") -> ArticlePreview(html, errors, warnings, ...)
    broken_ctas() -> list[BrokenCta]
    article_saving (a blinker signal sent with the article *before* an edit is applied: the
    place for revisions to snapshot the previous version)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from blinker import Namespace
from flask import render_template
from markupsafe import Markup
from sqlalchemy import Date, delete, literal, select
from sqlalchemy.exc import SQLAlchemyError

from blog.importer import ArticleImportError, ImportedArticle, import_article
from blog.models import (
    HEALTH_TAG,
    Article,
    ArticleApproval,
    ArticleProductLink,
    ArticleStatus,
    ArticleView,
    Author,
    Tag,
    public_clause,
)
from blog.rendering import (
    RenderedArticle,
    reading_minutes,
    render_article,
    split_on_ctas,
)
from blog.review import (
    approval_problem,
    article_hash,
    content_hash,
    normal_references,
    review_state,
    review_state_for_update,
    review_target,
)
from storefront.catalog.availability import Unsellable, is_on_sale
from storefront.catalog.queries import (
    ProductRef,
    collection_slugs_existing,
    existing_products,
    product_cards_by_slugs,
)
from storefront.clock import as_utc, now, today
from storefront.discounts.queries import code_cards
from storefront.extensions import db
from storefront.slugs import SLUG_RE, slugify
from storefront.slugs import unique_slug as _unique_slug

MAX_TITLE = 200
MAX_DEK = 400
MAX_SOURCE = 200_000  # characters; far beyond any real article, well short of abuse

_signals = Namespace()
#: Sent with the Article just before save_article changes it (not for new articles). Article
#: revisions (storefront/admin/articles.py) connect here; the receiver runs inside the save's
#: transaction, so its rows commit (or roll back) with the edit.
article_saving = _signals.signal("article-saving")


class ArticleValidationError(ValueError):
    """The article cannot be saved or published as it is; `messages` says why, one per problem."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        super().__init__("; ".join(self.messages))


@dataclass
class SaveResult:
    article: Article
    warnings: list[str] = field(default_factory=list)
    # True when the edit of a published health article was kept for medical review instead
    # of changing what readers see.
    held_for_review: bool = False


HELD_FOR_REVIEW = ("Saved as a pending revision: readers keep seeing the approved version until a "
                   "medical reviewer approves this one.")


@dataclass
class ArticleDraft:
    """An article as an editor, an import or the demo data submits it for saving.

    source and title are always given; any other field left as None keeps the article's
    current value (an empty string clears a text field).
    """

    source: str
    title: str
    dek: str | None = None
    slug: str | None = None
    author: Author | str | None = None
    reviewer: Author | str | None = None
    tags: Iterable[str] | None = None
    references: Iterable[dict[str, Any]] | None = None
    hero_image_path: str | None = None
    hero_image_alt: str | None = None
    seo_title: str | None = None
    seo_description: str | None = None
    canonical_url: str | None = None
    last_reviewed_at: datetime | None = None
    updated_at: datetime | None = None
    # Who is saving (a staff account), for the medical review's "not your own edit" rule.
    edited_by_id: int | None = None
    edited_by_email: str = ""


# Draft fields copied onto the article as they are (strings stripped) when given.
_PLAIN_FIELDS = (
    "hero_image_path",
    "hero_image_alt",
    "seo_title",
    "seo_description",
    "canonical_url",
    "last_reviewed_at",
)


@dataclass
class _CheckedDraft:
    """A draft that passed validation, with what validating it worked out for applying it."""

    title: str
    slug: str
    rendered: RenderedArticle
    blocks: list[dict[str, Any]]
    products: dict[str, tuple[int, str]]
    references: list[dict[str, str]]
    author: Author | None
    reviewer: Author | None
    warnings: list[str]


@dataclass
class ArticlePreview:
    """What the editor's preview shows: the body with live cards, and what is wrong with it."""

    html: Markup
    errors: list[str]
    warnings: list[str]
    headings: list[dict[str, Any]]
    word_count: int
    reading_minutes: int


@dataclass(frozen=True)
class BrokenCta:
    article_slug: str
    article_title: str
    kind: str
    slug: str
    problem: str  # "missing" | "unavailable" | "sold-out"; a code: "expired" | "used-up" | "inactive" | "not-started"
    line: int

    def __str__(self) -> str:
        what = {"collection": "collection", "discount": "discount code"}.get(self.kind, "product")
        reason = {
            "missing": "does not exist",
            "unavailable": "is archived or not on sale",
            "sold-out": "is sold out",
            "expired": "has expired",
            "used-up": "is used up",
            "inactive": "is switched off",
            "not-started": "is not valid yet",
        }[self.problem]
        return f"{self.article_slug} (line {self.line}): {what} '{self.slug}' {reason}"


# ------------------------------------------------------------------------------------ helpers


def _shortcode(block: dict[str, Any]) -> str:
    label = f"|{block['label']}" if block.get("label") else ""
    return f"[[{block['kind']}:{','.join(block['slugs'])}{label}]]"


def _product_rows(slugs: Iterable[str]) -> dict[str, ProductRef]:
    """slug -> (id, status) for the slugs that exist, in one query."""
    return existing_products(slugs)


def _same_line(line: int) -> int:
    return line


def _cta_findings(
    blocks: Sequence[dict[str, Any]],
    products: dict[str, ProductRef],
    collections: set[str],
    line_of: Callable[[int], int] = _same_line,
) -> tuple[list[str], list[str]]:
    """(unknown, not-for-sale) messages for CTA targets, each naming the slug and its line."""
    unknown, unavailable = [], []
    for block in blocks:
        if block["kind"] == "discount":
            continue  # a code card says itself when its code cannot be used (check-ctas reports it)
        for slug in block["slugs"]:
            where = f"in {_shortcode(block)} on line {line_of(block.get('line', 0))}"
            if block["kind"] == "collection":
                if slug not in collections:
                    unknown.append(f"Unknown collection '{slug}' {where}")
            elif slug not in products:
                unknown.append(f"Unknown product '{slug}' {where}")
            elif not is_on_sale(products[slug].status):
                unavailable.append(f"Product '{slug}' is {products[slug].status}, not on sale, {where}")
    return unknown, unavailable


def _valid_url(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


MAX_REF_TITLE = 300
MAX_REF_PUBLISHER = 200
MAX_REF_URL = 500
MAX_REFERENCES = 60


def _reference_errors(n: int, ref: dict[str, str]) -> list[str]:
    """What is wrong with reference n (title required; year four digits; link http(s))."""
    errors = []
    if not ref["title"]:
        errors.append(f"Reference {n} needs a title")
    elif len(ref["title"]) > MAX_REF_TITLE:
        errors.append(f"Reference {n}: the title is too long (at most {MAX_REF_TITLE} characters)")
    if len(ref["publisher"]) > MAX_REF_PUBLISHER:
        errors.append(f"Reference {n}: the publisher is too long (at most {MAX_REF_PUBLISHER} characters)")
    if ref["year"] and not (len(ref["year"]) == 4 and ref["year"].isascii() and ref["year"].isdigit()):
        errors.append(f"Reference {n}: the year must be four digits, like 2021")
    if len(ref["url"]) > MAX_REF_URL:
        errors.append(f"Reference {n}: the link is too long (at most {MAX_REF_URL} characters)")
    elif ref["url"] and not _valid_url(ref["url"]):
        errors.append(f"Reference {n} link must be an http(s) address")
    return errors


def _clean_references(references: Iterable[dict[str, Any]]) -> tuple[list[dict[str, str]], list[str]]:
    """References as stored (title, publisher, year, url; blank rows dropped) and their problems."""
    cleaned = [ref for ref in normal_references(references) if any(ref.values())]
    errors = [] if len(cleaned) <= MAX_REFERENCES else [f"At most {MAX_REFERENCES} references"]
    for n, ref in enumerate(cleaned, start=1):
        errors += _reference_errors(n, ref)
    return cleaned, errors


def _author(value: Author | str | None, role_label: str, errors: list[str]) -> Author | None:
    if value is None or isinstance(value, Author):
        return value
    if not value:
        return None
    found = db.session.scalar(select(Author).where(Author.slug == value))
    if found is None:
        errors.append(f"Unknown {role_label} '{value}'")
    return found


def _tags(values: Iterable[str]) -> list[Tag]:
    slugs = list(dict.fromkeys(s for s in (slugify(v, max_length=64) for v in values if v) if s))
    if not slugs:
        return []
    existing = {t.slug: t for t in db.session.scalars(select(Tag).where(Tag.slug.in_(slugs)))}
    tags = []
    for slug in slugs:
        tag = existing.get(slug)
        if tag is None:
            tag = Tag(slug=slug, name=slug.replace("-", " ").capitalize())
            db.session.add(tag)
        tags.append(tag)
    return tags


def _slug_taken(slug: str, article: Article | None) -> bool:
    stmt = select(Article.id).where(Article.slug == slug)
    if article is not None and article.id is not None:
        stmt = stmt.where(Article.id != article.id)
    return db.session.scalar(stmt) is not None


def unique_slug(base: str) -> str:
    """The base slug, or base-2, base-3... when it is taken (within article.slug's 160)."""
    return _unique_slug(base, lambda slug: _slug_taken(slug, None), max_length=160)


def _rebuild_links(article: Article, slugs: list[str], products: dict[str, tuple[int, str]]) -> None:
    if article.id is not None:
        db.session.execute(
            delete(ArticleProductLink).where(ArticleProductLink.article_id == article.id)
        )
        db.session.expire(article, ["product_links"])
    for position, slug in enumerate(slugs):
        db.session.add(
            ArticleProductLink(
                article_id=article.id,
                product_slug=slug,
                product_id=products[slug][0] if slug in products else None,
                position=position,
            )
        )


def _is_live_or_due(article: Article) -> bool:
    return article.status in (ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED)


# ------------------------------------------------------------------------------------ actions


def save_article(
    article: Article | None,
    draft: ArticleDraft,
    *,
    allow_unknown_products: bool = False,
    line_of: Callable[[int], int] = _same_line,
) -> SaveResult:
    """Render once, refuse malformed shortcodes and unknown CTA targets, relink products, commit.

    article None creates a draft article. A draft may keep unknown CTA slugs only with
    allow_unknown_products (they come back as warnings); a published or scheduled article
    never may, nor may it point at archived products. line_of maps a source line to the line
    named in messages (an imported file's own numbering).
    """
    checked = _validate_draft(article, draft, allow_unknown_products, line_of)
    if article is not None and _held_for_review(article, draft, checked):
        _hold_for_review(article, draft, checked)
        return SaveResult(article, [*checked.warnings, HELD_FOR_REVIEW], held_for_review=True)
    content_changed = article is None or _content_changed(article, draft, checked.title) or (
        draft.references is not None and normal_references(article.references) != checked.references)
    article = _apply_draft(article, draft, checked)
    _commit_relinked(article, checked, _note_author(draft, content_changed))
    return SaveResult(article, checked.warnings)


def _new_tag_slugs(article: Article, draft: ArticleDraft) -> set[str]:
    if draft.tags is None:
        return set(article.tag_slugs)
    return {slugify(t, max_length=64) for t in draft.tags if t}


def _held_for_review(article: Article, draft: ArticleDraft, checked: _CheckedDraft) -> bool:
    """A published or scheduled health article's text changes only through an approval."""
    if not _is_live_or_due(article):
        return False
    if not (article.has_disclaimer or HEALTH_TAG in _new_tag_slugs(article, draft)):
        return False
    references = checked.references if draft.references is not None else article.references
    return content_hash(checked.title, draft.dek if draft.dek is not None else article.dek,
                        draft.source, references) != article_hash(article)


def _hold_for_review(article: Article, draft: ArticleDraft, checked: _CheckedDraft) -> None:
    """Keep the new text as the article's pending edit; metadata (tags, SEO, images) still
    applies at once, the title, dek, body and references readers see do not."""
    state = review_state_for_update(article)
    state.pending_title = checked.title
    state.pending_dek = (draft.dek if draft.dek is not None else article.dek or "").strip()
    state.pending_body = draft.source or ""
    state.pending_references = checked.references if draft.references is not None else normal_references(article.references)
    state.pending_hash = content_hash(state.pending_title, state.pending_dek, state.pending_body,
                                      state.pending_references)
    state.pending_by_id = draft.edited_by_id
    state.pending_by_email = draft.edited_by_email
    state.pending_saved_at = now()
    _apply_metadata(article, draft, checked, content=False)
    try:
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        raise


def _note_author(draft: ArticleDraft, content_changed: bool) -> Callable[[Article], None]:
    """After a direct save: remember who wrote the text (when it changed) and drop any pending
    edit (the saved text replaces it, or is the approved text again)."""

    def note(article: Article) -> None:
        state = review_state(article)
        if state is None and (draft.edited_by_id is None or not content_changed):
            return
        state = state or review_state_for_update(article)
        if content_changed:
            state.content_by_id = draft.edited_by_id
        state.clear_pending()

    return note


def _validate_draft(
    article: Article | None,
    draft: ArticleDraft,
    allow_unknown_products: bool,
    line_of: Callable[[int], int],
) -> _CheckedDraft:
    """Every problem of the draft at once, raised as ArticleValidationError; nothing written."""
    title = (draft.title or "").strip()
    slug = (draft.slug or "").strip() or (article.slug if article else slugify(title))
    errors = _field_errors(article, draft, title, slug)
    rendered = _render_source(draft.source)
    errors += [f"Line {line_of(e.line)}: {e.message}: {e.text}" for e in rendered.errors]
    blocks = [c.to_dict() for c in rendered.ctas]
    products = _product_rows(rendered.product_slugs)
    cta_errors, warnings = _cta_verdict(
        article, blocks, products, rendered.collection_slugs, allow_unknown_products, line_of
    )
    errors += cta_errors
    references, ref_errors = (
        _clean_references(draft.references) if draft.references is not None else ([], [])
    )
    errors += ref_errors
    author = _author(draft.author, "author", errors)
    reviewer = _author(draft.reviewer, "medical reviewer", errors)
    if article is not None and _is_live_or_due(article) and article.has_disclaimer \
            and HEALTH_TAG not in _new_tag_slugs(article, draft):
        errors.append("A published health article keeps its “health” tag: move it back to draft "
                      "before removing it")
    if errors:
        db.session.rollback()
        raise ArticleValidationError(errors)
    return _CheckedDraft(
        title, slug, rendered, blocks, products, references, author, reviewer, warnings
    )


def _field_errors(article: Article | None, draft: ArticleDraft, title: str, slug: str) -> list[str]:
    """Problems of the title, dek, slug and canonical URL, in the editor's field order."""
    errors: list[str] = []
    if not title:
        errors.append("Title is required")
    elif len(title) > MAX_TITLE:
        errors.append(f"Title is too long ({len(title)} > {MAX_TITLE} characters)")
    if draft.dek is not None and len(draft.dek.strip()) > MAX_DEK:
        errors.append(f"Dek is too long ({len(draft.dek.strip())} > {MAX_DEK} characters)")
    if not SLUG_RE.match(slug):
        errors.append(f"Slug '{slug}' must be lowercase letters, digits and single hyphens")
    elif _slug_taken(slug, article):
        errors.append(f"Another article already uses the slug '{slug}'")
    if draft.canonical_url and not _valid_url(draft.canonical_url):
        errors.append("Canonical URL must be an http(s) address")
    return errors


def _render_source(source: str) -> RenderedArticle:
    """The source rendered once; one beyond MAX_SOURCE is refused before any rendering."""
    if len(source or "") > MAX_SOURCE:
        raise ArticleValidationError(
            [f"Article is too long ({len(source):,} > {MAX_SOURCE:,} characters)"]
        )
    return render_article(source or "")


def _cta_verdict(
    article: Article | None,
    blocks: list[dict[str, Any]],
    products: dict[str, tuple[int, str]],
    collection_slugs: Iterable[str],
    allow_unknown_products: bool,
    line_of: Callable[[int], int],
) -> tuple[list[str], list[str]]:
    """(errors, warnings) about CTA targets: a published or scheduled article refuses unknown
    and unsellable ones; a draft keeps unsellable ones, and unknown ones when allowed, as
    warnings."""
    collections = collection_slugs_existing(collection_slugs)
    unknown, unavailable = _cta_findings(blocks, products, collections, line_of)
    live = article is not None and _is_live_or_due(article)
    errors: list[str] = []
    warnings: list[str] = []
    if unknown and (live or not allow_unknown_products):
        errors += unknown
    else:
        warnings += unknown
    if live:
        errors += unavailable
    else:
        warnings += unavailable
    return errors, warnings


def _apply_draft(article: Article | None, draft: ArticleDraft, checked: _CheckedDraft) -> Article:
    """Write a checked draft onto the article (a new draft article when None); not committed.

    article_saving is sent before anything changes; updated_at moves only when the title, dek
    or text changed (or the draft sets it).
    """
    creating = article is None
    if creating:
        article = Article(status=ArticleStatus.DRAFT.value)
        db.session.add(article)
    else:
        article_saving.send(article)
    content_changed = creating or _content_changed(article, draft, checked.title)
    _apply_content(article, draft, checked)
    _apply_metadata(article, draft, checked)
    if draft.updated_at is not None:
        article.updated_at = draft.updated_at
    elif content_changed:
        article.updated_at = now()
    return article


def _content_changed(article: Article, draft: ArticleDraft, title: str) -> bool:
    return (
        article.body_source != draft.source
        or article.title != title
        or (draft.dek is not None and article.dek != draft.dek.strip())
    )


def _apply_content(article: Article, draft: ArticleDraft, checked: _CheckedDraft) -> None:
    """Slug, title, dek and the text with everything rendered from it."""
    rendered = checked.rendered
    article.slug = checked.slug
    article.title = checked.title
    article.body_source = draft.source or ""
    article.body_html = rendered.html
    article.cta_blocks = checked.blocks
    article.headings = [
        {"level": h.level, "text": h.text, "anchor": h.anchor} for h in rendered.headings
    ]
    article.word_count = rendered.word_count
    if draft.dek is not None:
        article.dek = draft.dek.strip()


def _apply_metadata(article: Article, draft: ArticleDraft, checked: _CheckedDraft, *, content: bool = True) -> None:
    """Byline, tags (and the disclaimer they imply), references (unless content is False: they
    are part of the reviewed text), hero image, SEO, review date."""
    if draft.author is not None:
        article.author = checked.author
    if draft.reviewer is not None:
        article.reviewer = checked.reviewer
    if draft.tags is not None:
        article.tags = _tags(draft.tags)
    article.has_disclaimer = any(t.slug == HEALTH_TAG for t in article.tags)
    if draft.references is not None and content:
        article.references = checked.references
    for name in _PLAIN_FIELDS:
        value = getattr(draft, name)
        if value is not None:
            setattr(article, name, value.strip() if isinstance(value, str) else value)


def _commit_relinked(article: Article, checked: _CheckedDraft,
                     also: Callable[[Article], None] | None = None) -> None:
    """Rebuild the article's product links (and do `also` once it has an id) and commit, all
    or nothing."""
    try:
        db.session.flush()
        _rebuild_links(article, checked.rendered.product_slugs, checked.products)
        if also is not None:
            also(article)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        raise


def publish_article(
    article: Article, at: datetime | None = None, *, line_of: Callable[[int], int] = _same_line
) -> Article:
    """Make an article public now, or schedule it for a future moment; refused while any CTA
    points at an unknown or archived product, naming it."""
    if not article.id:
        raise ArticleValidationError(["Save the article before publishing it"])
    products = _product_rows(s for b in article.cta_blocks if b["kind"] != "collection" for s in b["slugs"])
    collections = collection_slugs_existing(
        s for b in article.cta_blocks if b["kind"] == "collection" for s in b["slugs"]
    )
    unknown, unavailable = _cta_findings(article.cta_blocks, products, collections, line_of)
    problems = unknown + unavailable
    review = approval_problem(article)
    if review:
        problems.append(review)
    if problems:
        raise ArticleValidationError(problems)
    moment = as_utc(at or (article.published_at if article.is_public else None) or now())
    article.published_at = moment
    article.status = (
        ArticleStatus.SCHEDULED.value if moment > now() else ArticleStatus.PUBLISHED.value
    )
    db.session.commit()
    return article


class ApprovalRefused(ArticleValidationError):
    """The reviewer may not approve this version (it changed meanwhile, or they wrote it)."""


@dataclass(frozen=True)
class Reviewer:
    """Who signs off: a staff account (id and e-mail at the time), and the Author readers see."""

    user_id: int | None
    email: str
    shown_as: Author | None = None


def approve_article(article: Article, digest: str, reviewer: Reviewer, at: datetime | None = None) -> Article:
    """Record a medical reviewer's approval of exactly the version they read (digest).

    The version is the article's pending edit when it has one (that edit then becomes the
    article's text, live at once if the article is public), else its own text. Sets "last
    reviewed" and the reviewer shown to readers. Refused when the version changed after the
    reviewer opened it, or when the reviewer wrote it themselves (a second pair of eyes).
    """
    target = review_target(article)
    if target.digest != digest:
        raise ApprovalRefused(["The text changed after you opened it: read the newer version, then approve it."])
    if reviewer.user_id is not None and target.written_by_id == reviewer.user_id:
        raise ApprovalRefused(["You wrote this version: another reviewer must approve it."])
    checked = None
    if target.pending:
        draft = ArticleDraft(source=target.body, title=target.title, dek=target.dek, references=target.references)
        checked = _validate_draft(article, draft, False, _same_line)
        _apply_draft(article, draft, checked)
        state = review_state_for_update(article)
        state.content_by_id = state.pending_by_id
        state.clear_pending()
    db.session.add(ArticleApproval(
        article_id=article.id, content_hash=digest, reviewer_user_id=reviewer.user_id,
        reviewer_email=reviewer.email, shown_as_id=reviewer.shown_as.id if reviewer.shown_as else None,
    ))
    article.last_reviewed_at = at or now()
    if reviewer.shown_as is not None:
        article.reviewer = reviewer.shown_as
    if checked is not None:
        _commit_relinked(article, checked)
    else:
        db.session.commit()
    return article


def unpublish_article(article: Article) -> Article:
    """Take an article back to draft: it disappears from the blog, feed and sitemap at once."""
    article.status = ArticleStatus.DRAFT.value
    db.session.commit()
    return article


def delete_article(article: Article) -> None:
    """Remove an article with its product links and view counts."""
    db.session.delete(article)
    db.session.commit()


def preview_article(source: str, slug: str = "preview") -> ArticlePreview:
    """Render unsaved markdown as readers would see it, with live cards; never writes.

    Call it inside a request (the cards carry add-to-cart forms with CSRF tokens).
    """
    from blog.cards import fill_ctas

    rendered = render_article(source or "")
    blocks = [c.to_dict() for c in rendered.ctas]
    products = _product_rows(rendered.product_slugs)
    collections = collection_slugs_existing(rendered.collection_slugs)
    unknown, unavailable = _cta_findings(blocks, products, collections)
    html = render_template(
        "blog/_body.html",
        parts=split_on_ctas(rendered.html),
        ctas=fill_ctas(blocks),
        ref=f"article:{slug}",
    )
    return ArticlePreview(
        html=Markup(html),
        errors=[f"Line {e.line}: {e.message}: {e.text}" for e in rendered.errors] + unknown,
        warnings=unavailable,
        headings=[{"level": h.level, "text": h.text, "anchor": h.anchor} for h in rendered.headings],
        word_count=rendered.word_count,
        reading_minutes=reading_minutes(rendered.word_count),
    )


def _upsert_view(stmt):
    """Add one view to (article, day), creating the row the first time: one statement."""
    stmt = stmt.on_conflict_do_update(
        index_elements=["article_id", "day"], set_={"views": ArticleView.views + 1}
    )
    db.session.execute(stmt)
    db.session.commit()


def _insert():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(ArticleView)


def record_article_view(article_id: int, day: date | None = None) -> None:
    """Count one anonymous view for the day, in a single upsert statement."""
    _upsert_view(_insert().values(article_id=article_id, day=day or today(), views=1))


def record_article_view_by_slug(slug: str, day: date | None = None) -> None:
    """Count a view of a public article known only by its slug (a page served from cache),
    still in one statement: the upsert selects the article itself."""
    source = select(Article.id, literal(day or today(), Date), literal(1)).where(
        Article.slug == slug, public_clause()
    )
    _upsert_view(_insert().from_select(["article_id", "day", "views"], source))


# Rows per statement when writing buffered views: 3 parameters a row stays under SQLite's
# oldest limit of 999 bound parameters, and a minute of views rarely needs a second statement.
VIEW_BATCH = 300


def add_article_views_by_slug(counts: Mapping[tuple[str, date], int]) -> dict[int, int]:
    """Add buffered views {(slug, day): views} to article_view, in one transaction.

    One select of the ids of every slug, then one multi-row upsert (per VIEW_BATCH rows).
    Views of articles that are not public now (unknown, deleted, unpublished) are dropped, as
    record_article_view_by_slug drops them. Returns the views written per article id; on a
    database error the transaction is rolled back and the error raised: nothing was written.
    """
    slugs = sorted({slug for slug, _ in counts})
    try:
        ids: dict[str, int] = {}
        for start in range(0, len(slugs), VIEW_BATCH):
            chunk = slugs[start : start + VIEW_BATCH]
            rows = db.session.execute(
                select(Article.slug, Article.id).where(Article.slug.in_(chunk), public_clause())
            )
            ids.update((slug, article_id) for slug, article_id in rows)
        views: dict[tuple[int, date], int] = {}
        for (slug, day), n in counts.items():
            if slug in ids and n > 0:
                views[(ids[slug], day)] = views.get((ids[slug], day), 0) + n
        items = sorted(views.items())
        for start in range(0, len(items), VIEW_BATCH):
            batch = items[start : start + VIEW_BATCH]
            stmt = _insert().values(
                [{"article_id": a, "day": d, "views": n} for (a, d), n in batch]
            )
            stmt = stmt.on_conflict_do_update(
                index_elements=["article_id", "day"],
                set_={"views": ArticleView.views + stmt.excluded.views},
            )
            db.session.execute(stmt)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        raise
    written: dict[int, int] = {}
    for (article_id, _), n in views.items():
        written[article_id] = written.get(article_id, 0) + n
    return written


def broken_ctas() -> list[BrokenCta]:
    """Every CTA of a published or scheduled article whose product or collection cannot sell.

    Three queries for the whole publication: articles, product cards, collections.
    """
    articles = db.session.execute(
        select(Article.slug, Article.title, Article.cta_blocks)
        .where(Article.status.in_([ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED]))
        .order_by(Article.slug)
    ).all()
    blocks = [(a, b) for a in articles for b in (a.cta_blocks or [])]
    product_slugs = [s for _, b in blocks if b["kind"] not in ("collection", "discount") for s in b["slugs"]]
    collection_slugs = [s for _, b in blocks if b["kind"] == "collection" for s in b["slugs"]]
    cards = product_cards_by_slugs(product_slugs)
    collections = collection_slugs_existing(collection_slugs)
    codes = code_cards(s for _, b in blocks if b["kind"] == "discount" for s in b["slugs"])
    found = []
    for article, block in blocks:
        for slug in block["slugs"]:
            if block["kind"] == "discount":
                problem = codes[slug.upper()].problem
            elif block["kind"] == "collection":
                problem = None if slug in collections else "missing"
            else:
                card = cards.get(slug)
                problem = Unsellable.MISSING if card is None else card.problem
            if problem:
                found.append(
                    BrokenCta(
                        article.slug, article.title, block["kind"], slug, problem, block.get("line", 0)
                    )
                )
    return found


# ------------------------------------------------------------------------------------ import


IMPORT_CONFLICTS = ("update", "as-new")


class ArticleExistsError(ArticleValidationError):
    """An import would land on the slug of an existing article; the caller chooses what to do."""

    def __init__(self, existing: Article) -> None:
        self.existing = existing
        super().__init__(
            [
                f"An article with the slug '{existing.slug}' already exists "
                f"(“{existing.title}”, {existing.status}, id {existing.id}). "
                "Use --update to replace its text with this file, or --as-new to import it "
                f"as a separate article ('{unique_slug(existing.slug)}')."
            ]
        )


@dataclass
class ImportResult:
    article: Article
    imported: ImportedArticle
    warnings: list[str]
    notes: list[str] = field(default_factory=list)  # what happened, beyond "saved"


def import_article_file(
    data: str | bytes,
    filename: str = "",
    *,
    author: str | None = None,
    publish: bool = False,
    fmt: str | None = None,
    on_conflict: str | None = None,
) -> ImportResult:
    """Create a draft from an outside article (text, markdown or HTML); publish it on request.

    Unknown CTA slugs are kept in a draft as warnings but refuse publication. Messages name
    the file's own line numbers. When an article already has the title's slug, nothing is
    written unless on_conflict says what to do: "update" saves the file over that article as
    the editor's Save does (a published article stays published, its previous text kept as a
    revision), "as-new" imports it beside it under the next free slug (slug-2, ...).
    """
    if on_conflict not in (None, *IMPORT_CONFLICTS):
        raise ValueError(f"on_conflict must be one of {IMPORT_CONFLICTS}, not {on_conflict!r}")
    try:
        imported = import_article(data, filename=filename, fmt=fmt)
    except ArticleImportError as exc:
        raise ArticleValidationError([str(exc)]) from exc
    base = slugify(imported.title)
    existing = db.session.scalar(select(Article).where(Article.slug == base))
    notes: list[str] = []
    if existing is not None and on_conflict is None:
        raise ArticleExistsError(existing)
    if existing is not None and on_conflict == "update":
        live = _is_live_or_due(existing)
        result = save_article(
            existing,
            ArticleDraft(
                source=imported.body_markdown, title=imported.title, dek=imported.dek, author=author
            ),
            allow_unknown_products=not publish,
            line_of=imported.file_line,
        )
        notes.append(
            f"Updated the existing {existing.status} article '{existing.slug}'"
            + ("; it stays public and its previous text is kept as a revision." if live
               else "; its previous text is kept as a revision.")
        )
    else:
        slug = unique_slug(base)
        if existing is not None:
            notes.append(f"An article with the slug '{base}' already exists: "
                         f"imported as a new article '{slug}'.")
        result = save_article(
            None,
            ArticleDraft(
                source=imported.body_markdown,
                title=imported.title,
                dek=imported.dek,
                slug=slug,
                author=author,
            ),
            allow_unknown_products=not publish,
            line_of=imported.file_line,
        )
    if publish:
        publish_article(result.article, line_of=imported.file_line)
    return ImportResult(result.article, imported, result.warnings, notes)
