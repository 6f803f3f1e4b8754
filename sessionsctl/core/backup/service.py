"""Taking, checking and restoring backups: the file written under a temporary name and
renamed only when whole, rotation for cron, and what a restore refuses."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..access import Action, require
from ..domain.errors import InvalidInput, NotFound
from .values import BackupContents, Restored, Taken, Verdict

if TYPE_CHECKING:
    from ..context import Context
    from .ports import BackupStore

SUFFIX = {"sqlite": ".db", "pg_dump": ".dump", "logical": ".jsonl.gz"}
# What `backup` names a file by default, and the only files `--keep` ever removes.
ROTATED = re.compile(r"^sessionsctl-\d{8}-\d{6}(-\d+)?(\.db|\.dump|\.jsonl\.gz)$")
PARTIAL = re.compile(r"^\..+\.partial-(\d+)$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Backups:
    """Backups of the database ``copier`` reaches. ``opened`` opens it as the acting person
    (asked only when needed: to check they may back it up, or replace it by a restore)."""

    def __init__(self, copier: BackupStore, opened: Callable[[], Context]) -> None:
        self.copier = copier
        self._opened = opened

    def _require(self) -> Context:
        ctx = self._opened()
        with ctx.read() as uow:
            require(uow.actor, Action.BACKUP)
        return ctx

    def default_file(self, folder: Path, prefix: str = "sessionsctl") -> Path:
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        suffix = SUFFIX[self.copier.method()]
        file, n = folder / f"{prefix}-{stamp}{suffix}", 1
        while file.exists():
            n += 1
            file = folder / f"{prefix}-{stamp}-{n}{suffix}"
        return file

    def take(self, file: Path | None, folder: Path, *, keep: int | None = None,
             progress: Callable[[str], None] | None = None) -> Taken:
        """Write a backup to ``file`` (by default a new, dated one in ``folder``); with
        ``keep``, then remove all but the newest ``keep`` dated backups beside it."""
        self._require()
        if keep is not None and keep < 1:
            raise InvalidInput("--keep must be at least 1", field="--keep")
        file = file or self.default_file(folder)
        if file.is_dir():
            raise InvalidInput(f"{file} is a folder: name a file, or leave FILE out for a dated "
                               "one in the data directory", field="FILE")
        file.parent.mkdir(parents=True, exist_ok=True)
        # Written under a name that never verifies, renamed over FILE only once whole.
        partial = file.with_name(f".{file.name}.partial-{os.getpid()}")
        started = time.monotonic()
        try:
            self.copier.take(partial, progress)
            with partial.open("rb") as handle:
                os.fsync(handle.fileno())
            os.replace(partial, file)
            _sync_dir(file.parent)
        finally:
            partial.unlink(missing_ok=True)
        removed = self.rotate(file.parent, keep) if keep is not None else ()
        return Taken(file, self.copier.method(), file.stat().st_size,
                     time.monotonic() - started, removed)

    def rotate(self, folder: Path, keep: int) -> tuple[Path, ...]:
        """Remove all but the newest ``keep`` dated backups in ``folder``, and what backups
        killed before they finished left there. Nothing else is touched."""
        dated = sorted((p for p in folder.iterdir() if ROTATED.match(p.name)),
                       key=lambda p: (p.name[:27], p.stat().st_mtime), reverse=True)
        stale = [p for p in folder.iterdir()
                 if (m := PARTIAL.match(p.name)) and not _alive(int(m.group(1)))]
        gone = [*dated[keep:], *stale]
        for path in gone:
            path.unlink(missing_ok=True)
        return tuple(gone)

    def verify(self, file: Path) -> Verdict:
        """Whether ``file`` is a whole backup this program can restore: opened, every row
        read, its integrity checked, its schema compared with this program's."""
        if PARTIAL.match(file.name):
            return Verdict(file, False, "an unfinished backup (it was interrupted while written)")
        try:
            contents = self.copier.read(file)
        except InvalidInput as exc:
            return Verdict(file, False, exc.detail.removeprefix(f"{file}: "))
        age = self.copier.schema_age(contents.revision)
        if age == "newer":
            return Verdict(file, False, f"its schema ({contents.revision}) is newer than this "
                           "program's: restore it with the sessionsctl that took it, or a newer "
                           "one", contents, age)
        return Verdict(file, True, None, contents, age)

    def check_restore(self, file: Path, *, replace: bool) -> tuple[BackupContents, bool]:
        """What restoring ``file`` would bring, and whether the target holds data that it
        would replace; refused (exit 2) when the file does not verify, or the target holds
        data and ``replace`` was not given."""
        if not file.exists():
            raise NotFound("backup file", file)
        verdict = self.verify(file)
        if not verdict.ok or verdict.contents is None:
            raise InvalidInput(f"{file}: {verdict.problem}; nothing was restored", field="FILE")
        holds = self.copier.holds_data()
        if holds and not replace:
            raise InvalidInput("the database to restore into already holds data: add --replace "
                               "to replace it (a backup of it is taken first), or name an empty "
                               "one with --db", field="--replace")
        return verdict.contents, holds

    def restore(self, file: Path, folder: Path, *, replace: bool = False) -> Restored:
        """Restore ``file`` into the database, migrated to this program's schema. A database
        holding data is replaced only with ``replace``, by an admin of it, after a backup of
        it has been taken into ``folder``."""
        contents, holds = self.check_restore(file, replace=replace)
        safety = None
        if holds:
            self._require()
            safety = self.take(self.default_file(folder, "sessionsctl-before-restore"),
                               folder).file
        self.copier.restore(file, contents)
        return Restored(file, self.copier.url, contents,
                        self.copier.schema_age(contents.revision) == "older", safety)
