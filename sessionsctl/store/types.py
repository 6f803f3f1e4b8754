"""Column types that keep instants in UTC at the storage boundary."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine


class UTCDateTime(TypeDecorator[datetime]):
    """An aware instant: ``timestamptz`` on PostgreSQL, fixed-width UTC text on SQLite.

    The SQLite text (``YYYY-MM-DD HH:MM:SS.ffffff``) sorts like the instants it holds, so
    range queries use the index, and it is read back with ``datetime.fromisoformat``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(26))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} reached the store; instants must be aware")
        if dialect.name == "sqlite":
            return _sqlite_text(value)
        return value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        return read_instant

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return read_instant(value)


@lru_cache(maxsize=4096)
def _sqlite_text(value: datetime) -> str:
    """An aware instant as SQLite keeps it. A bulk write binds the same instants again and
    again (a session's start and end, then each of its students' links; the time of the
    write on every row): each is formatted once. Equal instants are equal keys in any zone,
    and give the same text."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


_parse = datetime.fromisoformat


def read_instant(value: Any) -> datetime | None:
    """An instant as either backend's driver hands it back, as an aware UTC datetime.

    Also for listings that fetch instants raw and read each distinct value once.
    """
    if value.__class__ is str and len(value) == 26:
        # The fixed-width text with its offset appended: several times cheaper than parsing
        # and then replacing.
        return _parse(value + "+00:00")
    if value is None:
        return None
    if isinstance(value, str):
        return _parse(value).replace(tzinfo=UTC)
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
