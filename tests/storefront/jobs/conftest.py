"""Outbox fixtures: jobs in a given state without the eager test queue running them at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from storefront.clock import now
from storefront.extensions import db
from storefront.jobs import OutboxJob, handler


@handler("tests.jobs.noted")
def _noted(payload: dict) -> None:
    NOTED.append(payload)


@handler("tests.jobs.broken")
def _broken(payload: dict) -> None:
    raise RuntimeError("the far end is down")


NOTED: list[dict] = []


@pytest.fixture
def noted(app):
    NOTED.clear()
    return NOTED


@pytest.fixture
def waiting_job(app):
    """make(kind, payload, **columns): a job that is due but was never run (its hand-over lost)."""

    def make(kind: str = "tests.jobs.noted", payload: dict | None = None, **columns) -> OutboxJob:
        job = OutboxJob(kind=kind, payload=payload or {}, run_after=now() + timedelta(days=1), **columns)
        db.session.add(job)
        db.session.commit()  # a day away: the test queue does not run it
        db.session.execute(update(OutboxJob).where(OutboxJob.id == job.id)
                           .values(run_after=now() - timedelta(minutes=10)))
        db.session.commit()
        return job

    return make
