"""`flask larder search reindex`: refill what the site search derives from products and articles."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from storefront.search.vocabulary import rebuild, refresh_article_keywords, rows_to_index


@click.group("search")
def search_group() -> None:
    """The site search's derived data."""


@search_group.command("reindex")
@click.option("--batch-size", default=2000, show_default=True, type=click.IntRange(100, 50_000))
@with_appcontext
def reindex_command(batch_size: int) -> None:
    """Copy tag and author names onto articles, then rebuild the typo-correction vocabulary
    from every product and article. The full-text indexes themselves follow every write."""
    click.echo(f"Articles: {refresh_article_keywords()} given fresh keywords.")
    with click.progressbar(length=rows_to_index(), label="Reading products and articles", show_pos=True) as bar:
        count = rebuild(batch_size, progress=bar.update)
    click.echo(f"Vocabulary: {count} words.")
