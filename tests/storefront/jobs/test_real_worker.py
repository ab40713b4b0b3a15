"""The outbox's faults with a real Celery worker and beat on a Redis of the test's own (issue 16,
must-show 2): an SMTP server that refuses three times, a broker that is down when the order is
paid, a worker killed -9 in the middle of sending. Each ends with exactly one email.

The web side is a second app in this process, built like production (JOBS_EAGER off, the Redis
broker) on a database the worker processes share: a file SQLite database, or a PostgreSQL
database of its own when TEST_DATABASE_URL is PostgreSQL. The test suite's own app runs jobs
eagerly, so it could not show any of this.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from storefront import create_app
from storefront.extensions import db
from storefront.jobs import OutboxJob
from tests.fixtures.processes import (
    Process,
    app_env,
    background_process,
    beat_command,
    free_port,
    redis_answers,
    redis_server_command,
    require_redis_server,
    scratch_database,
    wait_until,
    worker_command,
)
from tests.storefront.jobs.smtp import FlakyHandler, smtp_server

CONFIRMATION = "orders.confirmation"


@dataclass
class Stack:
    """One shop's background machinery: database, Redis, SMTP server, workers, beat."""

    tmp: Path
    database_url: str
    redis_port: int
    smtp: FlakyHandler
    smtp_port: int
    exits: ExitStack
    settings: dict[str, str] = field(default_factory=dict)
    workers: list[Process] = field(default_factory=list)
    _web: object = None

    @property
    def broker_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    def env(self) -> dict[str, str]:
        return app_env(
            LARDER_ENV="development", DATABASE_URL=self.database_url, CELERY_BROKER_URL=self.broker_url,
            LARDER_INSTANCE_PATH=str(self.tmp / "instance"), MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(self.smtp_port), JOBS_RETRY_BASE_SECONDS="1", JOBS_SWEEP_SECONDS="1",
            JOBS_REHAND_SECONDS="1", **self.settings,
        )

    def start_redis(self, name: str = "redis") -> Process:
        redis = self.exits.enter_context(
            background_process(name, redis_server_command(self.redis_port), app_env(), self.tmp))
        wait_until(lambda: redis_answers(self.broker_url), timeout=10, what="redis-server")
        return redis

    def start_worker(self, name: str = "worker") -> Process:
        worker = self.exits.enter_context(background_process(name, worker_command(), self.env(), self.tmp))
        wait_until(lambda: " ready." in worker.log() or not worker.alive(), timeout=25, what=f"{name} ready")
        assert worker.alive(), worker.log()[-3000:]
        self.workers.append(worker)
        return worker

    def start_beat(self) -> Process:
        command = beat_command(self.tmp / "celerybeat-schedule")
        return self.exits.enter_context(background_process("beat", command, self.env(), self.tmp))

    @property
    def web(self):
        """The web side: the app as production builds it (jobs go to Redis after commit)."""
        if self._web is None:
            self._web = create_app({
                "LARDER_ENV": "testing", "SQLALCHEMY_DATABASE_URI": self.database_url, "JOBS_EAGER": False,
                "CELERY_BROKER_URL": self.broker_url, "INSTANCE_PATH": str(self.tmp / "instance"),
                "UPLOAD_FOLDER": str(self.tmp / "uploads"), "SERVER_NAME": None,
            })
            with self._web.app_context():
                db.create_all()
        return self._web

    def pay_an_order(self) -> tuple[str, float]:
        """Place and pay a demo order through the app's services; returns the order number and
        how long the paying commit (with its hand-over to the queue) took."""
        from storefront.orders.services import confirm_demo_payment
        from storefront.payments.models import Payment
        from tests.factories import make_order

        with self.web.app_context():
            order = make_order(email="ada@example.com")
            order.payments.append(Payment(gateway="demo", amount=order.total, currency=order.currency,
                                          provider_session_id="demo_cs_real_worker"))
            db.session.commit()
            started = time.monotonic()
            confirm_demo_payment(order)  # commits the payment and its outbox job, then hands it over
            took = time.monotonic() - started
            number = order.number
            db.session.remove()
        return number, took

    def job(self) -> OutboxJob:
        with self.web.app_context():
            job = db.session.scalar(select(OutboxJob).where(OutboxJob.kind == CONFIRMATION))
            db.session.expunge_all()
            db.session.remove()
        return job

    def logs(self) -> str:
        """Every process's log tail, for a failure message."""
        return "\n".join(f"--- {path.name}\n{path.read_text(errors='replace')[-4000:]}"
                         for path in sorted(self.tmp.glob("*.log")))


@pytest.fixture
def stack(tmp_path, request) -> Iterator[Stack]:
    require_redis_server()
    handler = FlakyHandler(**getattr(request, "param", {}))
    with ExitStack() as exits:
        smtp_port = exits.enter_context(smtp_server(handler))
        built = Stack(tmp=tmp_path, database_url=scratch_database(tmp_path, "real_worker"),
                      redis_port=free_port(), smtp=handler, smtp_port=smtp_port, exits=exits)
        (tmp_path / "instance").mkdir()
        assert built.web  # the schema exists before any worker or beat starts
        yield built
        if built._web is not None:
            with built.web.app_context():
                db.session.remove()
                db.engine.dispose()


def _delivered_once(stack: Stack, number: str) -> None:
    wait_until(lambda: len(stack.smtp.delivered) >= 1, timeout=45, what="the confirmation email")
    time.sleep(2.5)  # two more sweeps: nothing may be sent again
    subjects = [m["Subject"] for m in stack.smtp.delivered]
    assert subjects == [f"Your Larder order {number}"], stack.logs()
    assert stack.smtp.delivered[0]["To"] == "ada@example.com"


@pytest.mark.parametrize("stack", [{"refuse_first": 3}], indirect=True)
def test_smtp_refusing_three_times_then_accepting_sends_the_email_once(stack):
    stack.start_redis()
    stack.start_worker()
    stack.start_beat()

    number, _ = stack.pay_an_order()

    _delivered_once(stack, number)
    assert stack.smtp.refused == 3
    job = stack.job()
    assert (job.status, job.attempts, job.last_error) == ("done", 4, "")


def test_broker_down_at_commit_the_email_still_goes_out_once(stack):
    redis = stack.start_redis()
    stack.start_worker()
    stack.start_beat()
    redis.kill()

    number, took = stack.pay_an_order()

    assert took < 1.5, f"the paying commit waited {took:.1f}s for a dead broker"
    job = stack.job()
    assert job.status == "pending" and job.attempts == 0  # committed with the payment, not sent
    time.sleep(1.5)
    assert stack.smtp.delivered == []
    stack.start_redis("redis-again")  # the same port: workers and beat reconnect

    _delivered_once(stack, number)
    job = stack.job()
    assert (job.status, job.attempts) == ("done", 1)


@pytest.mark.parametrize("stack", [{"stall_first": 1}], indirect=True)
def test_a_worker_killed_mid_send_leaves_the_job_to_be_redone_once(stack):
    stack.settings["JOBS_LEASE_SECONDS"] = "3"
    stack.start_redis()
    first = stack.start_worker("worker-1")
    stack.start_beat()

    number, _ = stack.pay_an_order()
    assert stack.smtp.stalling.wait(20), stack.logs()  # the worker is inside DATA
    assert stack.job().status == "running"
    first.kill()  # kill -9 the worker and its pool child: no clean-up, no acknowledgement
    stack.start_worker("worker-2")

    _delivered_once(stack, number)
    job = stack.job()
    assert (job.status, job.attempts) == ("done", 2)
    assert re.search(r"larder\.run_job\[.*succeeded.*'done'", stack.workers[1].log()), "the second worker sent it"
