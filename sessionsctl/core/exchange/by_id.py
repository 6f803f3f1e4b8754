"""CSV rows with an ``id``: a spreadsheet's edits of the sessions it was exported from, each
judged as ``session edit`` judges a change, audited and told to the people in it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from ..access import Action, require, visible
from ..domain import rules
from ..domain.drafts import Row, SessionQuery
from ..domain.model import Session, SessionStatus
from ..domain.serialize import record
from ..mail.notices import NoticeKind
from ..schedule.booking import draft_of
from .importing import Pending, changes, onto_stored
from .problems import Problem
from .results import Planned

if TYPE_CHECKING:
    from ..mail.notify import Notifier
    from ..storage import UnitOfWork
    from .csvformat import CsvRow

# What a CSV file does not carry: kept as stored, never taken as emptied by the file.
_KEPT = ("meeting_id", "passcode", "course_id", "batch_id")
_MONEY = ("cost", "payment_status")


def updates(uow: UnitOfWork, source: str, rows: Sequence[CsvRow]
            ) -> tuple[list[Pending], int, list[Problem]]:
    """The rows that change the sessions their ids name (an unchanged one is neither judged
    nor written), how many are unchanged, and every row naming no session, or one twice."""
    ids = sorted({r.session_id for r in rows if r.session_id is not None})
    stored = {s.id: s for s in uow.sessions.find(SessionQuery(ids=tuple(ids)))} if ids else {}
    pending: list[Pending] = []
    problems: list[Problem] = []
    seen: dict[int, int] = {}
    unchanged = 0
    for r in rows:
        assert r.session_id is not None
        before = stored.get(r.session_id)
        if before is None:
            problems.append(Problem(r.row, "id", f"no session {r.session_id} (leave id empty "
                                                  "to book a new one)"))
            continue
        if r.session_id in seen:
            problems.append(Problem(r.row, "id", f"session {r.session_id} is on row "
                                                  f"{seen[r.session_id]} too"))
            continue
        seen[r.session_id] = r.row
        draft = replace(r.draft, **{f: getattr(before, f) for f in _KEPT})
        item = onto_stored(uow, source, r.row, before, Row(
            draft, uid=before.uid, status=r.status, series_id=before.series_id,
            recurrence_id=before.recurrence_id, sequence=before.sequence + 1))
        changed = (*changes(before, item),
                   *(f for f in _MONEY if getattr(before, f) != getattr(item.draft, f)))
        if changed:
            pending.append(Pending(r.row, item, before, None, changed))
        else:
            unchanged += 1
    return pending, unchanged, problems


def record_updates(uow: UnitOfWork, notifier: Notifier, written: Sequence[Pending]) -> int:
    """Audit each session an import changed, as ``session edit`` does, and queue the notices
    of those that moved, changed people or were cancelled; how many it cancelled."""
    cancelled = 0
    for p in written:
        before = p.existing
        if before is None:
            continue
        after = uow.sessions.get(before.id)
        assert after is not None
        gone = after.status is SessionStatus.CANCELLED \
            and before.status is not SessionStatus.CANCELLED
        uow.audit.record("cancelled" if gone else "edit", "session", before.id,
                         record(before), record(after))
        cancelled += gone
        if gone:
            notifier.notify(uow, NoticeKind.CANCELLED, [after])
        elif not set(p.changed) <= rules.ANNOTATIONS | {"status"}:
            notifier.notify(uow, NoticeKind.CHANGED, [after], before=[before])
    return cancelled




def missing_from(uow: UnitOfWork, exported: SessionQuery, kept: set[int]) -> list[Session]:
    """The scheduled sessions of the range a file was exported from (``exported``, as the
    acting person sees it) whose ids the file no longer has."""
    query = replace(visible(uow.actor, exported), statuses=(SessionStatus.SCHEDULED,)) \
        if not exported.statuses or SessionStatus.SCHEDULED in exported.statuses else None
    if query is None:
        return []
    return [s for s in uow.sessions.find(query) if s.id not in kept]


def cancel_missing(uow: UnitOfWork, notifier: Notifier, source: str,
                   gone: Sequence[Session]) -> list[Planned]:
    """Cancel (never delete) each of ``gone``, as ``session cancel`` does: each permitted,
    audited, its people told; the cancellations as an import lists them."""
    for s in gone:
        require(uow.actor, Action.CANCEL_SESSION, session=s)
        uow.sessions.set_status(s.id, SessionStatus.CANCELLED,
                                cancel_reason=f"no longer in {source}")
        after = uow.sessions.get(s.id)
        assert after is not None
        uow.audit.record("cancelled", "session", s.id, record(s), record(after))
        notifier.notify(uow, NoticeKind.CANCELLED, [after])
    return [Planned(None, draft_of(s), SessionStatus.CANCELLED, "cancel", s.id, ("status",))
            for s in gone]
