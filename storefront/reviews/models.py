"""A review: one per product per order line, its moderation state, and its helpful votes."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storefront.catalog.models import Product
from storefront.clock import now
from storefront.extensions import db

TITLE_MAX = 120
BODY_MIN = 20
BODY_MAX = 4000
NAME_MAX = 60


class ReviewStatus(StrEnum):
    PENDING = "pending"  # written, waiting for staff: shown nowhere public
    APPROVED = "approved"  # on the product page, in its average and in its JSON-LD
    REJECTED = "rejected"  # never published (spam, off topic, medical claims)
    REMOVED = "removed"  # was approved, taken down later


class Review(db.Model):
    __tablename__ = "review"
    __table_args__ = (
        # One review per product per order line: a second submit (a double click, the email link
        # followed twice) is refused by the database, whatever the timing.
        UniqueConstraint("order_line_id", "product_id", name="uq_review_order_line_product"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_1_to_5"),
        CheckConstraint("helpful_count >= 0", name="helpful_not_negative"),
        # The product page's two orders over approved reviews, and the moderation queue.
        Index("ix_review_product_status_created", "product_id", "status", "created_at"),
        Index("ix_review_product_status_helpful", "product_id", "status", "helpful_count", "created_at"),
        Index("ix_review_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"))
    # The purchase that entitles the review; None only once the order is deleted (the review stays).
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("order_line.id", ondelete="SET NULL"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    author_name: Mapped[str] = mapped_column(String(NAME_MAX))
    rating: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    body: Mapped[str] = mapped_column(Text)  # plain text; templates escape it
    status: Mapped[str] = mapped_column(String(16), default=ReviewStatus.PENDING.value)
    # How it came: "account" (a signed-in customer) or "email" (the signed link).
    source: Mapped[str] = mapped_column(String(16), default="account")
    helpful_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    moderated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    moderated_by: Mapped[str | None] = mapped_column(String(254))  # the staff member's email
    moderation_note: Mapped[str] = mapped_column(String(300), default="")

    product: Mapped[Product] = relationship()

    def __repr__(self) -> str:
        return f"<Review {self.id} product={self.product_id} {self.rating}/5 {self.status}>"


class ReviewVote(db.Model):
    """One "helpful" vote per review per voter ("user:<id>" or "session:<random>")."""

    __tablename__ = "review_vote"
    __table_args__ = (UniqueConstraint("review_id", "voter", name="uq_review_vote_voter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"))
    voter: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
