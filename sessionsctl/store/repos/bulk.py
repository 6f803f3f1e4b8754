"""Writing many rows at once: an INSERT compiled once per table, columns and dialect, handed
to the driver with plain tuples, and ids for new rows taken in the writing transaction.

``Connection.execute(insert(table), dicts)`` builds and processes each row's parameters in
SQLAlchemy (a tenth of an import of 100,000 sessions); here each value is turned into what
its column stores by the column's own type (its bind processor for the dialect) and the rows
go to the driver as they are: on SQLite as INSERTs of up to 500 rows each, on PostgreSQL
through psycopg's ``executemany`` (which pipelines them). Every column of the row is given:
no column default applies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import chain
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.engine import Connection, Dialect

_ROWS_PER_STATEMENT = 500


class _Insert:
    """One table's INSERT of these columns, compiled for one dialect."""

    def __init__(self, table: Table, columns: tuple[str, ...], dialect: Dialect) -> None:
        compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
        self.sql = compiled.string
        # A positional driver (SQLite's ``?``) takes tuples in the order the statement binds
        # them; a named one (psycopg's ``%(name)s``) takes them by name.
        self.order: tuple[int, ...] | None = None
        self.named = not compiled.positional
        if compiled.positional:
            at = {name: i for i, name in enumerate(columns)}
            order = tuple(at[name] for name in compiled.positiontup or ())
            assert sorted(order) == list(range(len(columns))), (self.sql, columns)
            self.order = None if order == tuple(range(len(columns))) else order
            # SQLite runs one INSERT of many rows (its VALUES group repeated) for a quarter less
            # than the same rows one by one through executemany.
            head, sep, group = self.sql.rpartition(" VALUES ")
            assert sep and group.startswith("(") and group.endswith(")"), self.sql
            self.head, self.group = head + sep, group
            self.per = max(1, min(_ROWS_PER_STATEMENT,
                                  dialect.insertmanyvalues_max_parameters // len(columns)))
            self._many: dict[int, str] = {}
        else:
            assert set(compiled.params) == set(columns), (self.sql, columns)
        self.columns = columns
        # Each column's processor, and the type it is of: columns of one type (the instants
        # of a row, the time of the write on every row) share what it made of each value.
        self.processors: list[tuple[int, Callable[[Any], Any], str]] = []
        for i, name in enumerate(columns):
            kind = table.c[name].type
            processor = kind.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self.processors.append((i, processor, repr(kind)))

    def of_rows(self, count: int) -> str:
        """The statement that inserts ``count`` rows at once (positional drivers)."""
        sql = self._many.get(count)
        if sql is None:
            sql = self._many[count] = self.head + ", ".join([self.group] * count)
        return sql

    def parameters(self, rows: Iterable[Sequence[Any]]) -> list[Any]:
        order, columns = self.order, self.columns
        made: dict[str, dict[Any, Any]] = {kind: {} for _, _, kind in self.processors}
        processors = [(i, processor, made[kind]) for i, processor, kind in self.processors]
        out: list[Any] = []
        for row in rows:
            if processors:
                values = list(row)
                for i, processor, memo in processors:
                    value = values[i]
                    try:
                        values[i] = memo[value]
                    except KeyError:
                        values[i] = memo[value] = processor(value)
                    except TypeError:  # not hashable (a JSON column's dict)
                        values[i] = processor(value)
                row = values
            if self.named:
                out.append(dict(zip(columns, row, strict=True)))
            elif order is None:
                out.append(tuple(row))
            else:
                out.append(tuple(row[i] for i in order))
        return out


_compiled: dict[tuple[int, str, tuple[str, ...]], tuple[Dialect, _Insert]] = {}


def insert_rows(db: Connection, table: Table, columns: tuple[str, ...],
                rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (each its values in the order of ``columns``, as Python values the
    columns' types take) in one ``executemany``."""
    if not rows:
        return
    dialect = db.dialect
    key = (id(dialect), table.name, columns)
    cached = _compiled.get(key)
    if cached is None or cached[0] is not dialect:
        cached = _compiled[key] = (dialect, _Insert(table, columns, dialect))
    statement = cached[1]
    if statement.named:
        db.exec_driver_sql(statement.sql, statement.parameters(rows))
        return
    for i in range(0, len(rows), statement.per):
        part = statement.parameters(rows[i:i + statement.per])
        db.exec_driver_sql(statement.of_rows(len(part)), tuple(chain.from_iterable(part)))


def new_ids(db: Connection, table: Table, count: int) -> list[int]:
    """``count`` ids for new rows of ``table`` (its integer primary key ``id``), taken inside
    the writing transaction: from the column's sequence on PostgreSQL (as its default takes
    them: two writers at once never get the same), past the largest there is on SQLite (the
    id SQLite itself would give), whose writer holds the whole database until it commits."""
    if count <= 0:
        return []
    if db.dialect.name == "postgresql":
        # The sequence's name is looked up once (a scalar subquery), then drawn from n times.
        sequence = select(func.pg_get_serial_sequence(table.name, "id")).scalar_subquery()
        return list(db.execute(select(func.nextval(sequence))
                               .select_from(func.generate_series(1, count))).scalars())
    top = db.execute(select(func.max(table.c.id))).scalar()
    first = (top or 0) + 1
    return list(range(first, first + count))
