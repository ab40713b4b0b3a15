"""Which tables public pages show: each package registers its own, from its init_app.

A registered table gets the catalog-version triggers (storefront.caching.triggers), so any
write to it, by any writer, changes every page key. A table written on every page view (e.g.
article_view) must stay unregistered, or nothing would stay cached.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import Flask

from storefront.state import larder_state


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


def register_versioned_table(
    app: Flask, name: str, *, columns: tuple[str, ...] = (), capped: Mapping[str, int] | None = None
) -> None:
    """Writes to `name` change what public pages show (see VersionedTable for the options)."""
    if capped and not columns:
        raise ValueError(f"{name}: capped columns need the table's other columns listed")
    larder_state(app).versioned_tables[name] = VersionedTable(name, tuple(columns), dict(capped or {}))


def versioned_tables(app: Flask | None = None) -> dict[str, VersionedTable]:
    """Every registered table by name (the current app's by default)."""
    return dict(larder_state(app).versioned_tables)
