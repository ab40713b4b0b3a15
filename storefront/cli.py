"""`flask larder ...`: the store's command line; create_app adds every package's commands to it."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from storefront.hooks import seed_steps


@click.group()
def larder() -> None:
    """Larder store commands."""


@larder.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load the demo catalog (and every registered demo step, e.g. articles). Safe to re-run."""
    from storefront.catalog.seeding import load_demo_catalog, seed_catalog

    data = load_demo_catalog()
    with click.progressbar(length=len(data["products"]), label="Products", show_pos=True) as bar:
        report = seed_catalog(data, progress=bar.update)
    click.echo(f"Catalog: {report}")
    for name, step in seed_steps(current_app):
        click.echo(f"{name}: {step(click.echo)}")
    click.echo("Demo data ready.")
