"""`flask larder ...`: the store's command line; create_app adds every package's commands to it."""

from __future__ import annotations

import click


@click.group()
def larder() -> None:
    """Larder store commands."""
