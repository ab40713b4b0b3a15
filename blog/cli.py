"""`flask larder import-article`, `flask larder check-ctas` and `flask larder flush-views`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from blog.services import ArticleValidationError, broken_ctas, import_article_file
from blog.view_counter import flush_views, view_counter


@click.command("import-article")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--publish", is_flag=True, help="Publish at once (refused if a CTA slug is unknown).")
@click.option("--author", "author", default=None, help="Author slug for the byline.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "markdown", "html"]), default=None,
    help="Input format (default: from the file name, else sniffed).",
)  # fmt: skip
@click.option("--update", "update", is_flag=True,
              help="If an article with this title's slug exists, replace its text with the file.")
@click.option("--as-new", "as_new", is_flag=True,
              help="If an article with this title's slug exists, import beside it as slug-2.")
@with_appcontext
def import_article_command(
    file: Path, publish: bool, author: str | None, fmt: str | None, update: bool, as_new: bool
) -> None:
    """Import an article from plain text, Markdown or HTML as a draft (or --publish it).

    An existing article with the same slug is never silently duplicated: the import stops
    and says so unless --update or --as-new says what to do.
    """
    if update and as_new:
        raise click.UsageError("--update and --as-new exclude each other: choose one.")
    on_conflict = "update" if update else "as-new" if as_new else None
    data = file.read_bytes()
    steps = ["Reading", "Detecting structure", "Saving"]
    with click.progressbar(steps, label=f"Importing {file.name}", item_show_func=lambda s: s) as bar:
        for step in bar:
            if step == "Saving":
                try:
                    result = import_article_file(
                        data, file.name, author=author, publish=publish, fmt=fmt,
                        on_conflict=on_conflict,
                    )
                except ArticleValidationError as exc:
                    click.echo("")
                    for message in exc.messages:
                        click.echo(f"Error: {message}", err=True)
                    sys.exit(1)
    imported, article = result.imported, result.article
    click.echo(f"Format: {imported.source_format}")
    click.echo(f"Title: {imported.title}")
    click.echo(f"Dek: {imported.dek}")
    click.echo(f"Headings ({len(imported.headings)}):")
    for heading in imported.headings:
        click.echo(f"  - {heading}")
    click.echo(f"Paragraphs: {imported.paragraph_count}")
    if imported.skipped_lines:
        click.echo(f"Skipped as site chrome ({len(imported.skipped_lines)}):")
        for line in imported.skipped_lines:
            click.echo(f"  - {line}")
    for note in result.notes:
        click.echo(note)
    for warning in result.warnings:
        click.echo(f"Warning: {warning}")
    state = article.status
    click.echo(f"Saved as {state} article '{article.slug}' (id {article.id}).")


@click.command("check-ctas")
@with_appcontext
def check_ctas_command() -> None:
    """List broken or sold-out CTAs in published and scheduled articles; exit 1 if any."""
    found = broken_ctas()
    if not found:
        click.echo("All CTAs point at products that are on sale and in stock.")
        return
    for problem in found:
        click.echo(str(problem))
    click.echo(f"{len(found)} CTA problem(s) found.", err=True)
    sys.exit(1)


@click.command("flush-views")
@with_appcontext
def flush_views_command() -> None:
    """Write the article views buffered in Redis to the database now; exit 1 if that failed."""
    if not view_counter().enabled:
        click.echo("REDIS_URL is not set: views are written to the database as they happen.")
        return
    result = flush_views()
    if result.error:
        click.echo(f"Views not flushed: {result.error}.", err=True)
        sys.exit(1)
    click.echo(f"Flushed {result.views} view(s) of {result.articles} article(s).")
    if result.dropped:
        click.echo(f"Dropped {result.dropped} view(s) of unknown or unpublished articles.")
