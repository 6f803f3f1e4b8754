"""What backups need from the store: its backend's way of copying, reading and restoring the
whole database (``Store.backups()``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from .values import BackupContents


class BackupStore(Protocol):
    """Whole-database copies, taken, read and restored by the store (store/backup.py): the
    backend's own means (SQLite's online backup API, ``pg_dump``), or a logical dump."""

    url: str

    def method(self) -> str:
        """How :meth:`take` copies this database: ``sqlite``, ``pg_dump`` or ``logical``."""
        ...
    def take(self, into: Path, progress: Callable[[str], None] | None = None) -> None:
        """Write a complete, self-checking copy of the database, as it stood at one instant,
        to ``into`` (a new file); ``progress`` is told each stage's name as it begins."""
        ...
    def read(self, file: Path) -> BackupContents:
        """What ``file`` holds, every row read and checked; raise ``InvalidInput`` naming
        what is wrong if it is not a whole backup."""
        ...
    def schema_age(self, revision: str | None) -> str:
        """``current``, ``older`` (this program migrates it) or ``newer`` (unknown here)."""
        ...
    def holds_data(self) -> bool:
        """Whether the database at ``url`` has any table of ours in it (False if absent)."""
        ...
    def restore(self, file: Path, contents: BackupContents) -> None:
        """Replace what the database at ``url`` holds with ``file``'s rows, in one transaction
        where the backend allows, then migrate it to this program's schema."""
        ...
