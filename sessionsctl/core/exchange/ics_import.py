"""Importing an iCalendar file: reading it into drafts, matching what we hold, writing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any

from ..access import Action, require
from ..domain import policy, rules
from ..domain.drafts import Row, SessionDraft
from ..domain.errors import InvalidInput
from ..domain.model import Closure, Series, Session, SessionStatus, SessionType
from ..domain.timeutil import zone
from ..names import Names, is_email
from ..schedule.booking import draft_of
from ..schedule.recurrence import parse_recurrence
from ..schedule.series import drafts_from
from . import ics, references
from .csvformat import shared_values
from .ics_following import this_and_future
from .importing import Importer, Pending, changes, onto_stored, require_line
from .problems import BadFile, Problem
from .results import (
    DryRun,
    ImportResult,
    OnConflict,
    Planned,
    Progress,
    audit_key,
    conflict_policy,
    dry_or_done,
    summary,
)

if TYPE_CHECKING:
    from ..storage import UnitOfWork

_SESSION_TYPES = frozenset(t.value for t in SessionType)


@dataclass(slots=True)
class _IcsPlan:
    """An iCalendar file as read: its events by UID (and RECURRENCE-ID), their drafts, the
    occurrences of each series, its closures and the names it gives people."""

    closures: list[ics.IcsClosure]
    masters: dict[str, ics.IcsEvent] = field(default_factory=dict)
    singles: dict[str, ics.IcsEvent] = field(default_factory=dict)
    exceptions: dict[str, dict[datetime, ics.IcsEvent]] = field(default_factory=dict)
    drafts: dict[tuple[str, datetime | None], tuple[ics.IcsEvent, SessionDraft]] = field(
        default_factory=dict)
    planned: dict[str, tuple[Series, list[datetime]]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    endless: list[int] = field(default_factory=list)  # lines of events given a length


class IcsImporter(Importer):
    """iCalendar import: events keyed by UID and RECURRENCE-ID, updated in place when
    imported again; all-day events are closures."""

    # --------------------------------------------------------------------- ICS import
    def import_ics(self, stream: IO[bytes], source: str, *, default_tz: str,
                   mentor: str | None = None, dry_run: bool = False,
                   on_conflict: OnConflict = "fail", reason: str | None = None,
                   create_missing: bool = False, allow_similar: bool = False,
                   progress: Progress | None = None) -> ImportResult:
        """Import an iCalendar file, all or nothing; importing it again updates what it made.

        Sessions are keyed by UID and RECURRENCE-ID (two events with the same are a problem of
        the file): an event already imported is updated in place (same session id, SEQUENCE
        raised), a new one is booked, and an occurrence the file no longer has is cancelled.
        All-day events are closures of the centre (added once; a repeating one on each of its
        days). Events without an ORGANIZER go to ``mentor``.
        """
        skip, force_reason = conflict_policy(on_conflict, reason)
        zone(default_tz, field="--tz")
        if mentor is not None and not is_email(mentor):  # a name: of someone registered
            with self.ctx.read() as uow:
                mentor = Names(uow).person(mentor, "mentor", field="--mentor").email
        if mentor is not None:
            mentor = rules.email(mentor, field="--mentor")
        # The file's text is only needed to read it (and to point problems at their lines):
        # it is let go before anything is written.
        plan = self._plan_ics(stream.read(), source, default_tz, mentor)

        def attempt() -> ImportResult:
            with self.ctx.write() as uow:
                found = references.check(uow, references.Request(
                    source, [(e.line, d) for e, d in plan.drafts.values()],
                    {"mentor": "ORGANIZER", "student": "ATTENDEE", "room": "LOCATION",
                     "subject": "CATEGORIES"}, "line", create_missing=create_missing,
                    allow_similar=allow_similar, names=plan.names))
                plan.drafts = {k: (e, found.draft(d)) for k, (e, d) in plan.drafts.items()}
                plan.planned = {uid: (found.series(series), starts)
                                for uid, (series, starts) in plan.planned.items()}
                result = self._apply_ics(uow, source, plan, skip, force_reason, progress,
                                         dry_run)
                added = self._closures(uow, plan.closures)
                result = replace(result, references=found.created, closures=added,
                                 endless=plan.endless)
                uow.audit.record("import", "file", audit_key(source), None, summary(result))
                if dry_run:
                    raise DryRun(result)
                return result

        return dry_or_done(attempt)

    def _plan_ics(self, data: bytes, source: str, default_tz: str,
                  mentor: str | None) -> _IcsPlan:
        """Read the file into drafts, and each series into its occurrences; every problem
        is raised at once as :class:`BadFile`."""
        problems: list[Problem] = []
        events: list[ics.IcsEvent] = []
        closures: list[ics.IcsClosure] = []
        horizon = self.ctx.clock() + policy.SERIES_HORIZON
        for item in ics.read(data, default_tz, horizon=horizon):
            if isinstance(item, Problem):
                problems.append(item)
            elif isinstance(item, ics.IcsClosure):
                closures.append(item)
            else:
                if item.mentor is None and mentor is None:
                    problems.append(Problem(item.line, "ORGANIZER",
                                            "no organizer: give the mentor with --mentor",
                                            "line"))
                    continue
                events.append(item)
        plan = _IcsPlan(closures=closures)
        where = ics.PropertyLines(data)  # a problem is shown at its property's line
        first_line: dict[tuple[str, datetime | None], int] = {}
        for e in events:
            key = (e.uid, e.recurrence_id)
            if key in first_line and not e.expanded:
                # One would silently replace the other: each event needs its own UID (and an
                # occurrence its own RECURRENCE-ID; those of a rule expanded in a zone of the
                # file's own give way to the file's).
                same = " with the same RECURRENCE-ID" if e.recurrence_id else ""
                problems.append(Problem(
                    where.of(e.line, "UID"), "UID", f"{e.uid[:80]!r} is also the UID of the event at line "
                    f"{first_line[key]}{same} (an event without a UID is known by its start "
                    "and title)", "line"))
                continue
            if not e.expanded:
                first_line[key] = e.line
            if e.recurrence_id is not None:
                group = plan.exceptions.setdefault(e.uid, {})
                # An exception the file gives wins over the occurrence its rule gives.
                if not (e.expanded and e.recurrence_id in group):
                    group[e.recurrence_id] = e
            elif e.rule is not None:
                plan.masters[e.uid] = e
            else:
                plan.singles[e.uid] = e
        shared: dict[Any, Any] = {}
        # LOCATION names a room when a room of that name exists, or the file names it as one.
        with self.ctx.read() as uow:
            known_rooms = {r.name for r in uow.rooms.all()}
        rooms = known_rooms | {e.room for e in events if e.room}

        def draft(e: ics.IcsEvent) -> None:
            if e.room is None and e.location in rooms:
                e = replace(e, room=e.location, location=None)  # LOCATION names a room
            try:
                made = shared_values(self._ics_draft(e, mentor), shared)
                plan.drafts[e.uid, e.recurrence_id] = (e, made)
                if e.rule is not None:
                    parse_recurrence(e.rule, zone(e.tz), field="RRULE")
                    plan.planned[e.uid] = self._occurrences(
                        None, made, e.rule, e.uid, e.sequence,
                        closures=False)
                    if not plan.planned[e.uid][1]:
                        raise InvalidInput("gives no occurrences (is UNTIL before DTSTART, or "
                                           "every one an EXDATE?)", field="RRULE")
            except InvalidInput as exc:
                column = {"repeat": "RRULE", "mentor": "ORGANIZER", "student": "ATTENDEE",
                          "end": "DTEND", "start": "DTSTART", "room": "LOCATION",
                          "location": "LOCATION", "link": "URL",
                          "subject": "CATEGORIES"}.get(exc.field or "", exc.field)
                problems.append(Problem(where.of(e.line, column), column,
                                        exc.detail, "line"))

        for e in events:
            draft(e)
        # An exception for "this and future" occurrences changes the later ones as well.
        starts = {uid: starts for uid, (_, starts) in plan.planned.items()}
        for e in this_and_future(plan.exceptions, starts):
            draft(e)
        if problems:
            raise BadFile(source, sorted(problems, key=lambda p: (p.row or 0)))
        if not events and not closures:
            raise BadFile(source, [Problem(None, None, "has no events to import", "line")])
        plan.names = {email: cn for e in events for email, cn in e.names}
        plan.endless = sorted({e.line for e in events if e.endless})
        return plan

    def _ics_draft(self, e: ics.IcsEvent, mentor: str | None) -> SessionDraft:
        kind = (e.type or "").lower()
        known = kind in _SESSION_TYPES
        if len(e.uid) > 255:
            raise InvalidInput("is longer than 255 characters", field="UID")
        draft = rules.validate_session(SessionDraft(
            title=e.title[:300], mentor=e.mentor or mentor or "", start=e.start, end=e.end,
            tz=e.tz, students=e.students, room=e.room, subject=e.categories[0]
            if e.categories else None, type=SessionType(kind) if known else None, description=e.description,
            location=e.location, link=e.link, meeting_id=e.meeting_id, passcode=e.passcode,
            max_participants=e.max_participants, notes=e.notes))
        return draft

    def _apply_ics(self, uow: UnitOfWork, source: str, plan: _IcsPlan, skip: bool,
                   force_reason: str | None, progress: Progress | None,
                   dry_run: bool) -> ImportResult:
        masters, singles, exceptions = plan.masters, plan.singles, plan.exceptions
        drafts, planned = plan.drafts, plan.planned
        uids = {*masters, *singles, *exceptions}
        stored: dict[tuple[str, datetime | None], Session] = {}
        for s in uow.sessions.by_uid(uids):
            stored[s.uid, s.recurrence_id] = s
        known_series = uow.series.by_uid(masters)
        pending: list[Pending] = []
        wanted: set[tuple[str, datetime | None]] = set()
        series_count = 0

        def add(key: tuple[str, datetime | None], row: int | None, item: Row,
                series: Series | None = None) -> None:
            wanted.add(key)
            before = stored.get(key)
            if before is None:
                pending.append(Pending(row, item, None, series))
                return
            item = onto_stored(uow, source, row, before,
                               _keeps_started(_keeps_passcode(item, before.passcode), before))
            changed = changes(before, item)
            if changed:  # an unchanged one is neither judged nor written
                item = replace(item, sequence=max(before.sequence + 1, item.sequence))
                pending.append(Pending(row, item, before, series, changed))

        for uid, e in singles.items():
            _, draft = drafts[uid, None]
            add((uid, None), e.line, Row(draft, uid=uid, sequence=e.sequence, status=(
                SessionStatus.CANCELLED if e.cancelled else SessionStatus.SCHEDULED)))
        for uid, e in masters.items():
            series, starts = planned[uid]
            old = known_series.get(uid)
            if old is not None:  # a new one is created with its first occurrence written
                series, rewritten = self._onto_series(uow, source, e, series, old)
                series_count += rewritten
            moved = exceptions.get(uid, {})
            kept = [s for s in starts if s not in moved]
            plain = dict(zip(kept, drafts_from(series.template, kept, series.duration,
                                               series.tz), strict=True))
            for start in sorted({*starts, *moved}):
                if start in moved:
                    x = moved[start]
                    _, xdraft = drafts[uid, start]
                    item = Row(xdraft, uid=uid, series_id=series.id, recurrence_id=start,
                               sequence=x.sequence, status=SessionStatus.CANCELLED
                               if x.cancelled else SessionStatus.SCHEDULED)
                    add((uid, start), x.line, item, series)
                else:
                    item = Row(plain[start], uid=uid, series_id=series.id,
                               recurrence_id=start, sequence=e.sequence)
                    add((uid, start), e.line, item, series)
        for uid, group in exceptions.items():
            if uid in masters:
                continue
            # Occurrences of a series this file does not carry: each is keyed by its UID and
            # RECURRENCE-ID like any other. The one we hold (of a series, or a one-off an
            # earlier import made of it) is updated; one we do not hold becomes a one-off
            # that keeps both, so importing the file again finds and updates it.
            for rid, x in group.items():
                before = stored.get((uid, rid))
                _, xdraft = drafts[uid, rid]
                status = SessionStatus.CANCELLED if x.cancelled else SessionStatus.SCHEDULED
                add((uid, rid), x.line, Row(
                    xdraft, uid=uid, series_id=before.series_id if before else None,
                    recurrence_id=rid, status=status, sequence=x.sequence))
        # A held occurrence the file no longer has (an EXDATE added, a shorter rule, an RDATE
        # taken out of an event expanded here) is cancelled; completed or cancelled ones are
        # history and stay as they are.
        whole = {*masters, *singles, *(uid for uid, group in exceptions.items()
                                       if any(x.expanded for x in group.values()))}
        gone = [s for key, s in stored.items() if key not in wanted and key[0] in whole
                and s.status is SessionStatus.SCHEDULED]
        # Rows this import moves or cancels are not obstacles; the ones it leaves are.
        accepted, skipped, forced, new_series = self._commit(
            uow, source, pending, skip, force_reason, [s.id for s in gone], progress, "line")
        series_count += new_series
        for s in gone:
            require(uow.actor, Action.CANCEL_SESSION, session=s)
            uow.sessions.set_status(s.id, SessionStatus.CANCELLED,
                                    cancel_reason=f"no longer in {source}")
        listed = [p.planned(dry_run) for p in accepted] + [
            Planned(None, draft_of(s), SessionStatus.CANCELLED, "cancel", s.id, ("status",))
            for s in gone]
        listed.sort(key=lambda p: (p.draft.start, p.session_id or 0))
        count = {a: sum(1 for p in listed if p.action == a) for a in ("create", "update", "cancel")}
        return ImportResult(
            source, dry_run, listed, count["create"], count["update"],
            len(wanted) - len(pending), count["cancel"], series_count, skipped, forced, [],
            unit="line")

    @staticmethod
    def _onto_series(uow: UnitOfWork, source: str, e: ics.IcsEvent, series: Series,
                     old: Series) -> tuple[Series, int]:
        """The file's version of a series we hold (its id kept), and 1 if it changes it.
        Rewriting a series is editing its owner's sessions (the file's ORGANIZER is who the
        series would go to: checked with every new row). A rule, times and template as we hold
        them are not written again."""
        require_line(uow, source, e.line, Action.EDIT_SESSION,
                     mentor=str(old.template.get("mentor", "")))
        template = series.template
        if not template.get("passcode") and old.template.get("passcode"):
            template = {**template, "passcode": old.template["passcode"]}
        series = replace(series, id=old.id, origin_id=old.origin_id, template=template,
                         sequence=max(old.sequence, e.sequence))
        same = (series.rule, series.dtstart, series.tz, series.duration, series.template) == (
            old.rule, old.dtstart, old.tz, old.duration, old.template)
        if not same or series.expanded_until != old.expanded_until:
            uow.series.update(series)
        return series, 0 if same else 1

    def _closures(self, uow: UnitOfWork, items: Iterable[ics.IcsClosure]) -> list[Closure]:
        """All-day events become closures; one already there (same days, same reason) is kept."""
        have = {(c.starts_on, c.ends_on, c.reason) for c in uow.calendar.closures()}
        added = []
        for item in items:
            key = (item.starts_on, item.ends_on, item.reason)
            if key in have:
                continue
            require(uow.actor, Action.MANAGE_CLOSURES)
            closure = uow.calendar.add_closure(*key)
            uow.audit.record("add", "closure", closure.id, None, {"reason": item.reason})
            have.add(key)
            added.append(closure)
        return added


def _keeps_started(item: Row, before: Session) -> Row:
    """A calendar says a session is on (``CONFIRMED``) or cancelled, never that it has
    started: one of ours that is in progress stays so (exported, it reads ``CONFIRMED``)."""
    if before.status is SessionStatus.IN_PROGRESS and item.status is SessionStatus.SCHEDULED:
        return replace(item, status=before.status)
    return item


def _keeps_passcode(item: Row, held: str | None) -> Row:
    """A file without a session's passcode leaves the one we hold: exports leave passcodes
    out unless asked (``--passcodes``), and that is no reason to forget them."""
    if item.draft.passcode is None and held is not None:
        return replace(item, draft=replace(item.draft, passcode=held))
    return item
