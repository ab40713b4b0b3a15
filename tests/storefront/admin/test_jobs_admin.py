"""Staff see failed background work at /admin/jobs: what it was for, the error, a Retry button."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from storefront import jobs
from storefront.clock import now
from storefront.extensions import db
from storefront.jobs import OutboxJob
from storefront.mail import outbox
from tests.factories import make_order, make_product

SMTP_ERROR = "SMTPRecipientsRefused: {'ada@example.com': (451, b'4.3.0 Mailbox busy')}"


def failed_job(order=None, *, kind="orders.confirmation", payload=None, error=SMTP_ERROR, **values) -> OutboxJob:
    """A job that used up its attempts, as the runner leaves it."""
    payload = payload if payload is not None else {"order_id": (order or make_order(email="ada@example.com")).id}
    job = OutboxJob(kind=kind, payload=payload, status="failed", attempts=8, last_error=error, done_at=now(),
                    **values)
    db.session.add(job)
    db.session.commit()
    return job


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/admin/jobs")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["customer", "editor"])
def test_shoppers_and_editors_are_refused(client, auth, role):
    from tests.factories import make_user

    auth.login(make_user(role=role))
    assert client.get("/admin/jobs").status_code == 403
    assert client.post("/admin/jobs/1/retry").status_code == 403


def test_a_failed_job_shows_what_it_was_for_its_attempts_and_error(as_admin):
    order = make_order(email="ada@example.com")
    job = failed_job(order)

    html = as_admin.get("/admin/jobs").get_data(as_text=True)

    assert "orders.confirmation" in html
    assert f"Order {order.number} (ada@example.com)" in html
    assert f'href="/admin/orders/{order.id}"' in html
    assert "SMTPRecipientsRefused" in html and "4.3.0 Mailbox busy" in html
    assert f"/admin/jobs/{job.id}/retry" in html and ">8<" in html


def test_a_payload_the_page_does_not_know_is_shown_as_it_is(as_admin):
    failed_job(kind="media.resize", payload={"image_id": 7, "width": 640}, error="OSError: disk full")
    html = as_admin.get("/admin/jobs").get_data(as_text=True)
    assert "image id: 7, width: 640" in html and "OSError: disk full" in html


def test_the_page_counts_jobs_by_state(as_admin):
    failed_job()
    later = now() + timedelta(hours=2)  # not due: the eager test queue leaves them waiting
    db.session.add_all([
        OutboxJob(kind="k", payload={}, status="pending", run_after=later),
        OutboxJob(kind="k", payload={}, status="pending", run_after=later),
        OutboxJob(kind="k", payload={}, status="running"),
        OutboxJob(kind="k", payload={}, status="done", done_at=now()),
        OutboxJob(kind="k", payload={}, status="done", done_at=now() - timedelta(days=2)),  # not today
    ])
    db.session.commit()

    html = as_admin.get("/admin/jobs").get_data(as_text=True)

    for count, label in [(2, "waiting"), (1, "running"), (1, "failed"), (1, "done today")]:
        assert f'<span class="stat-value">{count}</span> {label}' in html


def test_retry_sends_the_email_and_the_job_leaves_the_list(as_admin):
    outbox().clear()
    order = make_order(email="ada@example.com")
    job = failed_job(order)

    response = as_admin.post(f"/admin/jobs/{job.id}/retry", follow_redirects=True)

    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f"Job {job.id} was handed to the workers again" in html
    assert "No failed jobs" in html and "SMTPRecipientsRefused" not in html
    (message,) = outbox()
    assert order.number in message["Subject"] and message["To"] == "ada@example.com"
    db.session.expire_all()
    assert (db.session.get(OutboxJob, job.id).status, db.session.get(OutboxJob, job.id).attempts) == ("done", 1)


def test_a_retry_that_fails_again_stays_on_the_list_with_the_new_error(as_admin):
    job = failed_job(kind="tests.still_broken", payload={"note": "x"}, max_attempts=1)

    as_admin.post(f"/admin/jobs/{job.id}/retry")

    html = as_admin.get("/admin/jobs").get_data(as_text=True)
    assert "tests.still_broken" in html and "still broken" in html
    assert "SMTPRecipientsRefused" not in html


@jobs.handler("tests.still_broken")
def _still_broken(payload: dict) -> None:
    raise jobs.PermanentFailure("still broken")


def test_retrying_a_job_that_is_not_failed_changes_nothing(as_admin):
    job = OutboxJob(kind="orders.confirmation", payload={"order_id": 1}, status="done", attempts=1, done_at=now())
    db.session.add(job)
    db.session.commit()

    response = as_admin.post(f"/admin/jobs/{job.id}/retry", follow_redirects=True)

    assert "is not waiting for a retry" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(OutboxJob, job.id).status == "done"
    assert as_admin.post("/admin/jobs/999999/retry", follow_redirects=True).status_code == 200


def test_the_staff_navigation_shows_the_failed_count(as_admin):
    assert ">Jobs</a>" in as_admin.get("/admin/jobs").get_data(as_text=True)  # none failed: no count (nav label "Jobs" since #17)
    failed_job()
    failed_job()
    html = as_admin.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/jobs"' in html and "(2 failed)" in html


def test_query_count_does_not_grow_with_failed_jobs(as_admin, count_queries):
    product = make_product(price=1000, stock=100)
    failed_job(make_order([(product.variants[0], 1)]))
    with count_queries() as few:
        assert as_admin.get("/admin/jobs").status_code == 200
    for i in range(12):
        failed_job(make_order([(product.variants[0], 1)], email=f"shopper{i}@example.com"))
    failed_job(kind="media.resize", payload={"image_id": 3})
    with count_queries() as many:
        html = as_admin.get("/admin/jobs").get_data(as_text=True)
    assert "shopper11@example.com" in html
    assert many.count == few.count


def test_many_failed_jobs_are_paged(as_admin):
    ids = [failed_job(kind="media.resize", payload={"image_id": n}).id for n in range(30)]

    first = as_admin.get("/admin/jobs").get_data(as_text=True)
    second = as_admin.get("/admin/jobs?page=2").get_data(as_text=True)

    assert first.count("/retry") == 25 and second.count("/retry") == 5
    assert "1 of 2" in first and 'rel="next"' in first and "2 of 2" in second
    shown = {int(n) for n in __import__("re").findall(r"/admin/jobs/(\d+)/retry", first + second)}
    assert shown == set(ids)
    assert as_admin.get("/admin/jobs?page=abc").status_code == 200
    assert "2 of 2" in as_admin.get("/admin/jobs?page=99").get_data(as_text=True)


def test_a_job_failed_for_good_by_the_runner_appears_with_its_error(as_admin):
    jobs.record("tests.still_broken", {"note": "from the runner"})
    db.session.commit()  # eager in tests: run at once, fails permanently

    job = db.session.scalar(select(OutboxJob).where(OutboxJob.kind == "tests.still_broken"))
    assert job.status == "failed" and job.done_at is not None
    html = as_admin.get("/admin/jobs").get_data(as_text=True)
    assert "note: from the runner" in html and "PermanentFailure: still broken" in html


def test_due_work_left_waiting_warns_that_no_worker_is_taking_it(as_admin):
    job = OutboxJob(kind="k", payload={}, status="pending", run_after=now() + timedelta(hours=2))
    db.session.add(job)
    db.session.commit()
    assert "check that the workers" not in as_admin.get("/admin/jobs").get_data(as_text=True)

    job.run_after = now() - timedelta(minutes=12)  # due 12 minutes ago, still waiting
    db.session.commit()

    html = as_admin.get("/admin/jobs").get_data(as_text=True)
    assert "The oldest job that is due has waited 12 minutes" in html
