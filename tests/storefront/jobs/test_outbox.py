"""Recording and handing over: the row commits with the change; the broker only hears about it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from storefront import jobs
from storefront.extensions import db
from storefront.jobs import OutboxJob
from storefront.jobs.outbox import hand_over


def test_a_broker_that_is_down_is_tried_once_per_commit_not_once_per_job(app, monkeypatch):
    tries = []

    def refuse(job_id, run_after):
        tries.append(job_id)
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr("storefront.jobs.queue.publish", refuse)
    for n in range(3):
        jobs.record("tests.outbox.kept", {"n": n})
    db.session.commit()  # the change commits; the hand-over fails quietly

    assert len(tries) == 1
    rows = db.session.scalars(select(OutboxJob).where(OutboxJob.kind == "tests.outbox.kept")).all()
    assert [(r.status, r.attempts) for r in rows] == [("pending", 0)] * 3  # safe for the sweep


def test_hand_over_reports_how_many_the_broker_took(app, monkeypatch):
    taken = []

    def flaky(job_id, run_after):
        if job_id == 3:
            raise TimeoutError("broker went away")
        taken.append(job_id)

    monkeypatch.setattr("storefront.jobs.queue.publish", flaky)
    assert hand_over([(1, None), (2, None), (3, None), (4, None)]) == 2 and taken == [1, 2]


def test_a_rolled_back_change_hands_nothing_over(app, monkeypatch):
    published = []
    monkeypatch.setattr("storefront.jobs.queue.publish", lambda job_id, run_after: published.append(job_id))
    jobs.record("tests.outbox.kept", {"n": 1}, delay=timedelta(minutes=5))
    db.session.flush()
    db.session.rollback()
    jobs.record("tests.outbox.kept", {"n": 2}, delay=timedelta(minutes=5))
    db.session.commit()
    (kept,) = db.session.scalars(select(OutboxJob)).all()
    assert kept.payload == {"n": 2} and published == [kept.id]


def test_jobs_recorded_while_muted_are_kept_as_done_and_never_run(app):
    from storefront.mail import outbox
    from tests.factories import make_paid_order

    outbox().clear()
    with jobs.muted("history, not news"):
        order = make_paid_order()
    job = db.session.scalar(select(OutboxJob).where(OutboxJob.key == f"order-confirmation:{order.id}"))
    assert (job.status, job.attempts, job.last_error) == ("done", 0, "Not done: history, not news")
    assert outbox() == []
    make_paid_order()  # no longer muted
    assert len(outbox()) == 1
