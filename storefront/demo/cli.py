"""`flask larder seed-demo` and `flask larder seed-bulk`: progress bars and reports around the loaders."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from storefront.demo.articles import seed_articles, seed_authors
from storefront.demo.bulk import analyze, seed_bulk_articles, seed_bulk_products
from storefront.demo.catalog import load_demo_catalog, seed_catalog
from storefront.demo.discounts import seed_discounts
from storefront.demo.orders import load_demo_activity, seed_demo_orders
from storefront.demo.reviews import seed_demo_reviews
from storefront.pages.services import seed_standard_pages
from storefront.search.vocabulary import rebuild as rebuild_vocabulary
from storefront.search.vocabulary import refresh_article_keywords, rows_to_index


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load the demo catalog, articles and shop activity. Safe to re-run: only what is missing is added."""
    data = load_demo_catalog()
    with click.progressbar(length=len(data["products"]), label="Products", show_pos=True) as bar:
        report = seed_catalog(data, progress=bar.update)
    click.echo(f"Catalog: {report}")
    click.echo(f"Pages: {seed_standard_pages()} standard pages added")
    click.echo(f"Discount codes: {seed_discounts()} added")
    # Orders come last: their carts and traffic refer to the articles.
    click.echo(f"Articles: {_seed_demo_articles()}")
    click.echo(f"Demo orders: {_seed_demo_activity()}")
    click.echo(f"Reviews: {seed_demo_reviews()}")  # after the orders: each is tied to a demo purchase
    click.echo("Demo data ready.")


def _seed_demo_articles() -> str:
    """Authors, then articles."""
    authors = seed_authors()
    added, present = seed_articles(echo=click.echo)
    return f"{authors} authors added, {added} articles added, {present} already present"


def _seed_demo_activity() -> str:
    """Demo orders with a progress bar, then the article traffic."""
    data = load_demo_activity()
    with click.progressbar(length=len(data.get("orders", [])), label="Demo orders", show_pos=True) as bar:
        report = seed_demo_orders(data, progress=bar.update)
    for problem in report.skipped:
        click.echo(f"  skipped {problem}")
    return str(report)


@click.command("seed-bulk")
@click.option("--products", "products", default=1000, show_default=True, type=click.IntRange(0, 5_000_000))
@click.option("--articles", "articles", default=0, show_default=True, type=click.IntRange(0, 1_000_000))
@click.option("--batch-size", default=2000, show_default=True, type=click.IntRange(1, 50_000))
@click.option("--seed", default=42, show_default=True, help="Random seed (same seed, same catalog).")
@with_appcontext
def seed_bulk(products: int, articles: int, batch_size: int, seed: int) -> None:
    """Add many generated products (and articles, if the blog is installed) for scale tests."""
    if products:
        with click.progressbar(length=products, label="Products", show_pos=True) as bar:
            made = seed_bulk_products(products, batch_size, seed, progress=bar.update)
        click.echo(f"Products: {made} added.")
    if articles:
        with click.progressbar(length=articles, label="Articles", show_pos=True) as bar:
            made_articles = seed_bulk_articles(articles, min(batch_size, 1000), seed, progress=bar.update)
        if made_articles is None:
            click.echo("Articles: skipped (the blog package is not installed).")
        else:
            click.echo(f"Articles: {made_articles} added.")
    if products or articles:
        # Bulk rows bypass the ORM hooks that keep the site search's derived data in step.
        refresh_article_keywords()
        with click.progressbar(length=rows_to_index(), label="Search vocabulary", show_pos=True) as bar:
            words = rebuild_vocabulary(progress=bar.update)
        click.echo(f"Search vocabulary: {words} words.")
    analyze()
