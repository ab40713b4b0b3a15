"""The outbox: one row per side effect, written in the transaction of the change that causes it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storefront.clock import now
from storefront.extensions import db


class JobStatus(StrEnum):
    PENDING = "pending"  # waiting for a worker (first run or a retry after run_after)
    RUNNING = "running"  # claimed by a worker until lease_until; past it, the sweep hands it over again
    DONE = "done"
    FAILED = "failed"  # out of attempts: staff see it in the admin and can retry it


class OutboxJob(db.Model):
    __tablename__ = "outbox_job"
    __table_args__ = (Index("ix_outbox_job_status_run_after", "status", "run_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(80))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # One side effect, one row: e.g. "order-confirmation:42". A second record() with the same
    # key returns the first row instead of queueing the effect twice.
    key: Mapped[str | None] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.PENDING.value, index=True)
    # Claims so far; also the fencing token of the current claim (see runner._still_ours).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=8)
    run_after: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    handed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    # When the job finished: done, or given up (failed). Cleared when staff retry it.
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<OutboxJob {self.id} {self.kind} {self.status}>"
