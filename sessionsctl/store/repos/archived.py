"""Reading the archive with the working tables: a statement over sessions and the rows of
them reports read, rewritten so each such table reads as itself UNION ALL its archive table
(`report ... --with-archive`, and a person's data export). Nothing else reads the archive
tables."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from sqlalchemy import select, union_all
from sqlalchemy.sql.util import ClauseAdapter

from ..schema_archive import ARCHIVE

E = TypeVar("E")

# What reports read of a session (sessions, roster, marks, feedback).
REPORTED = ("sessions", "session_students", "attendance", "feedback")
EVERY = tuple(ARCHIVE)  # what a person's data export reads: all of it


@cache
def _adapter(names: tuple[str, ...]) -> ClauseAdapter:
    adapter: Any = None
    for name in names:
        archived = ARCHIVE[name]
        working = archived.metadata.tables[name]
        both = union_all(select(working), select(archived)).subquery(f"{name}_all")
        one = ClauseAdapter(both)
        adapter = one if adapter is None else adapter.chain(one)
    return adapter  # type: ignore[no-any-return]


def including_archive(statement: E, archive: bool, tables: tuple[str, ...] = REPORTED) -> E:
    """``statement`` reading the archive of ``tables`` too when ``archive``; as it is
    otherwise."""
    return _adapter(tables).traverse(statement) if archive else statement  # type: ignore[arg-type]
