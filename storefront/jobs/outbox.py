"""Record side effects in the caller's transaction; hand them to the queue once it commits.

A job is a row first and a broker message second. The row is written in the same transaction as
the change that causes it (an order paid, a password changed), so the two commit or roll back
together. After commit each new row's id is published to the queue; if the broker is down the
publish is skipped and the sweep (a beat task) hands the row over later. Nothing lives only in
the broker.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from storefront.clock import now
from storefront.extensions import db
from storefront.jobs.models import JobStatus, OutboxJob

log = logging.getLogger(__name__)

_NEW_JOBS = "larder.outbox.new_jobs"
_MUTED = "larder.outbox.muted"  # session.info key: why record() writes its jobs as already done  # session.info key: [(job id, run_after)] flushed, not committed


def record(
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    key: str | None = None,
    delay: timedelta | None = None,
    run_at: datetime | None = None,
    max_attempts: int | None = None,
) -> OutboxJob:
    """Add a job to the current transaction; the caller commits (or rolls back) as usual.

    `key` makes the effect happen once however often it is recorded: a second record() with the
    same key returns the first job. `delay` or `run_at` hold the job back (reminders).
    """
    if key is not None:
        existing = db.session.scalar(select(OutboxJob).where(OutboxJob.key == key))
        if existing is not None:
            return existing
    moment = now()
    when = run_at or (moment + delay if delay else moment)
    # handed_at: it is handed over when the transaction commits; the sweep leaves it alone
    # unless it is still pending long after that.
    job = OutboxJob(kind=kind, payload=payload or {}, key=key, run_after=when, handed_at=moment)
    if max_attempts is not None:
        job.max_attempts = max_attempts
    muted_because = db.session.info.get(_MUTED)
    if muted_because:  # kept as a row, so what was not done (and why) is on record
        job.status, job.done_at, job.last_error = JobStatus.DONE.value, moment, f"Not done: {muted_because}"
    db.session.add(job)
    return job


@contextmanager
def muted(reason: str) -> Iterator[None]:
    """Record side effects inside this block as already done, with `reason`: e.g. demo orders
    are history, and their shoppers (made-up addresses) must not be emailed."""
    db.session.info[_MUTED] = reason
    try:
        yield
    finally:
        db.session.info.pop(_MUTED, None)


@event.listens_for(Session, "after_flush")
def _remember_new_jobs(session: Session, _flush_context) -> None:
    new = [(obj.id, obj.run_after) for obj in session.new
           if isinstance(obj, OutboxJob) and obj.status == JobStatus.PENDING.value]
    if new:
        session.info.setdefault(_NEW_JOBS, []).extend(new)


@event.listens_for(Session, "after_rollback")
def _forget_new_jobs(session: Session) -> None:
    session.info.pop(_NEW_JOBS, None)


@event.listens_for(Session, "after_commit")
def _hand_over_new_jobs(session: Session) -> None:
    new = session.info.pop(_NEW_JOBS, None)
    if new:
        hand_over(new)


def hand_over(jobs: list[tuple[int, datetime | None]]) -> int:
    """Publish each job id to the queue; return how many the broker took.

    A publish that fails is logged, not raised: the change is committed and the row is safe, so
    the sweep will hand it over again once the broker is back. The first failure stops the
    round: a broker that is down (or silently unreachable, each try waiting for its timeout)
    must not hold the request that committed once per job it recorded.
    """
    from storefront.jobs.queue import publish

    published = 0
    for job_id, run_after in jobs:
        try:
            publish(job_id, run_after)
        except Exception as exc:  # broker down or unreachable; the sweep retries
            log.warning("Could not hand outbox job(s) %s to the queue (%s); the sweep will",
                        ", ".join(str(j) for j, _ in jobs[published:]), exc)
            break
        published += 1
    return published
