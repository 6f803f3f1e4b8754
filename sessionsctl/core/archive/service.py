"""Archiving old sessions (`sessionsctl archive`): the admin's check, the cutoff, and one
transaction per move, audited."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ..access import Action, require
from ..domain.errors import InvalidInput
from ..domain.words import counted
from .rule import KINDS, NAMED, Moved, Selection

if TYPE_CHECKING:
    from ..context import Context

_NAMED = 10  # sessions named in a message; the rest are counted


def named(ids: list[int]) -> str:
    """``ids`` as a message names them: the first few, and how many more."""
    shown = ", ".join(str(i) for i in ids[:_NAMED])
    return shown + (f" and {len(ids) - _NAMED:,} more" if len(ids) > _NAMED else "")


class Archive:
    """Moves completed and cancelled sessions that ended before a cutoff, with every row that
    belongs to them, out of the working tables (so listings and the overlap search read less)
    and back. Admins only."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def _selection(self, before: datetime) -> Selection:
        if before > self.ctx.clock():
            raise InvalidInput("--before must not be later than now: only sessions that have "
                               "ended are archived", field="--before")
        return Selection(before)

    def planned(self, before: datetime) -> Moved:
        """What archiving sessions that ended before ``before`` would move; writes nothing."""
        selection = self._selection(before)
        with self.ctx.read() as uow:
            require(uow.actor, Action.ARCHIVE)
            return uow.archive.planned(selection)

    def archive(self, before: datetime) -> Moved:
        """Move them, all or nothing, in one transaction."""
        selection = self._selection(before)
        with self.ctx.write() as uow:
            require(uow.actor, Action.ARCHIVE)
            # Recorded first: on SQLite a new row takes the highest id in its table plus one,
            # and this one, staying, keeps the archived audit entries' ids from being reused.
            uow.audit.record("archive", "archive", before.isoformat(), None,
                             {"before": before.isoformat()})
            uow.audit.flush()
            return uow.archive.archive(selection)

    def planned_restore(self, before: datetime | None) -> Moved:
        """What restoring archived sessions that ended before ``before`` (None: all) would
        move back; ``kept`` names rows whose ids were taken since."""
        with self.ctx.read() as uow:
            require(uow.actor, Action.ARCHIVE)
            return uow.archive.planned_restore(Selection(before, statuses=(), held_by=()))

    def restore(self, before: datetime | None) -> Moved:
        """Move them back, as they were (same ids), all or nothing; refused when a row added
        since holds the id of one of them."""
        selection = Selection(before, statuses=(), held_by=())
        with self.ctx.write() as uow:
            require(uow.actor, Action.ARCHIVE)
            if refusal := refused(uow.archive.planned_restore(selection)):
                raise InvalidInput(f"{refusal}: nothing was restored", field="--before")
            moved = uow.archive.restore(selection)
            uow.audit.record("restore", "archive", before.isoformat() if before else "all",
                             None, {"counts": moved.counts})
            return moved


def refused(plan: Moved) -> str | None:
    """Why a restore of ``plan`` is refused (rows added since took the ids of archived ones,
    or rows archived ones name were deleted since), or None."""
    reasons = []
    if plan.kept:
        where = "; ".join(f"session {named(ids)}" if table == "sessions"
                          else f"{KINDS[table][1]} of session {named(ids)}"
                          for table, ids in plan.kept.items())
        reasons.append(f"rows added since the archive took the ids of archived ones ({where})")
    if plan.gone:
        where = "; ".join(f"{NAMED.get(table, table)} {row} (session {named(ids)})"
                          for table, rows in plan.gone.items() for row, ids in rows.items())
        reasons.append(f"archived sessions name what was deleted since: {where}")
    return "; and ".join(reasons) or None


def summary(moved: Moved) -> str:
    """The counts as a line: "3 sessions, 7 attendance marks, ..." (kinds with none left out)."""
    return ", ".join(counted(n, *KINDS[table]) for table, n in moved.counts.items() if n) \
        or "nothing"
