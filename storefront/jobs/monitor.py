"""What the outbox holds, for staff (the admin's Background jobs page) and `flask larder jobs`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy import func, or_, select

from storefront.clock import as_utc, now
from storefront.extensions import db
from storefront.jobs.models import JobStatus, OutboxJob
from storefront.pagination import PageNumbers


@dataclass(frozen=True)
class JobCounts:
    pending: int
    running: int
    failed: int
    done_today: int  # finished since midnight UTC


def start_of_today() -> datetime:
    return datetime.combine(now().date(), time.min, tzinfo=UTC)


def job_counts() -> JobCounts:
    """Jobs waiting, running and failed, and those done today: one grouped query."""
    rows = db.session.execute(
        select(OutboxJob.status, func.count())
        .where(or_(OutboxJob.status != JobStatus.DONE.value, OutboxJob.done_at >= start_of_today()))
        .group_by(OutboxJob.status)
    ).all()
    by_status = {status: int(count) for status, count in rows}
    return JobCounts(
        pending=by_status.get(JobStatus.PENDING.value, 0),
        running=by_status.get(JobStatus.RUNNING.value, 0),
        failed=by_status.get(JobStatus.FAILED.value, 0),
        done_today=by_status.get(JobStatus.DONE.value, 0),
    )


def failed_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(OutboxJob).where(OutboxJob.status == JobStatus.FAILED.value)
    ) or 0


@dataclass(frozen=True)
class FailedPage(PageNumbers):
    jobs: list[OutboxJob]
    total: int
    page: int
    per_page: int


def failed_jobs(page: int = 1, per_page: int = 25) -> FailedPage:
    """Failed jobs, the most recently given up first (two queries, whatever the page size)."""
    total = failed_count()
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    jobs = db.session.scalars(
        select(OutboxJob)
        .where(OutboxJob.status == JobStatus.FAILED.value)
        .order_by(OutboxJob.done_at.desc(), OutboxJob.id.desc())
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return FailedPage(jobs=list(jobs), total=total, page=page, per_page=per_page)


def failed_job_ids() -> list[int]:
    return list(db.session.scalars(
        select(OutboxJob.id).where(OutboxJob.status == JobStatus.FAILED.value).order_by(OutboxJob.id)
    ))


def oldest_waiting() -> datetime | None:
    """When the longest-waiting due job became due (None when nothing is due)."""
    oldest = db.session.scalar(
        select(OutboxJob.run_after)
        .where(OutboxJob.status == JobStatus.PENDING.value, OutboxJob.run_after <= now())
        .order_by(OutboxJob.run_after)
        .limit(1)
    )
    return None if oldest is None else as_utc(oldest)  # SQLite gives it back without its zone
