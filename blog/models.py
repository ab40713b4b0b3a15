"""The publication's data: articles, their authors and tags, the products their CTAs point to,
and a daily view counter per article."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.clock import as_utc, now
from storefront.extensions import db

HEALTH_TAG = "health"


class ArticleStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"


class AuthorRole(enum.StrEnum):
    WRITER = "writer"
    MEDICAL_REVIEWER = "medical_reviewer"


article_tags = Table(
    "article_tag",
    db.metadata,
    Column("article_id", ForeignKey("article.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("blog_tag.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_article_tag_tag", "tag_id", "article_id"),
)


class Author(db.Model):
    """A writer or a medical reviewer, shown in bylines with credentials."""

    __tablename__ = "author"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    credentials: Mapped[str] = mapped_column(String(160), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(String(32), default=AuthorRole.WRITER.value)

    def __repr__(self) -> str:
        return f"<Author {self.slug}>"

    @property
    def byline(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class Tag(db.Model):
    __tablename__ = "blog_tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(80))

    def __repr__(self) -> str:
        return f"<Tag {self.slug}>"


class Article(db.Model):
    """An article: markdown source plus the HTML and CTA list rendered from it when saved."""

    __tablename__ = "article"
    __table_args__ = (
        Index("ix_article_status_published", "status", "published_at"),
        # Newest-first public listings walk this backwards (index-only: status and id included): public means
        # one of two statuses, which the (status, published_at) index cannot give in order.
        Index("ix_article_published_at", "published_at", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(160), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    dek: Mapped[str] = mapped_column(String(400), default="")
    body_source: Mapped[str] = mapped_column(Text, default="")
    # Rendered and sanitised once, at save time; CTA positions are <!--cta:N--> markers that
    # index cta_blocks. Cards are filled at request time so prices and stock stay live.
    body_html: Mapped[str] = mapped_column(Text, default="")
    cta_blocks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    headings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    word_count: Mapped[int] = mapped_column(Integer, default=0)
    hero_image_path: Mapped[str | None] = mapped_column(String(255), default=None)
    hero_image_alt: Mapped[str] = mapped_column(String(255), default="")
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("author.id", ondelete="SET NULL"), default=None
    )
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("author.id", ondelete="SET NULL"), default=None
    )
    status: Mapped[str] = mapped_column(String(16), default=ArticleStatus.DRAFT.value)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    # When the content last changed (set by save_article), not any write to the row.
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: now())
    last_reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: now())
    # [{"title": ..., "publisher": ..., "url": ...}, ...] in citation order.
    references: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    # Derived from the "health" tag by save_article, stored so pages need no tag query for it.
    has_disclaimer: Mapped[bool] = mapped_column(default=False)
    seo_title: Mapped[str] = mapped_column(String(200), default="")
    seo_description: Mapped[str] = mapped_column(String(320), default="")
    canonical_url: Mapped[str] = mapped_column(String(500), default="")
    # Tag names and the author's name, copied for the site search (storefront/search keeps it
    # in step on save; `flask larder search reindex` refills it after bulk loads).
    search_keywords: Mapped[str] = mapped_column(Text, default="", server_default="")

    author: Mapped[Author | None] = relationship(foreign_keys=[author_id])
    reviewer: Mapped[Author | None] = relationship(foreign_keys=[reviewer_id])
    tags: Mapped[list[Tag]] = relationship(secondary=article_tags, order_by="Tag.name")
    product_links: Mapped[list[ArticleProductLink]] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Article {self.slug}>"

    @property
    def is_public(self) -> bool:
        """Readers see an article once it is published (or scheduled) and its date has come."""
        if self.status not in (ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED):
            return False
        return self.published_at is not None and as_utc(self.published_at) <= now()

    @property
    def display_status(self) -> str:
        """What staff should read: a scheduled article whose moment has come is published."""
        if self.status == ArticleStatus.SCHEDULED and self.is_public:
            return ArticleStatus.PUBLISHED.value
        return self.status

    @property
    def tag_slugs(self) -> list[str]:
        return [t.slug for t in self.tags]


def public_clause(at: datetime | None = None):
    """SQL truth of "a reader may see this article now"."""
    moment = at or now()
    return and_(
        or_(Article.status == ArticleStatus.PUBLISHED, Article.status == ArticleStatus.SCHEDULED),
        Article.published_at.is_not(None),
        Article.published_at <= moment,
    )


class ArticleProductLink(db.Model):
    """One product an article's CTAs point to; rebuilt on every save.

    The slug is kept even when no product has it (yet), so broken CTAs can be reported; the id
    is set when the product exists and cleared if it is deleted.
    """

    __tablename__ = "article_product_link"
    __table_args__ = (
        UniqueConstraint("article_id", "product_slug", name="one_link_per_product"),
        Index("ix_article_product_link_slug", "product_slug"),
        Index("ix_article_product_link_product", "product_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    product_slug: Mapped[str] = mapped_column(String(120))
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("product.id", ondelete="SET NULL"), default=None
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    article: Mapped[Article] = relationship(back_populates="product_links")


class ArticleView(db.Model):
    """Anonymous page views of an article per day (no cookies, no personal data)."""

    __tablename__ = "article_view"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    views: Mapped[int] = mapped_column(Integer, default=0)


class ArticleApproval(db.Model):
    """A medical reviewer's sign-off of one exact version of an article.

    The version is named by content_hash (title, dek, body and references: see blog.review), so
    an approval can never cover text written after it. Who approved is kept as an id (the
    account may be deleted later) and as the e-mail address they had then.
    """

    __tablename__ = "article_approval"
    __table_args__ = (Index("ix_article_approval_article_hash", "article_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"))
    content_hash: Mapped[str] = mapped_column(String(64))
    reviewer_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    reviewer_email: Mapped[str] = mapped_column(String(254), default="")
    # The Author shown to readers as "Medically reviewed by" after this approval.
    shown_as_id: Mapped[int | None] = mapped_column(
        ForeignKey("author.id", ondelete="SET NULL"), default=None
    )
    approved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: now())

    shown_as: Mapped[Author | None] = relationship()


class ArticleReviewState(db.Model):
    """Per article: who wrote its current text, and the edit waiting for medical approval.

    A published (or scheduled) health article is never changed by a save: the new title, dek,
    body and references wait here (pending_*) while readers keep the approved version; the
    approval of exactly this pending text makes it the article's. One row per article.
    """

    __tablename__ = "article_review_state"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("article.id", ondelete="CASCADE"), primary_key=True
    )
    # Who last changed the article's own (current) text; a reviewer may not approve their own.
    content_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    pending_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    pending_title: Mapped[str] = mapped_column(String(200), default="")
    pending_dek: Mapped[str] = mapped_column(String(400), default="")
    pending_body: Mapped[str] = mapped_column(Text, default="")
    pending_references: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    pending_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    pending_by_email: Mapped[str] = mapped_column(String(254), default="")
    pending_saved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)

    @property
    def has_pending(self) -> bool:
        return self.pending_hash is not None

    def clear_pending(self) -> None:
        self.pending_hash = None
        self.pending_title = self.pending_dek = self.pending_body = self.pending_by_email = ""
        self.pending_references = []
        self.pending_by_id = None
        self.pending_saved_at = None
