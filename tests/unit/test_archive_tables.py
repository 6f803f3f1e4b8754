"""The archive tables follow the working tables: every table naming a session by a foreign key
moves with it or holds it back, and each archive table has its table's columns."""

from __future__ import annotations

from sessionsctl.store.schema import metadata
from sessionsctl.store.schema_archive import ARCHIVE, BY_SESSION, HOLDERS, MOVED, PREFIX, SESSIONS


def test_every_table_naming_a_session_moves_with_it_or_holds_it() -> None:
    naming = {fk.parent.table.name for table in metadata.tables.values()
              for fk in table.foreign_keys if fk.column.table is SESSIONS}
    assert naming == {t.name for t in BY_SESSION} | set(HOLDERS)
    assert all("session_id" in t.c for t in BY_SESSION)


def test_each_archive_table_has_its_tables_columns_and_key() -> None:
    assert set(ARCHIVE) == {t.name for t in MOVED}
    for table in MOVED:
        archived = ARCHIVE[table.name]
        assert archived.name == PREFIX + table.name
        assert [(c.name, type(c.type), c.nullable) for c in archived.columns] == \
            [(c.name, type(c.type), c.nullable) for c in table.columns]
        assert [c.name for c in archived.primary_key] == [c.name for c in table.primary_key]
        assert not archived.foreign_keys
