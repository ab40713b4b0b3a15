"""`flask larder reconcile-payments`: settle pending orders whose payment notification never came."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from storefront.checkout.services import reconcile_pending_orders


@click.command("reconcile-payments")
@click.option("--older-than", "older_than", type=click.IntRange(min=1), default=90, show_default=True,
              help="Only orders pending for at least this many minutes.")
@with_appcontext
def reconcile_payments_command(older_than: int) -> None:
    """Ask the payment provider about old pending orders: mark paid ones paid, release abandoned stock."""
    report = reconcile_pending_orders(older_than)
    click.echo(f"Paid: {len(report.paid)}  Cancelled (stock released): {len(report.cancelled)}  "
               f"Still open: {len(report.open)}  Errors: {len(report.errors)}")
    for line in report.errors:
        click.echo(f"  ! {line}", err=True)
    if report.errors:
        raise SystemExit(1)
