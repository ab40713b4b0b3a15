"""The publication's tables that public pages show, and which cached pages a write to each concerns.

All of them are *narrow* (storefront.caching.registry): a write stamps the tags of what it
concerns, never the catalog version, so an article edit leaves the shop's cached pages alone.
The tags, and who declares them (blog/queries.py, the journal's read API):

| tag | stamped by | declared by |
|---|---|---|
| `article:<id>` | any write to the article, its topic links | its page and lite view; "related articles", "Featured in" and a journal page listing it |
| `author:<id>` | any write to the author | the pages of the articles written or reviewed by them; a journal page listing one |
| `topic:<id>` | any write to the blog tag | the pages of the articles carrying it; its tag page |
| `featured:<product id>` | any write to an article linking the product (by id or slug), any link to it | the product page's "Featured in" list |
| `journal` | every write to any of these tables | the feed, the sitemap's articles, a tag page of no tag yet, a read nobody declared |
| `journal+` | a write that may make an article join a list (new, deleted, status or date, topics) | "related articles" (the first few matches of a query), the journal's index and tag pages and their counts |

An article going live with time alone (scheduled) changes no row: the page-state time marker
(blog.DUE_ARTICLES_SQL) is in every page key.
"""

from __future__ import annotations

from flask import Flask

from storefront.caching.registry import TagRule, register_versioned_table

JOURNAL_TAG = "journal"
JOURNAL_ADDED_TAG = "journal+"


def article_tag(article_id: int) -> str:
    return f"article:{article_id}"


def author_tag(author_id: int) -> str:
    return f"author:{author_id}"


def topic_tag(tag_id: int) -> str:
    return f"topic:{tag_id}"


def featured_tag(product_id: int) -> str:
    return f"featured:{product_id}"


def _journal_rule(sql: str, steady_when: str | None = None, *, adds: bool = True) -> TagRule:
    return TagRule(
        sql, steady_when, any_tag=JOURNAL_TAG, added_tag=JOURNAL_ADDED_TAG if adds else None
    )


# The products an article's CTAs link to, by id and by slug ("Featured in" matches either).
_LINKED_PRODUCTS = (
    "SELECT 'featured:' || l.product_id AS t FROM article_product_link l "
    "WHERE l.article_id = {row}.id AND l.product_id IS NOT NULL UNION ALL "
    "SELECT 'featured:' || p.id AS t FROM article_product_link l JOIN product p ON p.slug = l.product_slug "
    "WHERE l.article_id = {row}.id"
)

RULES = {
    # A title, dek, body or author edit changes the article's own pages and the lists showing
    # it; its status, date or id may make it join a list ("journal+").
    "article": _journal_rule(
        "SELECT 'article:' || {row}.id AS t UNION ALL " + _LINKED_PRODUCTS,
        steady_when="OLD.id = NEW.id AND OLD.status IS NOT DISTINCT FROM NEW.status "
        "AND OLD.published_at IS NOT DISTINCT FROM NEW.published_at",
    ),
    # Shown only through the articles naming them (bylines, bios) and the journal's lists.
    "author": _journal_rule("SELECT 'author:' || {row}.id AS t", adds=False),
    "blog_tag": _journal_rule("SELECT 'topic:' || {row}.id AS t", adds=False),
    # An article's topics rank its related articles: a new link may bring one into a list.
    "article_tag": _journal_rule(
        "SELECT 'article:' || {row}.article_id AS t",
        steady_when="OLD.article_id = NEW.article_id AND OLD.tag_id = NEW.tag_id",
    ),
    # Rebuilt on every save: never "journal+", or every article page would follow every save.
    "article_product_link": _journal_rule(
        "SELECT 'featured:' || {row}.product_id AS t WHERE {row}.product_id IS NOT NULL UNION ALL "
        "SELECT 'featured:' || p.id AS t FROM product p WHERE p.slug = {row}.product_slug",
        adds=False,
    ),
}


def register_blog_tables(app: Flask) -> None:
    for table, rule in RULES.items():
        register_versioned_table(app, table, tags=rule)
