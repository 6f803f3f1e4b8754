"""Changing many sessions at once: every session a filter selects is cancelled, moved or
given another mentor or room, previewed first (:meth:`BulkChanges.plan`) and then written all
or none (:meth:`BulkChanges.apply`).

Each session is changed as a single cancel or edit (of that occurrence alone) changes it: the
same lifecycle, the same conflict rule (:func:`~.judge.judge` against the store, and the rows
of the batch against each other, :class:`~.judge.Batch`), the same notices. Completed and
cancelled sessions are left as they are and said so, and so are sessions held on a day before
today unless ``past`` includes them (a broad filter must not rewrite history unasked); a move
to a day before today needs ``past`` as a single edit does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from ..access import Action, require, visible
from ..domain import rules
from ..domain.drafts import Row, SessionDraft, SessionQuery
from ..domain.errors import InvalidInput
from ..domain.model import Session, SessionStatus
from ..domain.serialize import record
from ..domain.timeutil import localize
from ..domain.words import counted
from ..mail.notices import NoticeKind, format_duration, parse_duration
from .booking import before_today, check_not_past, draft_of, retry_race
from .conflicts import Clashes, overlaps, refused
from .series import wall

if TYPE_CHECKING:
    from ..context import Context
    from ..mail.notify import Notifier
    from ..storage import UnitOfWork
    from .booker import Booker

BulkKind = Literal["cancel", "move", "reassign"]
REASSIGNABLE = frozenset({"mentor", "room"})
MAX_SHIFT = timedelta(days=366)  # the farthest a move by a duration goes, either way
_SHIFT = re.compile(r"^\s*([+-]?)\s*(\d+\s*(?:m|min|h|d|w))\s*$", re.IGNORECASE)


def parse_shift(text: str, *, field: str = "--by") -> timedelta:
    """A signed shift as people write it: ``+1w``, ``2d``, ``-30m``, ``+1h`` (the unit is
    needed; at most a year either way)."""
    match = _SHIFT.match(text)
    if not match:
        raise InvalidInput(f"must be a shift like +1w, +2d, -30m or +1h, not {text!r}",
                           field=field)
    size = parse_duration(match.group(2), field=field, maximum=MAX_SHIFT)
    return -size if match.group(1) == "-" else size


def shift_text(by: timedelta) -> str:
    """``+1w``, ``-30m``: a shift as :func:`parse_shift` reads it."""
    return ("-" if by < timedelta(0) else "+") + format_duration(abs(by))


@dataclass(frozen=True, slots=True)
class BulkChange:
    """What to do to each selected session: cancel it (with a reason), move it (by a
    wall-clock shift in its own zone, or to another day at the same wall time), or reassign it
    (a new mentor and/or room, as a draft holds them: an email, a stored room name or None)."""

    kind: BulkKind
    reason: str | None = None
    by: timedelta | None = None
    on: date | None = None
    fields: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def cancel(cls, reason: str | None = None) -> BulkChange:
        return cls("cancel", reason=(reason or "").strip() or None)

    @classmethod
    def move(cls, *, by: timedelta | None = None, on: date | None = None) -> BulkChange:
        if (by is None) == (on is None):
            raise InvalidInput("give one of --by (a shift, e.g. +1w) and --on (a day)",
                               field="--by")
        if by is not None and not by:
            raise InvalidInput("a shift of nothing moves nothing", field="--by")
        return cls("move", by=by, on=on)

    @classmethod
    def reassign(cls, **fields: Any) -> BulkChange:
        unknown = set(fields) - REASSIGNABLE
        if unknown:
            raise InvalidInput(f"cannot reassign {', '.join(sorted(unknown))}", field="reassign")
        if not fields:
            raise InvalidInput("give a new mentor or a new room (or both)", field="--new-mentor")
        if fields.get("mentor", "") is None:
            raise InvalidInput("a session needs a mentor", field="--new-mentor")
        return cls("reassign", fields=dict(fields))

    def describe(self) -> str:
        """In words, for a heading: ``move by +1w``, ``cancel``."""
        if self.kind == "move":
            return (f"move by {shift_text(self.by)}" if self.by is not None
                    else f"move to {self.on:%a %d %b %Y}")
        if self.kind == "reassign":
            parts = [f"{k} → {v or 'none'}" for k, v in sorted(self.fields.items())]
            return "reassign: " + ", ".join(parts)
        return "cancel" + (f" ({self.reason})" if self.reason else "")


@dataclass(frozen=True, slots=True)
class Planned:
    """One selected session: what it becomes (``after``), or why it is left as it is
    (``skipped``), and the conflicts the change would meet."""

    before: Session
    after: Session | None = None
    skipped: str | None = None
    conflicts: Clashes = field(default_factory=Clashes)


@dataclass(frozen=True, slots=True)
class BulkPlan:
    """Every session a bulk change selected, in start order; ``applied`` once written."""

    change: BulkChange
    rows: list[Planned]
    applied: bool = False

    @property
    def changing(self) -> list[Planned]:
        return [r for r in self.rows if r.skipped is None]

    @property
    def skipped(self) -> list[Planned]:
        return [r for r in self.rows if r.skipped is not None]

    @property
    def conflict_count(self) -> int:
        return sum(r.conflicts.total for r in self.rows)

    @property
    def ids(self) -> tuple[int, ...]:
        """The sessions it changes (what a confirmation applies to)."""
        return tuple(r.before.id for r in self.changing)


def _unfiltered(query: SessionQuery) -> bool:
    return replace(query, order="start", descending=False, limit=None, offset=0) \
        == SessionQuery()


def _skip_reason(session: Session, now: datetime, past: bool) -> str | None:
    if session.status in (SessionStatus.COMPLETED, SessionStatus.CANCELLED):
        return f"already {session.status.label}"
    if not past and before_today(session.start, session.tz, now):
        return "held before today (include it with --past)"
    return None


class BulkChanges:
    """Cancel, move or reassign the sessions a filter selects, all or none."""

    def __init__(self, ctx: Context, booker: Booker, notifier: Notifier) -> None:
        self.ctx = ctx
        self.booker = booker
        self.notifier = notifier

    def plan(self, query: SessionQuery, change: BulkChange, *, closure: bool = False,
             past: bool = False) -> BulkPlan:
        """What :meth:`apply` would do, judged as it would be; nothing is written.
        ``closure`` keeps only the sessions on a closure day (in their own zone)."""
        with self.ctx.read() as uow:
            return self._plan(uow, query, change, closure, past)

    def apply(self, query: SessionQuery, change: BulkChange, *, closure: bool = False,
              past: bool = False, notify: bool = True) -> BulkPlan:
        """Plan again inside one transaction and write every change, or nothing when any
        session would meet a conflict (:class:`ConflictError`, every conflict listed)."""
        return retry_race(lambda: self._apply(query, change, closure, past, notify))

    # ------------------------------------------------------------------ selecting and judging
    def _selected(self, uow: UnitOfWork, query: SessionQuery, closure: bool) -> list[Session]:
        if _unfiltered(query) and not closure:
            raise InvalidInput("choose the sessions: give a filter (--from, --to, --mentor, "
                               "--room, --subject, --closure ...)", field="filter")
        query = visible(uow.actor, replace(query, limit=None, offset=0, order="start",
                                           descending=False))
        if not closure:
            return uow.sessions.find(query)
        closures = uow.calendar.closures()
        if not closures:
            return []
        # A day in any zone lies within a day of the same UTC day.
        first = datetime.combine(min(c.starts_on for c in closures), time(),
                                 UTC) - timedelta(days=1)
        last = datetime.combine(max(c.ends_on for c in closures), time(), UTC) \
            + timedelta(days=2)
        query = replace(query, start=max(query.start or first, first),
                        end=min(query.end or last, last))
        if query.end is not None and query.start is not None and query.end <= query.start:
            return []
        return [s for s in uow.sessions.find(query)
                if any(c.covers(s.start.astimezone(ZoneInfo(s.tz)).date()) for c in closures)]

    def _draft(self, session: Session, change: BulkChange) -> SessionDraft:
        """What a moved or reassigned session becomes (its length kept)."""
        draft = draft_of(session)
        if change.kind == "reassign":
            return rules.validate_session(replace(draft, **change.fields))
        tz = ZoneInfo(session.tz)
        local = wall(session.start, tz)
        moved = local + change.by if change.by is not None \
            else datetime.combine(change.on or local.date(), local.time())
        start = localize(moved, tz)
        return rules.validate_session(replace(draft, start=start, end=start + session.duration))

    def _plan(self, uow: UnitOfWork, query: SessionQuery, change: BulkChange, closure: bool,
              past: bool) -> BulkPlan:
        action = Action.CANCEL_SESSION if change.kind == "cancel" else Action.EDIT_SESSION
        if "mentor" in change.fields:
            require(uow.actor, Action.BOOK, mentor=change.fields["mentor"])
        now = self.ctx.clock()
        planned: list[Planned] = []
        moving: list[tuple[Session, Row]] = []
        for s in self._selected(uow, query, closure):
            require(uow.actor, action, session=s)
            why = _skip_reason(s, now, past)
            if why is not None:
                planned.append(Planned(s, skipped=why))
                continue
            if change.kind == "cancel":
                planned.append(Planned(s, replace(s, status=SessionStatus.CANCELLED,
                                                  cancel_reason=change.reason)))
                continue
            draft = self._draft(s, change)
            if draft == draft_of(s):
                planned.append(Planned(s, skipped="nothing to change"))
                continue
            check_not_past(draft.start, draft.tz, now, past, field=f"session {s.id}")
            moving.append((s, Row(draft, uid=s.uid, status=s.status, series_id=s.series_id,
                                  recurrence_id=s.recurrence_id, sequence=s.sequence + 1)))
            planned.append(Planned(s))
        if moving:
            judged = self.booker.judge_together(uow, [r for _, r in moving],
                                                [s.id for s, _ in moving])
            found = {s.id: (r, c) for (s, r), c in zip(moving, judged, strict=True)}
            planned = [replace(p, after=_as_session(p.before, found[p.before.id][0]),
                               conflicts=found[p.before.id][1])
                       if p.before.id in found else p for p in planned]
        return BulkPlan(change, planned)

    # ------------------------------------------------------------------------ writing
    def _apply(self, query: SessionQuery, change: BulkChange, closure: bool, past: bool,
               notify: bool) -> BulkPlan:
        with self.ctx.write() as uow:
            plan = self._plan(uow, query, change, closure, past)
            rows = plan.changing
            if any(r.conflicts for r in rows):
                raise refused([r.conflicts for r in rows],
                              f"refused: {counted(plan.conflict_count, 'scheduling conflict')} "
                              f"in {sum(1 for r in rows if r.conflicts)} of "
                              f"{counted(len(rows), 'session')}; nothing was changed")
            if not rows:
                return replace(plan, applied=True)
            befores = [r.before for r in rows]
            ids = [s.id for s in befores]
            if change.kind == "cancel":
                for s in befores:
                    for step in rules.lifecycle_path(s.status, SessionStatus.CANCELLED):
                        uow.sessions.set_status(s.id, step, cancel_reason=change.reason)
            else:
                drafts = {r.before.id: r for r in rows}
                for s in write_order([(r.before, r.after) for r in rows if r.after]):
                    after = drafts[s.id].after
                    assert after is not None
                    uow.sessions.update(s.id, Row(
                        draft_of(after), uid=s.uid, status=s.status, series_id=s.series_id,
                        recurrence_id=s.recurrence_id, sequence=s.sequence + 1))
            written = {s.id: s for s in uow.sessions.find(SessionQuery(ids=tuple(ids)))}
            verb = "cancelled" if change.kind == "cancel" else "edit"
            for s in befores:
                uow.audit.record(verb, "session", s.id, record(s), record(written[s.id]))
            if notify:
                if change.kind == "cancel":
                    self.notifier.notify(uow, NoticeKind.CANCELLED, [written[i] for i in ids])
                else:
                    self.notifier.notify(uow, NoticeKind.CHANGED, [written[i] for i in ids],
                                         before=befores)
            done = [replace(r, after=written[r.before.id]) if r.skipped is None else r
                    for r in plan.rows]
            return replace(plan, rows=done, applied=True)


def _as_session(before: Session, row: Row) -> Session:
    d = row.draft
    return replace(before, start=d.start, end=d.end, mentor=d.mentor, room=d.room,
                   force_reason=None)


def _holds(s: Session) -> set[tuple[str, str]]:
    keys = {("person", s.mentor), *(("person", e) for e in s.students)}
    if s.room:
        keys.add(("room", s.room))
    return keys


def write_order(pairs: Sequence[tuple[Session, Session]]) -> list[Session]:
    """The sessions of ``pairs`` (before, after) in an order that writes each where no session
    still to be written holds it yet, so the database's guards against double booking (checked
    row by row on PostgreSQL) never see two of a batch in one slot on the way: a shift later
    writes the latest first. Each pick takes the first session, in the direction of the
    moves, whose new slot is clear of the others' old ones."""
    later = sum((a.start - b.start).total_seconds() for b, a in pairs) > 0
    pending = sorted(pairs, key=lambda p: p[0].start, reverse=later)
    order: list[Session] = []
    while pending:
        pick = 0
        for i, (_, after) in enumerate(pending):
            need = _holds(after)
            if not any(j != i and b.force_reason is None and overlaps(
                    after.start, after.end, b.start, b.end) and need & _holds(b)
                       for j, (b, _a) in enumerate(pending)):
                pick = i
                break
        order.append(pending.pop(pick)[0])
    return order
