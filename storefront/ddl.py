"""Raw DDL the models cannot express (full-text indexes, triggers), per database dialect.

One place attaches it to `create_all` and runs it from migrations, so the two never differ.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import DDL, Table, event, text

DialectStatements = Mapping[str, Sequence[str]]  # dialect name -> statements in order


def run_after_create(table: Table, statements: DialectStatements) -> None:
    """Run each dialect's statements right after `create_all` creates `table` there."""
    for dialect, dialect_statements in statements.items():
        for statement in dialect_statements:
            event.listen(table, "after_create", DDL(statement).execute_if(dialect=dialect))


def install(connection, statements: DialectStatements) -> None:
    """Run the connection's dialect's statements now (migrations)."""
    for statement in statements.get(connection.dialect.name, ()):
        connection.execute(text(statement))
