"""`flask larder import-products FILE`: the CSV import from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from storefront.catalog.csv_io import CsvImportError, import_products_csv, parse_products_csv


@click.command("import-products")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_products(file: Path) -> None:
    """Import a Shopify product CSV; nothing is written unless every row is valid."""
    data = file.read_bytes()
    currency, site = current_app.config["STORE_CURRENCY"], current_app.config["SITE_URL"]
    products, errors, _ = parse_products_csv(data, currency, site)
    if errors:
        for error in errors:
            click.echo(str(error), err=True)
        raise click.ClickException(f"{len(errors)} problem(s) in {file.name}; nothing was imported.")
    with click.progressbar(length=len(products), label="Products", show_pos=True) as bar:
        try:
            report = import_products_csv(data, currency, site, progress=bar.update)
        except CsvImportError as exc:  # the catalog changed between the check and the write
            for error in exc.errors:
                click.echo(str(error), err=True)
            raise click.ClickException("nothing was imported") from None
    click.echo(f"Imported: {report}")
