"""`flask larder jobs ...`: look at the outbox and work it by hand (cron, a stuck deployment, staff
without the admin at hand)."""

from __future__ import annotations

import click

from storefront.clock import now
from storefront.jobs.monitor import failed_job_ids, job_counts, oldest_waiting
from storefront.jobs.runner import retry, run_due_jobs, sweep


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs (the outbox): status, run, retry, sweep."""


@jobs_group.command("status")
def status_command() -> None:
    """How many jobs wait, run, failed, and were done today."""
    counts = job_counts()
    click.echo(f"pending     {counts.pending}")
    click.echo(f"running     {counts.running}")
    click.echo(f"failed      {counts.failed}")
    click.echo(f"done today  {counts.done_today}")
    oldest = oldest_waiting()
    if oldest is not None:
        minutes = max(0, int((now() - oldest).total_seconds() // 60))
        click.echo(f"the oldest due job has waited {minutes} min" + (" (are the workers running?)" if minutes >= 5 else ""))


@jobs_group.command("run-due")
@click.option("--limit", default=1000, show_default=True, help="Run at most this many jobs.")
def run_due_command(limit: int) -> None:
    """Run the due jobs here, one by one, instead of in a worker. Exits 1 if one failed for good."""

    def progress(position: int, total: int, outcome: str) -> None:
        click.echo(f"[{position}/{total}] {outcome}")

    counts = run_due_jobs(limit=limit, on_each=progress)
    if not counts:
        click.echo("No jobs are due.")
        return
    click.echo("Ran " + ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items())) + ".")
    if counts.get("failed"):
        raise SystemExit(1)


@jobs_group.command("retry")
@click.argument("job_id", type=int, required=False)
@click.option("--all-failed", is_flag=True, help="Retry every failed job.")
def retry_command(job_id: int | None, all_failed: bool) -> None:
    """Give a failed job (or every failed job) a fresh set of attempts and hand it to the workers."""
    if (job_id is None) == (not all_failed):
        raise click.UsageError("Give one job id, or --all-failed.")
    if all_failed:
        ids = failed_job_ids()
        retried = sum(retry(each) for each in ids)
        click.echo(f"Retried {retried} failed job{'' if retried == 1 else 's'}.")
        return
    if not retry(job_id):
        raise click.ClickException(f"Job {job_id} is not a failed job (no such job, or not failed).")
    click.echo(f"Job {job_id} was handed to the workers again.")


@jobs_group.command("sweep")
def sweep_command() -> None:
    """What beat does every JOBS_SWEEP_SECONDS: free jobs whose worker died, re-send forgotten ones."""
    handed = sweep()
    click.echo(f"Handed {handed} job{'' if handed == 1 else 's'} to the queue.")
