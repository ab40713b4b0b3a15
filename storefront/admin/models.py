"""Data owned by the staff workspace: daily CTA click counters."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

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
