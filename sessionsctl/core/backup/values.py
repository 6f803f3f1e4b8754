"""What a backup holds and what taking, checking or restoring one did."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class BackupContents:
    """A backup file as read back: how it was taken, its schema revision and, for every
    table, how many rows it holds (every row was read to count them)."""

    method: str  # sqlite | pg_dump | logical
    revision: str | None
    counts: dict[str, int] = field(default_factory=dict)
    taken_at: str | None = None  # when the backup recorded it was taken
    schema: str | None = None  # PostgreSQL: the schema it was taken from
    backend: str | None = None  # a logical dump: the backend it was taken from


@dataclass(frozen=True)
class Taken:
    """A backup written: where, how, how big, and the older backups rotation removed."""

    file: Path
    method: str
    size: int
    seconds: float
    removed: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """``backup verify``: whether ``file`` is a whole backup this program can restore."""

    file: Path
    ok: bool
    problem: str | None = None
    contents: BackupContents | None = None
    schema: str | None = None  # current | older | newer

    @property
    def line(self) -> str:
        """One line saying so, for people and logs."""
        if not self.ok or self.contents is None:
            return f"{self.file}: NOT a usable backup: {self.problem}"
        rows = sum(self.contents.counts.values())
        age = {"current": "the current schema", "older": "an older schema (restore migrates it)",
               "newer": "a NEWER schema than this program's"}.get(self.schema or "", "?")
        return (f"{self.file}: OK, {self.contents.method} backup, {len(self.contents.counts)} "
                f"tables, {rows:,} rows, schema {self.contents.revision} ({age})")


@dataclass(frozen=True)
class Restored:
    """A restore done: from which file, into which database, what it replaced."""

    file: Path
    target: str
    contents: BackupContents
    migrated: bool
    safety: Path | None = None  # the copy taken of what the target held before
