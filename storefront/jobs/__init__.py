"""Background work: a transactional outbox handed to Celery workers.

    from storefront import jobs
    jobs.record("orders.confirmation", {"order_id": order.id}, key=f"order-confirmation:{order.id}")
    db.session.commit()   # the job row commits with the change, then goes to the queue

    @jobs.handler("orders.confirmation")
    def send_confirmation(payload): ...   # runs once to success, in a worker
"""

from __future__ import annotations

from flask import Flask

from storefront.jobs.models import JobStatus, OutboxJob
from storefront.jobs.outbox import muted, record
from storefront.jobs.queue import periodic
from storefront.jobs.registry import handler
from storefront.jobs.runner import PermanentFailure, retry, run_due_jobs, run_job, sweep

__all__ = [
    "JobStatus", "OutboxJob", "PermanentFailure", "handler", "init_app", "muted", "periodic", "record", "retry",
    "run_due_jobs", "run_job", "sweep",
]


def init_app(app: Flask) -> None:
    from storefront.jobs.queue import init_app as init_queue

    init_queue(app)
