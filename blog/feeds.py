"""The journal's Atom feed, built with feedgen (never hand-written XML)."""

from __future__ import annotations

from feedgen.feed import FeedGenerator
from flask import Response, current_app

from blog import bp
from blog.queries import newest_public_articles
from storefront.clock import as_utc, now
from storefront.site_urls import absolute_url_for

FEED_SIZE = 20


@bp.get("/feed.xml")
def feed():
    store = current_app.config["STORE_NAME"]
    articles = newest_public_articles(FEED_SIZE)
    fg = FeedGenerator()
    fg.id(absolute_url_for("blog.index"))
    fg.title(f"{store} Journal")
    fg.subtitle("Evidence-based guides to low-FODMAP eating and supplements.")
    fg.link(href=absolute_url_for("blog.index"), rel="alternate")
    fg.link(href=absolute_url_for("blog.feed"), rel="self")
    fg.language("en")
    fg.updated(max((as_utc(a.updated_at) for a in articles), default=now()))
    for article in reversed(articles):  # feedgen prepends: oldest in first, newest on top
        url = absolute_url_for("blog.article", slug=article.slug)
        entry = fg.add_entry()
        entry.id(url)
        entry.title(article.title)
        entry.link(href=url)
        entry.summary(article.dek or article.title)
        entry.published(as_utc(article.published_at))
        entry.updated(max(as_utc(article.updated_at), as_utc(article.published_at)))
        if article.author:
            entry.author(name=article.author.name)
    return Response(fg.atom_str(pretty=True), mimetype="application/atom+xml")
