"""The logical dump, for PostgreSQL without pg_dump: every table's rows, read in one
snapshot, as gzip'd JSON lines this program restores; its last line counts what it holds, so a
cut-off dump never reads as whole."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, MetaData, inspect, text

from ...core.backup.values import BackupContents
from ...core.domain.errors import InvalidInput

FORMAT = "sessionsctl-dump"
_TAGS: dict[type, tuple[str, Callable[[Any], Any]]] = {
    datetime: ("dt", lambda v: v.isoformat()), date: ("d", lambda v: v.isoformat()),
    time: ("t", lambda v: v.isoformat()), Decimal: ("dec", str),
    bytes: ("b", lambda v: base64.b64encode(v).decode()),
    memoryview: ("b", lambda v: base64.b64encode(bytes(v)).decode()),
    dict: ("json", lambda v: v), list: ("json", lambda v: v),
}
_UNTAG: dict[str, Callable[[Any], Any]] = {
    "dt": datetime.fromisoformat, "d": date.fromisoformat, "t": time.fromisoformat,
    "dec": Decimal, "b": base64.b64decode, "json": lambda v: v,
}


def _encode(value: Any) -> Any:
    tag = _TAGS.get(type(value))
    return value if tag is None else {"$": tag[0], "v": tag[1](value)}


def _ordered(conn: Connection) -> list[str]:
    meta = MetaData()
    meta.reflect(conn)
    return [t.name for t in meta.sorted_tables]


def take(engine: Engine, into: Path, tell: Callable[[str], None]) -> None:
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    counts: dict[str, int] = {}
    tell("copying")
    with engine.connect().execution_options(**options) as conn, conn.begin(), \
            gzip.open(into, "wt", encoding="utf-8") as out:
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        out.write(json.dumps({"format": FORMAT, "version": 1, "revision": revision,
                              "backend": engine.dialect.name,
                              "taken_at": datetime.now(UTC).isoformat(timespec="seconds")}) + "\n")
        for table in _ordered(conn):
            result = conn.exec_driver_sql(f'SELECT * FROM "{table}"')
            out.write(json.dumps({"table": table, "columns": list(result.keys())}) + "\n")
            n = 0
            for row in result:
                out.write(json.dumps([_encode(v) for v in row]) + "\n")
                n += 1
            counts[table] = n
        out.write(json.dumps({"end": True, "counts": counts}) + "\n")


def _records(file: Path) -> Iterator[Any]:
    try:
        with gzip.open(file, "rt", encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)
    except (OSError, EOFError, ValueError) as exc:
        raise InvalidInput(f"{file}: damaged or cut-off dump: {exc}") from None


def _walk(file: Path) -> Iterator[tuple[str, Any]]:
    """("head", header), ("table", (name, columns)), ("row", values), ("end", counts), checked."""
    records = _records(file)
    head = next(records, None)
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise InvalidInput(f"{file}: not a sessionsctl dump")
    yield "head", head
    counts: dict[str, int] = {}
    table: str | None = None
    for record in records:
        if isinstance(record, list):
            if table is None:
                raise InvalidInput(f"{file}: a row before any table")
            counts[table] += 1
            yield "row", record
        elif record.get("end"):
            if record.get("counts") != counts:
                raise InvalidInput(f"{file}: its rows do not add up to what it recorded")
            yield "end", counts
            return
        else:
            table = record["table"]
            counts[table] = 0
            yield "table", (table, record["columns"])
    raise InvalidInput(f"{file}: cut off (no end mark): the dump was interrupted")


def read(file: Path) -> BackupContents:
    head: dict[str, Any] = {}
    for kind, value in _walk(file):
        if kind == "head":
            head = value
        elif kind == "end":
            return BackupContents("logical", head.get("revision"), dict(sorted(value.items())),
                                  head.get("taken_at"), backend=head.get("backend"))
    raise AssertionError("unreachable")


def _decoder(conn: Connection) -> Callable[[Any], Any]:
    json_type: Callable[[Any], Any] = lambda v: json.dumps(v)  # noqa: E731 (SQLite keeps text)
    if conn.dialect.name == "postgresql":
        from psycopg.types.json import Json

        json_type = Json

    def decode(value: Any) -> Any:
        if isinstance(value, dict) and "$" in value:
            tag, inner = value["$"], value["v"]
            return json_type(inner) if tag == "json" else _UNTAG[tag](inner)
        return value

    return decode


def restore(file: Path, engine: Engine) -> None:
    """In one transaction: drop what the target holds, build the dump's schema, load every
    row, set the id counters past them, migrate to this program's schema."""
    from ..migrate import _upgrade

    contents = read(file)
    with engine.begin() as conn:
        old = MetaData()
        old.reflect(conn)
        old.drop_all(conn)
        _upgrade(conn, contents.revision or "base")
        decode = _decoder(conn)
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        for table in _ordered(conn):
            conn.exec_driver_sql(f'DELETE FROM "{table}"')  # alembic_version's own row
        sql, batch = "", []
        for kind, value in _walk(file):
            if kind == "table":
                if batch:
                    conn.exec_driver_sql(sql, batch)
                name, columns = value
                cols = ", ".join(f'"{c}"' for c in columns)
                sql = f'INSERT INTO "{name}" ({cols}) VALUES ({", ".join([mark] * len(columns))})'
                batch = []
            elif kind == "row":
                batch.append(tuple(decode(v) for v in value))
                if len(batch) >= 5000:
                    conn.exec_driver_sql(sql, batch)
                    batch = []
        if batch:
            conn.exec_driver_sql(sql, batch)
        if conn.dialect.name == "postgresql":
            _reset_ids(conn)
        _upgrade(conn, "head")


def _reset_ids(conn: Connection) -> None:
    for table in inspect(conn).get_table_names():
        for column in inspect(conn).get_columns(table):
            seq = conn.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                               {"t": f'"{table}"', "c": column["name"]}).scalar()
            if seq:
                conn.execute(text(f'SELECT setval(:s, coalesce((SELECT max("{column["name"]}") '
                                  f'FROM "{table}"), 0) + 1, false)'), {"s": seq})
