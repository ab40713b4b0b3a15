"""The catalog-version and cache-tag triggers, per database dialect, on every registered table.

Triggers, not ORM events, because checkout reserves stock with a raw conditional
`UPDATE variant SET stock = stock - :q` that bypasses the ORM; a trigger sees every writer,
raw SQL and psql included.

On PostgreSQL the trigger is a DEFERRABLE INITIALLY DEFERRED constraint trigger: it runs at
COMMIT, once per transaction (a transaction-local flag skips the other rows), so the single
version row is locked only for the commit itself and never between two stock UPDATEs of a
checkout (no deadlocks, no long lock waits). SQLite serialises writers anyway; plain triggers.
Readers see the new version exactly when they can see the new data (same transaction), so a
page is never stored under a newer key than its data. One exception by design: an UPDATE of
a table's capped columns alone (a variant's stock), between values no page can tell apart,
bumps nothing, so selling one of 500 keeps every cached page.

Narrow tables (registered with a TagRule) get other triggers: instead of the version they
stamp their rows' dependency tags in `cache_tag` with the change sequence (see
storefront.caching.tags); on PostgreSQL with the same deferred constraint triggers (the
sequence is taken once per transaction, so each tag is written at most once per transaction),
on SQLite with plain triggers. The capped-columns rule holds for them too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import current_app
from sqlalchemy import event, text

from storefront.caching.registry import TagRule, VersionedTable, versioned_tables
from storefront.caching.version import CatalogVersion
from storefront.ddl import run_before_drop
from storefront.extensions import db

PG_FUNCTION_HEAD = """
CREATE OR REPLACE FUNCTION larder_bump_catalog_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('larder.catalog_bumped', true) = '1' THEN
        RETURN NULL;
    END IF;
"""

PG_FUNCTION_TAIL = """    INSERT INTO catalog_version (id, counter, epoch, changed_at)
    VALUES (1, 1, md5(random()::text), extract(epoch FROM clock_timestamp()))
    ON CONFLICT (id) DO UPDATE
        SET counter = catalog_version.counter + 1,
            changed_at = extract(epoch FROM clock_timestamp());
    PERFORM set_config('larder.catalog_bumped', '1', true);
    RETURN NULL;
END
$$
"""

SQLITE_BUMP = (
    "INSERT INTO catalog_version (id, counter, epoch, changed_at) "
    "VALUES (1, 1, lower(hex(randomblob(8))), (julianday('now') - 2440587.5) * 86400.0) "
    "ON CONFLICT(id) DO UPDATE SET counter = counter + 1, "
    "changed_at = (julianday('now') - 2440587.5) * 86400.0;"
)


def _pg_unseen_update(table: VersionedTable) -> str:
    """The function's early return for an UPDATE of `table` no page can show."""
    others = "to_jsonb({row})" + "".join(f" - '{column}'" for column in table.capped)
    same = [f"({others.format(row='OLD')}) = ({others.format(row='NEW')})"]
    same += [
        f"least(greatest(OLD.{column}, 0), {cap}) = least(greatest(NEW.{column}, 0), {cap})"
        for column, cap in table.capped.items()
    ]
    condition = "\n           AND ".join(same)
    return (
        f"    -- An UPDATE of {table.name}'s capped columns that no page can show keeps every cached page.\n"
        f"    IF TG_TABLE_NAME = '{table.name}' AND TG_OP = 'UPDATE' THEN\n"
        f"        IF {condition} THEN\n"
        "            RETURN NULL;\n"
        "        END IF;\n"
        "    END IF;\n"
    )


def pg_function(tables: Iterable[VersionedTable]) -> str:
    """The PostgreSQL function every version trigger runs, with the tables' capped columns."""
    broad = [t for t in tables if t.capped and t.tags is None]
    return PG_FUNCTION_HEAD + "".join(_pg_unseen_update(t) for t in broad) + PG_FUNCTION_TAIL


# ---------------------------------------------------------------- narrow tables: tags

PG_TAGS_HEAD = """
CREATE OR REPLACE FUNCTION larder_stamp_cache_tags() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    stamp bigint;
BEGIN
"""

PG_TAGS_SEQ = """    stamp := nullif(current_setting('larder.change_seq', true), '')::bigint;
    IF stamp IS NULL THEN
        INSERT INTO catalog_version (id, counter, epoch, changed_at, seq)
        VALUES (1, 0, md5(random()::text), extract(epoch FROM clock_timestamp()), 1)
        ON CONFLICT (id) DO UPDATE
            SET seq = catalog_version.seq + 1,
                changed_at = extract(epoch FROM clock_timestamp())
        RETURNING seq INTO stamp;
        PERFORM set_config('larder.change_seq', stamp::text, true);
    END IF;
"""

PG_TAGS_TAIL = """    RETURN NULL;
END
$$
"""

SQLITE_NOW = "(julianday('now') - 2440587.5) * 86400.0"
SQLITE_SEQ = (
    "INSERT INTO catalog_version (id, counter, epoch, changed_at, seq) "
    f"VALUES (1, 0, lower(hex(randomblob(8))), {SQLITE_NOW}, 1) "
    f"ON CONFLICT(id) DO UPDATE SET seq = seq + 1, changed_at = {SQLITE_NOW};"
)


def _unless(select_sql: str, op: str, steady_when: str | None) -> str:
    """`select_sql`, or for an UPDATE none of its rows when `steady_when` holds."""
    if op != "UPDATE" or steady_when is None:
        return select_sql
    return f"SELECT t FROM ({select_sql}) AS steady WHERE NOT ({steady_when})"


def tag_rows(rule: TagRule, op: str) -> str:
    """A SELECT of the tags (column `t`) a row write `op` bumps, over OLD and/or NEW."""
    rows = ("NEW",) if op == "INSERT" else ("OLD",) if op == "DELETE" else ("OLD", "NEW")
    parts = [rule.sql.format(row=row) for row in rows]
    parts.append(f"SELECT '{rule.any_tag}' AS t")
    if rule.added_tag is None:
        pass
    elif op != "UPDATE" or rule.steady_when is None:
        parts.append(f"SELECT '{rule.added_tag}' AS t")
    else:
        parts.append(f"SELECT '{rule.added_tag}' AS t WHERE NOT ({rule.steady_when})")
    if rule.joined_sql is not None:
        joined = " UNION ALL ".join(rule.joined_sql.format(row=row) for row in rows)
        parts.append(_unless(joined, op, rule.steady_when))
    if rule.listing_tag is not None:
        parts.append(_unless(f"SELECT '{rule.listing_tag}' AS t", op, rule.listing_steady_when))
    if rule.members_sql is not None:
        members = " UNION ALL ".join(rule.members_sql.format(row=row) for row in rows)
        parts.append(_unless(members, op, rule.members_steady_when))
    if op == "UPDATE" and rule.update_sql is not None:
        parts.append(rule.update_sql)
    return " UNION ALL ".join(parts)


def _pg_stamp(rule: TagRule, op: str) -> str:
    return (
        f"INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, stamp FROM ({tag_rows(rule, op)}) AS tags\n"
        "            ON CONFLICT (tag) DO UPDATE SET seq = excluded.seq WHERE cache_tag.seq < excluded.seq;\n"
    )


def _pg_table_tags(table: VersionedTable) -> str:
    rule = table.tags
    assert rule is not None
    return (
        f"    IF TG_TABLE_NAME = '{table.name}' THEN\n"
        "        IF TG_OP = 'INSERT' THEN\n"
        f"            {_pg_stamp(rule, 'INSERT')}"
        "        ELSIF TG_OP = 'DELETE' THEN\n"
        f"            {_pg_stamp(rule, 'DELETE')}"
        "        ELSE\n"
        f"            {_pg_stamp(rule, 'UPDATE')}"
        "        END IF;\n"
        "    END IF;\n"
    )


def pg_tags_function(tables: Iterable[VersionedTable]) -> str:
    """The PostgreSQL function every narrow table's trigger runs: the capped-columns rule, the
    transaction's change sequence, then each table's tags."""
    narrow = sorted((t for t in tables if t.tags is not None), key=lambda t: t.name)
    return (
        PG_TAGS_HEAD
        + "".join(_pg_unseen_update(t) for t in narrow if t.capped)
        + PG_TAGS_SEQ
        + "".join(_pg_table_tags(t) for t in narrow)
        + PG_TAGS_TAIL
    )


def sqlite_tags_trigger(table: VersionedTable, op: str) -> str:
    """The SQLite trigger stamping `table`'s tags on `op` (the UPDATE one keeps the capped rule)."""
    rule = table.tags
    assert rule is not None
    when = ""
    if op == "UPDATE" and table.capped:
        unchanged = [f'OLD."{c}" IS NEW."{c}"' for c in table.columns]
        unchanged += [f"min(max(OLD.{c}, 0), {cap}) = min(max(NEW.{c}, 0), {cap})" for c, cap in table.capped.items()]
        when = f"WHEN NOT ({' AND '.join(unchanged)}) "
    return (
        f'CREATE TRIGGER IF NOT EXISTS larder_tags_{table.name}_{op.lower()} AFTER {op} ON "{table.name}" '
        f"{when}BEGIN {SQLITE_SEQ} "
        "INSERT INTO cache_tag (tag, seq) SELECT DISTINCT t, (SELECT seq FROM catalog_version WHERE id = 1) "
        f"FROM ({tag_rows(rule, op)}) WHERE true "
        "ON CONFLICT(tag) DO UPDATE SET seq = excluded.seq; END"
    )


def sqlite_update_trigger(table: str, columns: Iterable[str], capped: Mapping[str, int]) -> str:
    """The SQLite twin of the PostgreSQL function's capped-column rule for `table`.

    `columns` are the table's columns other than the capped ones (migrations pass their day's).
    """
    unchanged = [f'OLD."{c}" IS NEW."{c}"' for c in columns]
    unchanged += [f"min(max(OLD.{c}, 0), {cap}) = min(max(NEW.{c}, 0), {cap})" for c, cap in capped.items()]
    return (
        f'CREATE TRIGGER IF NOT EXISTS larder_version_{table}_update AFTER UPDATE ON "{table}" '
        f"WHEN NOT ({' AND '.join(unchanged)}) "
        f"BEGIN {SQLITE_BUMP} END"
    )


def trigger_ddl(dialect: str, table: VersionedTable) -> list[str]:
    """Statements that make writes to `table` bump the catalog version (or, narrow, its tags)."""
    name = table.name
    if table.tags is not None:
        if dialect == "postgresql":
            return [
                f'DROP TRIGGER IF EXISTS larder_tags_{name} ON "{name}"',
                f'CREATE CONSTRAINT TRIGGER larder_tags_{name} AFTER INSERT OR UPDATE OR DELETE ON "{name}" '
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                "EXECUTE FUNCTION larder_stamp_cache_tags()",
            ]
        return [sqlite_tags_trigger(table, op) for op in ("INSERT", "UPDATE", "DELETE")]
    if dialect == "postgresql":
        return [
            f'DROP TRIGGER IF EXISTS larder_version_{name} ON "{name}"',
            f'CREATE CONSTRAINT TRIGGER larder_version_{name} AFTER INSERT OR UPDATE OR DELETE ON "{name}" '
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            "EXECUTE FUNCTION larder_bump_catalog_version()",
        ]
    return [
        sqlite_update_trigger(name, table.columns, table.capped)
        if op == "UPDATE" and table.capped
        else f'CREATE TRIGGER IF NOT EXISTS larder_version_{name}_{op.lower()} AFTER {op} ON "{name}" '
        f"BEGIN {SQLITE_BUMP} END"
        for op in ("INSERT", "UPDATE", "DELETE")
    ]


def install_catalog_version_triggers(connection, table_names: Iterable[str] | None = None) -> list[str]:
    """Create the version triggers on the registered tables among `table_names` (all the
    models' tables by default): create_all calls this, and migrations."""
    dialect = connection.dialect.name
    names = set(db.metadata.tables.keys() if table_names is None else table_names)
    registered = versioned_tables(current_app)
    tables = [registered[name] for name in sorted(registered) if name in names]
    if dialect == "postgresql":
        connection.execute(text(pg_function(registered.values())))
        connection.execute(text(pg_tags_function(registered.values())))
    for table in tables:
        for statement in trigger_ddl(dialect, table):
            connection.execute(text(statement))
    return [t.name for t in tables]


@event.listens_for(db.metadata, "after_create")
def _after_create_all(metadata, connection, tables=(), **kw) -> None:
    if connection.dialect.name not in ("postgresql", "sqlite"):
        return
    install_catalog_version_triggers(connection, {t.name for t in metadata.sorted_tables})


run_before_drop(CatalogVersion.__table__, {"postgresql": [
    "DROP FUNCTION IF EXISTS larder_bump_catalog_version() CASCADE",
    "DROP FUNCTION IF EXISTS larder_stamp_cache_tags() CASCADE",
]})
