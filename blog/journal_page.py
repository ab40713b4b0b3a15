"""The journal's index and tag pages, kept per page of articles (issue 20).

A page of the journal is the same for every reader of every URL of it (newsletter and social
links add their own tracking query): its blocks (blog/index.html: title, description, head and
content) are rendered once and kept in the fragment cache (storefront.caching.pieces,
storefront.caching.fragments) with the tags of what they read, so an article saved, published
or unpublished renders them again; the key holds the catalog version, the day and the due-time
markers (a scheduled article going live joins the first page). The "Newer" and "Older" links
keep each reader's own query (`url_with` holes). A reader with a flashed message gets the
pieces rendered for them alone; without Redis every request renders them, as before.
"""

from __future__ import annotations

from flask import request
from markupsafe import Markup

from blog.queries import count_public_articles, get_tag, list_public_articles
from storefront.caching.fragments import cached_fragment, fragment_store
from storefront.caching.pieces import NothingToKeep, kept_pieces, render_blocks
from storefront.caching.version import page_state

INDEX_TEMPLATE = "blog/index.html"
BLOCKS = ("title", "meta_description", "head_meta", "content")  # base.html's, filled by the journal
PER_PAGE = 10


def journal_pieces(tag_slug: str | None, page: int) -> dict[str, Markup] | None:
    """Page `page` of the journal (or of one tag's articles) in pieces for this request, or None
    when there is no such tag or page."""
    kept = kept_pieces(
        "journal-page",
        [request.endpoint, tag_slug, page, page_state().markers],
        lambda holes: _render(tag_slug, page, holes),
    )
    return kept.pieces if kept is not None else None


def _render(tag_slug: str | None, page: int, holes: dict[str, str] | None) -> dict:
    tag = None
    if tag_slug is not None:
        tag = get_tag(tag_slug)
        if tag is None:
            raise NothingToKeep(tag_slug)
    listing = list_public_articles(page, PER_PAGE, tag=tag, total=_journal_total(tag))
    if page > listing.pages:
        raise NothingToKeep(page)
    context = {"listing": listing, "tag": tag}
    return {"pieces": render_blocks(INDEX_TEMPLATE, context, holes, BLOCKS)}


def _journal_total(tag) -> int | None:
    """The number of public articles (of a tag), kept per catalog version and due-time marker:
    counting all of them on every page would be the journal's one cost that grows with its size.
    None when there is no fragment cache (the page query then counts as it reads)."""
    if not fragment_store().enabled:
        return None
    parts = {"tag": tag.id if tag is not None else None, "due": page_state().markers}
    return cached_fragment("journal-total", parts, lambda: count_public_articles(tag), dump=int, load=int)
