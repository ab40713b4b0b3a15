"""Raw DDL the models cannot express (full-text indexes, triggers), per database dialect.

One place attaches it to `create_all` and runs it from migrations, so the two never differ.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import DDL, Table, event, text

DialectStatements = Mapping[str, Sequence[str]]  # dialect name -> statements in order


def run_after_create(table: Table, statements: DialectStatements) -> None:
    """Run each dialect's statements right after `create_all` creates `table` there."""
    _listen(table, "after_create", statements)


def run_before_drop(table: Table, statements: DialectStatements) -> None:
    """Run each dialect's statements right before `drop_all` drops `table` there: what
    run_after_create made that dropping the table does not take with it (a PostgreSQL trigger
    function, an SQLite full-text table)."""
    _listen(table, "before_drop", statements)


def _listen(table: Table, ddl_event: str, statements: DialectStatements) -> None:
    for dialect, dialect_statements in statements.items():
        for statement in dialect_statements:
            event.listen(table, ddl_event, DDL(statement).execute_if(dialect=dialect))


def install(connection, statements: DialectStatements) -> None:
    """Run the connection's dialect's statements now (migrations)."""
    for statement in statements.get(connection.dialect.name, ()):
        connection.execute(text(statement))
