"""One row per staff change: who, when, which object, what it was before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storefront.clock import now
from storefront.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_object", "object_type", "object_id", "id"),
        Index("ix_audit_entry_parent", "parent_type", "parent_id", "id"),
        Index("ix_audit_entry_actor", "actor_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=lambda: now(), index=True)
    # No foreign key: the log outlives the account, and the email is the one it had at the time.
    actor_id: Mapped[int | None] = mapped_column(Integer, default=None)
    actor_email: Mapped[str] = mapped_column(String(254), default="")
    object_type: Mapped[str] = mapped_column(String(40))
    # Text so that keyed objects (the site settings, an order number) fit as well as row ids.
    object_id: Mapped[str] = mapped_column(String(64))
    object_label: Mapped[str] = mapped_column(String(200), default="")
    # The object this one belongs to (a variant's or certificate's product), so the owner's
    # history shows its parts' changes too, even after a part is deleted.
    parent_type: Mapped[str | None] = mapped_column(String(40), default=None)
    parent_id: Mapped[str | None] = mapped_column(String(64), default=None)
    action: Mapped[str] = mapped_column(String(40))
    # Only the fields that changed; money in minor units (see storefront.audit.display).
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Why, when staff said (a stock adjustment's reason, "CSV import").
    note: Mapped[str] = mapped_column(String(200), default="")

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.object_type}:{self.object_id} {self.action}>"
