"""An information page: Markdown source as staff typed it, and its sanitised HTML made at save time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storefront.clock import now
from storefront.extensions import db


class SitePage(db.Model):
    __tablename__ = "site_page"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body_source: Mapped[str] = mapped_column(Text, default="")
    # Rendered and sanitised once, when saved: the public page prints it as it is.
    body_html: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: now())

    def __repr__(self) -> str:
        return f"<SitePage {self.slug}>"
