"""The publication: articles whose "Shop now" calls to action are live product cards."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, url_for

bp = Blueprint("blog", __name__, url_prefix="/blog")


@dataclass(frozen=True)
class FeaturedIn:
    title: str
    url: str


def _featured_in(product) -> dict:
    """Product-page extra: the public articles that sell this product (one query, kept in the
    fragment cache per catalog version and due-time marker when Redis is there)."""
    from blog.queries import articles_featuring
    from storefront.caching.fragments import cached_fragment
    from storefront.caching.version import page_state

    titles_and_slugs = cached_fragment(
        "featured-in",
        {"product": product.id, "slug": product.slug, "due": page_state().markers},
        lambda: [[a.title, a.slug] for a in articles_featuring(product.id, product.slug)],
        dump=list,
        load=lambda rows: [(str(title), str(slug)) for title, slug in rows],
    )
    return {"featured_in": [FeaturedIn(title, url_for("blog.article", slug=slug)) for title, slug in titles_and_slugs]}


def _sitemap_entries() -> list:
    from blog.queries import public_article_dates
    from storefront.site_urls import absolute_url_for

    entries = [(absolute_url_for("blog.index"), None)]
    entries += [
        (absolute_url_for("blog.article", slug=slug), changed)
        for slug, changed in public_article_dates()
    ]
    return entries


# An article dated in the future (scheduled, or published with a later date) goes live when
# its time comes, with no write to the database: pages that list it change then.
DUE_ARTICLES_SQL = (
    "SELECT MAX(published_at) FROM article "
    "WHERE status IN ('published', 'scheduled') AND published_at <= :now"
)

def init_app(app) -> None:
    """Hook the publication into product pages and the sitemap."""
    from blog.versioned import register_blog_tables
    from blog.view_counter import push_views_if_due
    from storefront.caching.version import register_time_marker
    from storefront.hooks import register_product_extra, register_sitemap_source

    register_product_extra(app, _featured_in)
    # What public pages show of the publication, narrow (blog/versioned.py); article_view,
    # written on every page view, is left out or nothing would stay cached.
    register_blog_tables(app)
    register_time_marker(app, "blog", DUE_ARTICLES_SQL)
    register_sitemap_source(app, _sitemap_entries)
    app.after_request(push_views_if_due)  # views tallied in this process, sent once a second
    app.jinja_env.globals["cta_live_card"] = _cta_live_card


def _cta_live_card(card, ref: str | None, anchor: str, lite: bool):
    """A CTA's live product card (blog/_cta.html `live_card_markup`), remembered by its content
    like the shop's tiles (storefront.catalog.card_html): an article shows the same cards to
    every reader, with their own CSRF token and way back filled in."""
    from flask import current_app

    from storefront.catalog.card_html import remembered_macro

    context = {"lite": bool(lite), "store_name": current_app.config["STORE_NAME"]}
    return remembered_macro("blog/_cta.html", "live_card_markup", card, ref, anchor, context=context)


from blog import feeds, views  # noqa: E402, F401
