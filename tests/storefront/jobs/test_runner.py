"""The runner's promises, in one process: claimed once, retried with backoff, failed for good
visibly, and a run that outlived its lease never overwrites the run that took over."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from storefront import jobs
from storefront.clock import as_utc, now
from storefront.extensions import db
from storefront.jobs import OutboxJob, run_job
from storefront.jobs.runner import backoff


def _job(job_id: int) -> OutboxJob:
    db.session.expire_all()
    return db.session.get(OutboxJob, job_id)


def _meanwhile(job_id: int, **values) -> None:
    """What another process does to the row while our handler runs (its own connection)."""
    with db.engine.begin() as conn:
        conn.execute(update(OutboxJob).where(OutboxJob.id == job_id).values(**values))


SEEN: list[str] = []


@jobs.handler("tests.runner.slow")
def _slow(payload: dict) -> None:
    SEEN.append(payload["n"])
    # The lease ran out while we worked: the sweep put the job back ...
    _meanwhile(payload["job_id"], status="pending", lease_until=None)
    if payload.get("reclaimed"):  # ... and another worker claimed it again
        _meanwhile(payload["job_id"], status="running", attempts=2, lease_until=now() + timedelta(minutes=5))


@pytest.fixture
def slow_job(waiting_job):
    SEEN.clear()

    def make(reclaimed: bool) -> OutboxJob:
        job = waiting_job("tests.runner.slow", {"n": "first"})
        job.payload = {"n": "first", "job_id": job.id, "reclaimed": reclaimed}
        db.session.commit()
        return job

    return make


def test_a_run_whose_job_was_claimed_again_does_not_mark_it_done(slow_job):
    job = slow_job(reclaimed=True)
    assert run_job(job.id) == "lost"
    row = _job(job.id)
    assert (row.status, row.attempts) == ("running", 2)  # the second run's claim is untouched


def test_a_slow_run_finishing_before_anyone_reclaimed_the_job_still_counts(slow_job):
    job = slow_job(reclaimed=False)
    assert run_job(job.id) == "done"
    assert (_job(job.id).status, _job(job.id).attempts) == ("done", 1)
    assert run_job(job.id) == "skipped" and SEEN == ["first"]  # the sweep's message finds nothing to do


def test_a_failing_job_is_retried_later_then_failed_for_good(waiting_job):
    job = waiting_job("tests.jobs.broken", max_attempts=2)

    assert run_job(job.id) == "retry"
    row = _job(job.id)
    assert (row.status, row.attempts) == ("pending", 1) and "the far end is down" in row.last_error
    assert as_utc(row.run_after) > now() + timedelta(seconds=20)  # JOBS_RETRY_BASE_SECONDS = 30
    assert run_job(job.id) == "skipped"  # not due yet

    _meanwhile(job.id, run_after=now() - timedelta(seconds=1))
    assert run_job(job.id) == "failed"
    row = _job(job.id)
    assert (row.status, row.attempts) == ("failed", 2) and row.done_at is not None


@jobs.handler("tests.runner.refused")
def _refused(payload: dict) -> None:
    raise jobs.PermanentFailure("The mail server refused nobody@invalid")


def test_a_permanent_failure_is_not_retried(waiting_job):
    job = waiting_job("tests.runner.refused")
    assert run_job(job.id) == "failed"
    assert _job(job.id).attempts == 1 and "refused nobody@invalid" in _job(job.id).last_error


def test_a_job_of_an_unknown_kind_fails_visibly(waiting_job):
    job = waiting_job("tests.runner.nobody_handles_this")
    assert run_job(job.id) == "failed"
    assert "No handler registered" in _job(job.id).last_error


def test_backoff_doubles_and_is_capped(app):
    assert timedelta(seconds=30) <= backoff(1) <= timedelta(seconds=37.5)
    assert timedelta(seconds=60) <= backoff(2) <= timedelta(seconds=75)
    assert timedelta(seconds=3600) <= backoff(30) <= timedelta(seconds=4500)


def test_recording_the_same_key_twice_keeps_one_job(app):
    first = jobs.record("tests.runner.keyed", {"n": 1}, key="once:1", delay=timedelta(days=1))
    second = jobs.record("tests.runner.keyed", {"n": 2}, key="once:1", delay=timedelta(days=1))
    db.session.commit()
    assert first is second
    assert db.session.scalar(select(func.count()).select_from(OutboxJob).where(OutboxJob.key == "once:1")) == 1
