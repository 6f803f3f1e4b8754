"""Writing one row by its key whoever else writes it at the same moment: insert if missing,
ignoring duplicates; or insert, else replace the row there is and say what it held.

Two terminals marking the same student's first attendance (or giving the same feedback) used to
both find no row, both insert, and one failed on the unique key ("duplicate key ... from another
terminal", exit 2). Here each write is ``INSERT .. ON CONFLICT DO NOTHING`` of the dialect
(SQLite and PostgreSQL), which on PostgreSQL waits for a rival's uncommitted row: when it
inserts nothing, the row there is is read locked (``FOR UPDATE``; SQLite writers hold the whole
database already) and updated. So the last writer wins, and each writer learns exactly which
row it replaced, for the audit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, Table, select, update
from sqlalchemy.engine import Connection, Row
from sqlalchemy.sql.dml import Insert

from ...core.domain.errors import SessionsctlError

TRIES = 3  # a row deleted between the insert and the read (its session, say) is tried again


def insert_ignoring_duplicates(db: Connection, table: Table) -> Insert:
    """``INSERT .. ON CONFLICT DO NOTHING`` into ``table`` in the dialect of ``db``."""
    if db.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    return dialect_insert(table).on_conflict_do_nothing()


def insert_new(db: Connection, table: Table, key: dict[str, Any],
               values: dict[str, Any]) -> bool:
    """Insert the row of ``key`` unless there is one (perhaps just written by another
    terminal); whether it was inserted."""
    stmt = insert_ignoring_duplicates(db, table).values(**key, **values).returning(table.c.id)
    return db.execute(stmt).first() is not None


def put(db: Connection, table: Table, key: dict[str, Any], values: dict[str, Any],
        read: Select[Any] | None = None) -> Row[Any] | None:
    """Write ``values`` to the row of ``key``, inserting it if there is none: the last writer
    wins. Returns the row replaced, as ``read`` (a select from ``table``, joined to what it
    needs; default: the row's columns) reads it, locked until the transaction ends; or None
    when this wrote the first."""
    match = [table.c[k] == v for k, v in key.items()]
    current = (select(table) if read is None else read).where(*match).with_for_update(of=table)
    for _ in range(TRIES):
        if insert_new(db, table, key, values):
            return None
        before = db.execute(current).first()
        if before is not None:
            db.execute(update(table).where(*match).values(values))
            return before
    raise SessionsctlError(f"the {table.name} row kept vanishing under another terminal; "
                           "try again")
