"""What an import reports (created, updated, skipped, forced, every clash with its row or
line), how a conflict is handled (``--on-conflict``), and how a dry run rolls back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from ..domain.errors import ConflictError, InvalidInput
from ..domain.words import counted
from ..schedule.booking import (
    check_options,
    retry_race,
)

if TYPE_CHECKING:
    from ..domain.drafts import SessionDraft
    from ..domain.model import Closure, SessionStatus
    from ..schedule.conflicts import Conflict

OnConflict = Literal["fail", "skip", "force"]
ON_CONFLICT: tuple[OnConflict, ...] = ("fail", "skip", "force")
Progress = Callable[[int], None]  # called with how many more items are done


@dataclass(frozen=True, slots=True)
class RowConflict:
    """A conflict met by the session of one row (CSV row, or .ics line) of an import;
    ``with_row`` is the row of the same file it clashes with, when it is one."""

    row: int | None
    conflict: Conflict
    with_row: int | None = None


@dataclass(frozen=True, slots=True)
class RowClashes:
    """The conflicts of the session one row makes (or of one occurrence of the series it
    makes): the first few in full, and how many of each kind there are in all."""

    row: int | None
    start: datetime
    shown: list[RowConflict]
    kinds: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.kinds.values())


class ImportConflicts(ConflictError):
    """An import refused because rows clash: each clashing row with its conflicts (the first
    few of each, and how many there are)."""

    def __init__(self, source: str, found: list[RowClashes], unit: str = "row") -> None:
        listed = [f.conflict for r in found for f in r.shown]
        total = sum(r.total for r in found)
        rows = len({r.row for r in found})
        super().__init__(listed,
                         f"{source}: refused: {counted(total, 'scheduling conflict')} in "
                         f"{counted(rows, unit)}; nothing was written (--on-conflict skip or force)",
                         more=total - len(listed))
        self.source = source
        self.rows = found
        self.unit = unit  # "row" of a CSV file, "line" of an iCalendar file


@dataclass(frozen=True, slots=True)
class Planned:
    """A session an import creates, changes or cancels (what it lists, dry run or not):
    ``session_id`` is the session changed or cancelled (or made, once written), ``changed``
    the fields a change changes."""

    row: int | None
    draft: SessionDraft
    status: SessionStatus
    action: Literal["create", "update", "cancel"] = "create"
    session_id: int | None = None
    changed: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportResult:
    source: str
    dry_run: bool
    planned: list[Planned]
    created: int
    updated: int
    unchanged: int
    removed: int  # held sessions cancelled: the file cancels them or no longer has them
    series: int
    skipped: list[RowClashes]
    forced: list[RowClashes]
    references: list[str]  # people, rooms and subjects created by --create-missing
    closures: list[Closure] = field(default_factory=list)
    unit: str = "row"  # what ``row`` counts: "row" of a CSV file, "line" of an iCalendar file
    # Lines of calendar events with neither DTEND nor DURATION, given the default length.
    endless: list[int] = field(default_factory=list)


def dry_or_done(attempt: Callable[[], ImportResult]) -> ImportResult:
    """Run an import's transaction (again if it lost a race); a dry run ends by raising
    :class:`DryRun` inside it, so everything it wrote is rolled back, and returns its result."""
    try:
        return retry_race(attempt)
    except DryRun as done:
        return done.result


class DryRun(Exception):
    def __init__(self, result: ImportResult) -> None:
        self.result = result


def conflict_policy(on_conflict: str, reason: str | None) -> tuple[bool, str | None]:
    if on_conflict not in ON_CONFLICT:
        raise InvalidInput(f"must be one of {', '.join(ON_CONFLICT)}", field="--on-conflict")
    if on_conflict == "force":
        if reason is None or not reason.strip():
            raise InvalidInput("--on-conflict force needs --reason", field="--reason")
        check_options(reason, False)
        return False, reason.strip()
    if reason is not None:
        raise InvalidInput("--reason goes with --on-conflict force", field="--reason")
    return on_conflict == "skip", None


def summary(result: ImportResult) -> dict[str, Any]:
    return {"file": result.source, "created": result.created, "updated": result.updated,
            "removed": result.removed, "series": result.series,
            "skipped": len({s.row for s in result.skipped}),
            "forced": len({f.row for f in result.forced}), "references": result.references}



def audit_key(source: str) -> str:
    """The audit key of an imported file: its name (the full path is in the record)."""
    return source.replace("\\", "/").rsplit("/", 1)[-1][:64] or "-"
