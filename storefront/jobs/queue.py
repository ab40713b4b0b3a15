"""Celery, set up the Flask way: one Celery app per Flask app, every task inside an app context.

The broker is Redis in production (CELERY_BROKER_URL, else REDIS_URL) and, when neither is set,
kombu's SQLAlchemy transport on an SQLite file in the instance folder, so `make run` needs no
server. Tests run tasks eagerly in the same process (JOBS_EAGER).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from celery import Celery, Task
from flask import Flask, current_app

from storefront.clock import now

RUN_JOB = "larder.run_job"
SWEEP = "larder.sweep_outbox"
RECORD_PERIODIC = "larder.record_periodic"

# Beat entries packages add with periodic(): name -> (schedule, outbox job kind)
PERIODIC: dict[str, tuple[Any, str]] = {}


def periodic(name: str, schedule: Any, kind: str) -> None:
    """Have beat record an outbox job of `kind` on `schedule` (seconds, timedelta or crontab)."""
    PERIODIC[name] = (schedule, kind)


def broker_url(app: Flask) -> str:
    configured = app.config.get("CELERY_BROKER_URL") or app.config.get("REDIS_URL")
    if configured:
        return configured
    return f"sqla+sqlite:///{Path(app.instance_path) / 'queue.sqlite'}"


def init_app(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.import_name, task_cls=FlaskTask)
    eager = bool(app.config.get("JOBS_EAGER"))
    schedule = {
        SWEEP: {"task": SWEEP, "schedule": float(app.config["JOBS_SWEEP_SECONDS"])},
        **{name: {"task": RECORD_PERIODIC, "schedule": when, "args": [kind]}
           for name, (when, kind) in PERIODIC.items()},
    }
    celery.conf.update(
        broker_url=broker_url(app),
        result_backend=None,
        task_ignore_result=True,
        task_always_eager=eager,
        task_eager_propagates=False,
        # The outbox row is the truth; the message only says "look at job N". Acknowledge after
        # the run so a worker killed mid-job leaves the message to be redelivered too.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=float(app.config["JOBS_PUBLISH_TIMEOUT_SECONDS"]),
        # Publishing at commit time must not hold a web request for long when the broker is
        # down: two quick tries, then the sweep takes over.
        task_publish_retry=True,
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.2,
                                   "interval_max": 0.2},
        broker_transport_options=_transport_options(broker_url(app)),
        beat_schedule=schedule,
        beat_schedule_filename=str(Path(app.instance_path) / "celerybeat-schedule"),
        timezone="UTC",
        worker_hijack_root_logger=False,
    )
    _register_tasks(celery)
    app.extensions["celery"] = celery
    return celery


def _transport_options(url: str) -> dict[str, Any]:
    if url.startswith(("redis://", "rediss://")):
        # A dead Redis fails a publish in seconds, not at the OS's TCP timeout.
        return {"socket_connect_timeout": 2, "socket_timeout": 5}
    return {}


def _register_tasks(celery: Celery) -> None:
    @celery.task(name=RUN_JOB, shared=False)
    def run_job_task(job_id: int) -> str:
        from storefront.jobs.runner import run_job

        return run_job(job_id)

    @celery.task(name=SWEEP, shared=False)
    def sweep_task() -> int:
        from storefront.jobs.runner import sweep

        return sweep()

    @celery.task(name=RECORD_PERIODIC, shared=False)
    def record_periodic_task(kind: str) -> None:
        from storefront.extensions import db
        from storefront.jobs.outbox import record

        record(kind, {"scheduled_at": now().isoformat()})
        db.session.commit()


def publish(job_id: int, run_after: datetime | None) -> None:
    """Tell the workers about job `job_id`, to run no earlier than `run_after`."""
    celery: Celery = current_app.extensions["celery"]
    options: dict[str, Any] = {}
    if run_after is not None and not celery.conf.task_always_eager:
        wait = (run_after - now()).total_seconds()
        if wait > 0:
            # Long waits (reminders days away) are left to the sweep: brokers keep countdown
            # messages in worker memory, which is the wrong place for a week-long promise.
            if wait > timedelta(hours=1).total_seconds():
                return
            options["countdown"] = wait
    celery.tasks[RUN_JOB].apply_async(args=[job_id], **options)
