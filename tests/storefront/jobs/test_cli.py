"""`flask larder jobs status | run-due | retry | sweep`."""

from __future__ import annotations

from datetime import timedelta

from storefront.clock import now
from storefront.extensions import db
from storefront.jobs import OutboxJob
from storefront.mail import outbox
from tests.factories import make_order


def _job(job_id: int) -> OutboxJob:
    db.session.expire_all()
    return db.session.get(OutboxJob, job_id)


def test_status_counts_jobs_by_state(runner, waiting_job):
    waiting_job()
    waiting_job()
    db.session.add_all([
        OutboxJob(kind="k", status="failed", attempts=8, done_at=now()),
        OutboxJob(kind="k", status="done", attempts=1, done_at=now()),
    ])
    db.session.commit()

    result = runner.invoke(args=["larder", "jobs", "status"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:4] == ["pending     2", "running     0", "failed      1", "done today  1"]
    assert "the oldest due job has waited 10 min (are the workers running?)" in result.output


def test_run_due_sends_what_waits_and_shows_progress(runner, waiting_job):
    outbox().clear()
    order = make_order(email="ada@example.com")
    job = waiting_job("orders.confirmation", {"order_id": order.id})
    other = waiting_job()

    result = runner.invoke(args=["larder", "jobs", "run-due"])

    assert result.exit_code == 0, result.output
    assert "[1/2] done" in result.output and "[2/2] done" in result.output and "Ran 2 done." in result.output
    assert [m["To"] for m in outbox()] == ["ada@example.com"]
    assert _job(job.id).status == "done" and _job(other.id).status == "done"
    assert "No jobs are due." in runner.invoke(args=["larder", "jobs", "run-due"]).output


def test_run_due_exits_non_zero_when_a_job_fails_for_good(runner, waiting_job):
    job = waiting_job("tests.jobs.broken", max_attempts=1)

    result = runner.invoke(args=["larder", "jobs", "run-due"])

    assert result.exit_code == 1 and "[1/1] failed" in result.output
    assert _job(job.id).status == "failed" and "RuntimeError: the far end is down" in _job(job.id).last_error


def test_retry_one_failed_job(runner, noted):
    job = OutboxJob(kind="tests.jobs.noted", payload={"n": 1}, status="failed", attempts=8, done_at=now())
    db.session.add(job)
    db.session.commit()

    result = runner.invoke(args=["larder", "jobs", "retry", str(job.id)])

    assert result.exit_code == 0 and f"Job {job.id} was handed to the workers again." in result.output
    assert noted == [{"n": 1}]  # the test queue runs it at once
    assert (_job(job.id).status, _job(job.id).attempts, _job(job.id).done_at is not None) == ("done", 1, True)
    again = runner.invoke(args=["larder", "jobs", "retry", str(job.id)])
    assert again.exit_code == 1 and "is not a failed job" in again.output
    assert noted == [{"n": 1}]


def test_retry_all_failed(runner, noted):
    db.session.add_all([
        OutboxJob(kind="tests.jobs.noted", payload={"n": n}, status="failed", attempts=8, done_at=now())
        for n in range(3)
    ] + [OutboxJob(kind="tests.jobs.noted", payload={"n": 9}, status="done", attempts=1, done_at=now())])
    db.session.commit()

    result = runner.invoke(args=["larder", "jobs", "retry", "--all-failed"])

    assert result.exit_code == 0 and "Retried 3 failed jobs." in result.output
    assert sorted(p["n"] for p in noted) == [0, 1, 2]


def test_retry_needs_exactly_one_of_an_id_and_all_failed(runner):
    assert runner.invoke(args=["larder", "jobs", "retry"]).exit_code == 2
    both = runner.invoke(args=["larder", "jobs", "retry", "3", "--all-failed"])
    assert both.exit_code == 2 and "Give one job id, or --all-failed." in both.output
    assert runner.invoke(args=["larder", "jobs", "retry", "abc"]).exit_code == 2


def test_sweep_frees_a_dead_workers_job_and_hands_over_forgotten_ones(runner, waiting_job, noted):
    forgotten = waiting_job(payload={"n": "forgotten"})
    abandoned = waiting_job(payload={"n": "abandoned"}, status="running", attempts=1,
                            lease_until=now() - timedelta(seconds=1))
    busy = waiting_job(payload={"n": "busy"}, status="running", attempts=1, lease_until=now() + timedelta(minutes=5))

    result = runner.invoke(args=["larder", "jobs", "sweep"])

    assert result.exit_code == 0 and "Handed 2 jobs to the queue." in result.output
    assert sorted(p["n"] for p in noted) == ["abandoned", "forgotten"]  # run by the test queue
    assert _job(forgotten.id).status == "done" and _job(abandoned.id).attempts == 2
    assert _job(busy.id).status == "running"
