"""Data owned by the staff workspace: daily CTA click counters and article revisions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storefront.clock import now
from storefront.extensions import db


class CtaClickDaily(db.Model):
    """Clicks on an article's CTAs per day: product visits and cart adds carrying
    ref=article:<slug>. A counter only: no cookie, no visitor, nothing personal."""

    __tablename__ = "cta_click_daily"
    __table_args__ = (UniqueConstraint("day", "article_slug", name="one_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    article_slug: Mapped[str] = mapped_column(String(160))
    clicks: Mapped[int] = mapped_column(Integer, default=0)


class ArticleRevision(db.Model):
    """A previous version of an article, kept each time the article is saved; restorable."""

    __tablename__ = "article_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("article.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    dek: Mapped[str] = mapped_column(String(400), default="")
    body_source: Mapped[str] = mapped_column(Text, default="")
    # When this version was written, and when / by whom it was replaced by a newer one.
    version_of: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    replaced_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: now())
    replaced_by: Mapped[str] = mapped_column(String(254), default="")
