"""Run one outbox job at most once to success, retry it with backoff, and sweep up the stragglers.

A worker claims a job with one conditional UPDATE (pending and due -> running, with a lease).
A redelivered or duplicated message finds nothing to claim and does nothing. A worker that dies
mid-job leaves its lease to expire; the sweep then puts the job back to pending and hands it over.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, or_, select, update

from storefront.clock import now
from storefront.extensions import db
from storefront.jobs.models import JobStatus, OutboxJob
from storefront.jobs.registry import handler_for

log = logging.getLogger(__name__)

PENDING, RUNNING, DONE, FAILED = (s.value for s in JobStatus)


class PermanentFailure(Exception):
    """Raised by a handler when trying again cannot help (an address the mail server refuses)."""


def _seconds(name: str) -> float:
    return float(current_app.config[name])


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with jitter: base, 2 x base, 4 x base ... capped."""
    base, cap = _seconds("JOBS_RETRY_BASE_SECONDS"), _seconds("JOBS_RETRY_MAX_SECONDS")
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return timedelta(seconds=delay * random.uniform(1.0, 1.25))


def claim(job_id: int) -> OutboxJob | None:
    """Take the job for this worker if it is pending and due; None if anyone else has it or had it."""
    moment = now()
    claimed = db.session.execute(
        update(OutboxJob)
        .where(OutboxJob.id == job_id, OutboxJob.status == PENDING, OutboxJob.run_after <= moment)
        .values(
            status=RUNNING,
            attempts=OutboxJob.attempts + 1,
            lease_until=moment + timedelta(seconds=_seconds("JOBS_LEASE_SECONDS")),
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claimed.rowcount != 1:
        return None
    return db.session.get(OutboxJob, job_id)


def run_job(job_id: int) -> str:
    """Claim and run one job. Returns "done", "retry", "failed", "skipped" or "lost"."""
    job = claim(job_id)
    if job is None:
        return "skipped"
    kind, payload, attempt, max_attempts = job.kind, dict(job.payload), job.attempts, job.max_attempts
    try:
        handler_for(kind)(payload)
    except Exception as exc:
        db.session.rollback()
        permanent = isinstance(exc, PermanentFailure | LookupError)
        return _failed(job_id, kind, exc, final=permanent or attempt >= max_attempts, attempt=attempt)
    # The handler's own uncommitted writes commit with "done": both happen or neither.
    finished = db.session.execute(
        update(OutboxJob)
        .where(_still_ours(job_id, attempt))
        .values(status=DONE, done_at=now(), lease_until=None, last_error="")
        .execution_options(synchronize_session=False)
    )
    if finished.rowcount != 1:
        # Our lease ran out and another worker claimed the job again: its run owns the row now.
        db.session.rollback()
        log.warning("Outbox job %s (%s) outlived its lease; another worker has it", job_id, kind)
        return "lost"
    db.session.commit()
    return "done"


def _still_ours(job_id: int, attempt: int):
    """The row as this run claimed it: the attempt number is a fencing token. A job whose lease
    ran out is back to pending with the same number until someone claims it again (which adds
    one), so a slow run that finishes before that still counts and nothing is done twice."""
    return (
        (OutboxJob.id == job_id)
        & (OutboxJob.attempts == attempt)
        & OutboxJob.status.in_((RUNNING, PENDING))
    )


def _failed(job_id: int, kind: str, exc: Exception, *, final: bool, attempt: int) -> str:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    moment = now()
    if final:
        log.error("Outbox job %s (%s) failed for good after %s attempt(s): %s", job_id, kind, attempt, error)
        # done_at is "finished at": for a failed job, when it was given up (the admin shows it).
        values = {"status": FAILED, "lease_until": None, "last_error": error, "done_at": moment}
    else:
        log.warning("Outbox job %s (%s) failed (attempt %s), retrying: %s", job_id, kind, attempt, error)
        retry_at = moment + backoff(attempt)
        values = {"status": PENDING, "lease_until": None, "last_error": error, "run_after": retry_at}
    db.session.execute(
        update(OutboxJob).where(_still_ours(job_id, attempt)).values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if final:
        return "failed"
    from storefront.jobs.outbox import hand_over

    hand_over([(job_id, values["run_after"])])
    return "retry"


def sweep() -> int:
    """Hand over again what the queue may have lost; returns how many jobs were handed over.

    Expired leases (a worker killed mid-job) go back to pending. Pending jobs that are due and
    were not handed over recently (the broker was down at commit, a row written by a database
    trigger, a message lost with a broker) are published again. A duplicate message is harmless:
    only one worker can claim a job.
    """
    moment = now()
    db.session.execute(
        update(OutboxJob)
        .where(OutboxJob.status == RUNNING, OutboxJob.lease_until < moment)
        .values(status=PENDING, lease_until=None, last_error="The worker stopped before finishing this job")
        .execution_options(synchronize_session=False)
    )
    quiet_since = moment - timedelta(seconds=_seconds("JOBS_REHAND_SECONDS"))
    due = db.session.scalars(
        select(OutboxJob.id)
        .where(
            OutboxJob.status == PENDING,
            OutboxJob.run_after <= moment,
            # Never handed over (a row a database trigger wrote): now. Handed over but still
            # pending after a quiet spell (broker down, message lost): again.
            or_(OutboxJob.handed_at.is_(None),
                and_(OutboxJob.handed_at < quiet_since, OutboxJob.run_after <= quiet_since)),
        )
        .order_by(OutboxJob.run_after)
        .limit(500)
    ).all()
    if due:
        db.session.execute(
            update(OutboxJob).where(OutboxJob.id.in_(due)).values(handed_at=moment)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    from storefront.jobs.outbox import hand_over

    return hand_over([(job_id, None) for job_id in due])


def run_due_jobs(limit: int = 1000, on_each: Callable[[int, int, str], None] | None = None) -> dict[str, int]:
    """Run every due pending job here and now, oldest first (tests and `flask larder jobs run-due`).

    `on_each(position, total, outcome)` is called after each job (the command's progress).
    """
    counts: dict[str, int] = {}
    ids = db.session.scalars(
        select(OutboxJob.id).where(OutboxJob.status == PENDING, OutboxJob.run_after <= now())
        .order_by(OutboxJob.run_after, OutboxJob.id).limit(limit)
    ).all()
    db.session.commit()
    for position, job_id in enumerate(ids, start=1):
        outcome = run_job(job_id)
        counts[outcome] = counts.get(outcome, 0) + 1
        if on_each is not None:
            on_each(position, len(ids), outcome)
    return counts


def retry(job_id: int) -> bool:
    """Staff asked to try a failed job again: pending now, with a fresh set of attempts."""
    moment = now()
    changed = db.session.execute(
        update(OutboxJob)
        .where(OutboxJob.id == job_id, OutboxJob.status == FAILED)
        .values(status=PENDING, attempts=0, run_after=moment, handed_at=None, done_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if changed.rowcount != 1:
        return False
    from storefront.jobs.outbox import hand_over

    hand_over([(job_id, moment)])
    return True
