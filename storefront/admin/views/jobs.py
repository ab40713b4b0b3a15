"""Background jobs for staff: what waits, what runs, and every job that failed for good, with its
error and a "Retry" button (storefront.jobs.retry). Admins only (the blueprint guard's default):
a failed job's payload names customers.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from storefront import jobs
from storefront.admin import bp
from storefront.admin.forms import ConfirmForm
from storefront.admin.views.jobs_payloads import describe_payloads
from storefront.clock import now
from storefront.jobs.monitor import failed_count, failed_jobs, job_counts, oldest_waiting

PER_PAGE = 25


@bp.context_processor
def _failed_job_count():
    """The staff navigation shows how many jobs failed; counted only when a page draws it."""
    return {"failed_job_count": failed_count}


@bp.get("/jobs")
def jobs_list():
    try:
        page = max(1, min(int(request.args.get("page", 1)), 10_000))
    except ValueError:
        page = 1
    result = failed_jobs(page, PER_PAGE)
    oldest = oldest_waiting()
    return render_template(
        "admin/jobs.html",
        counts=job_counts(),
        # Due work left waiting for minutes means no worker is taking it: say so.
        waited_minutes=int((now() - oldest).total_seconds() // 60) if oldest is not None else 0,
        result=result,
        described=describe_payloads(result.jobs),
        confirm=ConfirmForm(),
    )


@bp.post("/jobs/<int:job_id>/retry")
def jobs_retry(job_id: int):
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash("The form had expired; please press Retry again.", "error")
    elif jobs.retry(job_id):
        flash(f"Job {job_id} was handed to the workers again.", "success")
    else:
        flash(f"Job {job_id} is not waiting for a retry (it may have been retried already).", "info")
    return redirect(url_for("admin.jobs_list", page=request.form.get("page", type=int) or None))
