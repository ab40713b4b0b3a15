"""Which tables public pages show: each package registers its own, from its init_app.

A registered table gets database triggers (storefront.caching.triggers), so any write to it, by
any writer, is seen. By default a write changes the catalog version, and with it every page
key: every cached page is emptied. A table registered with a `TagRule` is *narrow*: a write
bumps only the dependency tags the rule names (e.g. "product:42", "collection:7"), and only the
pages that declared one of those tags while rendering are rendered again
(storefront.caching.tags). A table written on every page view (e.g. article_view) must stay
unregistered, or nothing would stay cached.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import Flask

from storefront.state import larder_state

ANY_TAG = "*"  # the catalog's broad tag: stamped by every write to a product table
ADDED_TAG = "+"  # the catalog's "a row may have joined a filtered set" tag


@dataclass(frozen=True)
class TagRule:
    """Which dependency tags a write to a narrow table bumps, as SQL run by its triggers.

    `sql`: a SELECT of one text column named `t`, one row per tag, written against `{row}`
    (the trigger puts OLD or NEW there; an UPDATE runs it for both). It may read other tables
    (a product's collections), as they stand when the trigger runs.

    Every write also bumps ANY_TAG ("*": pages whose content any row of any narrow table may
    change, e.g. "all products" with its counts) and, unless `steady_when` holds for an
    UPDATE, ADDED_TAG ("+": "a row may have joined a filtered set", for pages showing the
    first few matches of a query, e.g. the newest products: a row *leaving* such a set is a
    row shown there, whose own tag is bumped). `steady_when` is an SQL condition over OLD and
    NEW (both dialects); None means any UPDATE may add a row to some set.


    `any_tag` and `added_tag` name those two tags for the rule's family of tables: the catalog's
    are "*" and "+"; the journal's are its own ("journal", "journal+"), so an article edit
    leaves the shop's listings alone. A read of a narrow table nobody declared (the safety net,
    storefront.caching.tags) depends on its table's `any_tag`.
    """

    sql: str
    steady_when: str | None = None
    any_tag: str = ANY_TAG
    added_tag: str | None = ADDED_TAG  # None: no write to the table can make a row join a set
    # Listings (issue 20): every write still stamps `any_tag` (the safety net needs a tag every
    # write bumps), but pages listing a whole set (all products, search, rule-based
    # collections) depend on `listing_tag` instead, stamped only by writes that can change which
    # rows a listing holds, their order or its counts: an UPDATE for which `listing_steady_when`
    # holds skips it (a sale leaving the product in stock, a review count). Such a page also
    # depends on the tags of the rows it shows, so what it shows of them stays fresh.
    listing_tag: str | None = None
    listing_steady_when: str | None = None
    # Tags of the hand-picked sets holding the row (its product's collections), stamped unless an
    # UPDATE satisfies `members_steady_when` (a set's page depends on its own tag only).
    members_sql: str | None = None
    members_steady_when: str | None = None
    # More tags for an UPDATE, a SELECT of column `t` over OLD and NEW (a price band, "stock").
    update_sql: str | None = None
    # Tags stamped with `added_tag`, under the same condition, naming the sets the row may have
    # joined ("+collection:<id>", "+diet:<id>"): a page showing the first few matches of one
    # such set depends on them instead of `added_tag`.
    joined_sql: str | None = None


@dataclass(frozen=True)
class VersionedTable:
    name: str
    # With `capped`: the columns other than the capped ones, compared as they are by SQLite's
    # UPDATE trigger (PostgreSQL compares whole rows). A test holds the list to the model: a
    # migration adding a column must add it here and re-create the SQLite trigger.
    columns: tuple[str, ...] = ()
    # Column -> cap: a page shows the value only up to the cap (stock as "Only N left" and a
    # quantity field's maximum), so an UPDATE changing nothing but such columns, between two
    # values both at least their cap, bumps nothing.
    capped: Mapping[str, int] = field(default_factory=dict)
    # Narrow tables bump dependency tags instead of the catalog version (see TagRule).
    tags: TagRule | None = None


def register_versioned_table(
    app: Flask,
    name: str,
    *,
    columns: tuple[str, ...] = (),
    capped: Mapping[str, int] | None = None,
    tags: TagRule | None = None,
) -> None:
    """Writes to `name` change what public pages show (see VersionedTable for the options).

    Without `tags`, any write empties every cached page (always correct); with a TagRule, a
    write re-renders only the pages that declared one of the tags it bumps."""
    if capped and not columns:
        raise ValueError(f"{name}: capped columns need the table's other columns listed")
    larder_state(app).versioned_tables[name] = VersionedTable(name, tuple(columns), dict(capped or {}), tags)


def versioned_tables(app: Flask | None = None) -> dict[str, VersionedTable]:
    """Every registered table by name (the current app's by default)."""
    return dict(larder_state(app).versioned_tables)


def narrow_tables(app: Flask | None = None) -> dict[str, VersionedTable]:
    """The registered tables whose writes bump tags, not the catalog version."""
    return {name: t for name, t in larder_state(app).versioned_tables.items() if t.tags is not None}
