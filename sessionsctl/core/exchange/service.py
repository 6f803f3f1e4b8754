"""Use cases of CSV and iCalendar import and export.

Imports are all or nothing: the whole file is read and every problem collected before the
database is touched; then every session is checked by the booking rules (the same conflict
check, batch index and options as :meth:`Centre._book`) and everything is written in one
transaction, or nothing is. ``on_conflict`` is ``fail`` (refuse, naming every clash and its
row), ``skip`` (book the rows that are free) or ``force`` (book all, recording the reason).

An import is audited as one entry (the file, what it created and skipped), not one per row:
a term's timetable is one act of one person.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import IO, Any, Literal
from zoneinfo import ZoneInfo

from .. import access
from ..access import Action
from ..domain import rules
from ..domain.drafts import Row, SessionDraft, SessionQuery
from ..domain.errors import ConflictError, InvalidInput, NotPermitted
from ..domain.model import Closure, Role, Series, Session, SessionStatus, SessionType
from ..domain.rules import MAX_SESSION_LENGTH
from ..domain.timeutil import zone
from ..schedule.booking import (
    EDITABLE,
    Batch,
    check_options,
    draft_of,
    new_uid,
    retry_race,
)
from ..schedule.conflicts import Conflict
from ..schedule.recurrence import expand, parse_recurrence
from ..schedule.service import HORIZON, draft_from, template_of
from ..storage import UnitOfWork
from . import csvformat, ics
from .csvformat import BadFile, Problem

OnConflict = Literal["fail", "skip", "force"]
ON_CONFLICT: tuple[OnConflict, ...] = ("fail", "skip", "force")
Progress = Callable[[int], None]  # called with how many more items are done
_WRITE_CHUNK = 500  # rows per INSERT: its parameters are all in memory at once


@dataclass(frozen=True, slots=True)
class RowConflict:
    """A conflict met by the session of one row (CSV row, or .ics line) of an import."""

    row: int | None
    conflict: Conflict


class ImportConflicts(ConflictError):
    """An import refused because rows clash; every clash is named with its row."""

    def __init__(self, source: str, found: list[RowConflict], unit: str = "row") -> None:
        rows = len({f.row for f in found})
        super().__init__([f.conflict for f in found],
                         f"{source}: refused: {len(found)} scheduling conflict(s) in {rows} "
                         f"{unit}(s); nothing was written (--on-conflict skip or force)")
        self.source = source
        self.rows = found
        self.unit = unit  # "row" of a CSV file, "line" of an iCalendar file


@dataclass(frozen=True, slots=True)
class Planned:
    """A session an import creates or changes (what ``--dry-run`` shows)."""

    row: int | None
    draft: SessionDraft
    status: SessionStatus
    action: Literal["create", "update"] = "create"


@dataclass(frozen=True, slots=True)
class ImportResult:
    source: str
    dry_run: bool
    planned: list[Planned]
    created: int
    updated: int
    unchanged: int
    removed: int
    series: int
    skipped: list[RowConflict]
    forced: list[RowConflict]
    references: list[str]  # people, rooms and subjects created by --create-missing
    closures: list[Closure] = field(default_factory=list)
    unit: str = "row"  # what ``row`` counts: "row" of a CSV file, "line" of an iCalendar file


@dataclass(slots=True)
class _Pending:
    row: int | None
    item: Row
    existing: Session | None = None
    series: Series | None = None


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


class _Held(Batch):
    """:class:`~sessionsctl.core.schedule.booking.Batch` indexed by start as well: the rows of a
    100k-row file are each checked against the few held around them, not against every row
    of the same mentor (the same :func:`~sessionsctl.core.schedule.conflicts.clashes` rule decides)."""

    def __init__(self) -> None:
        super().__init__()
        self._starts: dict[tuple[str, str], list[datetime]] = {}

    def clashes(self, draft: SessionDraft) -> list[Conflict]:
        low = draft.start - MAX_SESSION_LENGTH
        return self._among(draft, (
            row for key in self._keys(draft) if (starts := self._starts.get(key))
            for row in self._held[key][bisect_left(starts, low):bisect_left(starts, draft.end)]))

    def add(self, row: Row) -> None:
        super().add(row)
        for key in self._keys(row.draft):
            held, starts = self._held[key], self._starts.setdefault(key, [])
            # Keep both lists in start order (rows mostly come in order: an append).
            last = held.pop()
            at = bisect_right(starts, last.draft.start)
            starts.insert(at, last.draft.start)
            held.insert(at, last)


def _dry_or_done(attempt: Callable[[], ImportResult]) -> ImportResult:
    """Run an import's transaction (again if it lost a race); a dry run ends by raising
    :class:`_DryRun` inside it, so everything it wrote is rolled back, and returns its result."""
    try:
        return retry_race(attempt)
    except _DryRun as done:
        return done.result


class _DryRun(Exception):
    def __init__(self, result: ImportResult) -> None:
        self.result = result


def _policy(on_conflict: str, reason: str | None) -> tuple[bool, str | None]:
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


def _wall(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


def _name_from(email: str) -> str:
    local = email.split("@", 1)[0]
    return " ".join(part.capitalize() for part in local.replace("_", ".").split(".") if part) \
        or email


def _same(a: Session, row: Row) -> bool:
    d = row.draft
    return (a.title, a.mentor, a.start, a.end, a.tz, a.students, a.room, a.subject, a.type,
            a.description, a.location, a.link, a.meeting_id, a.passcode, a.max_participants,
            a.notes, a.status) == (
            d.title, d.mentor, d.start, d.end, d.tz, d.students, d.room, d.subject, d.type,
            d.description, d.location, d.link, d.meeting_id, d.passcode, d.max_participants,
            d.notes, row.status)


class Exchange:
    """Mixed into :class:`sessionsctl.core.centre.Centre` (``self._read()``, ``self._write()``)."""

    # ------------------------------------------------------------------------ shared
    def _references(self, uow: UnitOfWork, source: str,
                    entries: Sequence[tuple[int | None, SessionDraft]], create_missing: bool,
                    names: dict[str, str], columns: dict[str, str],
                    unit: str = "row", *, check_only: bool = False) -> list[str]:
        """Check that every person, room and subject the rows name exists in the right role;
        create the missing ones with ``create_missing``, else name each with its first row."""
        people = uow.people_by_email({e for _, d in entries for e in (d.mentor, *d.students)})
        rooms = {r.name for r in uow.list_rooms()}
        subjects = {s.name for s in uow.list_subjects()}
        missing: dict[tuple[str, str], int | None] = {}
        problems: list[Problem] = []
        for row, d in entries:
            person = people.get(d.mentor)
            if person is None:
                missing.setdefault(("mentor", d.mentor), row)
            elif person.role is Role.STUDENT:
                problems.append(Problem(row, columns["mentor"],
                                        f"{d.mentor} is a student, not a mentor", unit))
            for email in d.students:
                person = people.get(email)
                if person is None:
                    if ("mentor", email) not in missing:
                        missing.setdefault(("student", email), row)
                elif person.role is not Role.STUDENT:
                    problems.append(Problem(row, columns["student"],
                                            f"{email} is a {person.role.value}, not a student", unit))
            if d.room is not None and d.room not in rooms:
                missing.setdefault(("room", d.room), row)
            if d.subject is not None and d.subject not in subjects:
                missing.setdefault(("subject", d.subject), row)
        clash = {k for (kind, k) in missing if kind == "mentor"} & \
            {k for (kind, k) in missing if kind == "student"}
        for email in sorted(clash):
            problems.append(Problem(missing[("student", email)], columns["student"],
                                    f"{email} is named both as a mentor and as a student", unit))
        if missing and not create_missing:
            for (kind, key), row in missing.items():
                problems.append(Problem(row, columns[kind], f"no {kind} {key!r} (add it first, "
                                        "or import with --create-missing)", unit))
        if problems:
            raise BadFile(source, sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
        if check_only:
            return []
        created: list[str] = []
        for (kind, key), _row in sorted(missing.items(), key=lambda kv: kv[0]):
            if kind in ("mentor", "student"):
                access.require(uow.actor, Action.ADD_PERSON, role=Role(kind))
                person = uow.add_person(rules.name(names.get(key) or _name_from(key)), key,
                                        Role(kind), None)
                uow.audit("add", "person", person.id, None, {"email": key, "role": kind,
                                                               "by": source})
            elif kind == "room":
                access.require(uow.actor, Action.ADD_ROOM)
                uow.add_room(key, None)
            else:
                access.require(uow.actor, Action.ADD_SUBJECT)
                uow.add_subject(key)
            created.append(f"{kind} {key}")
        return created

    def _occurrences(self, uow: UnitOfWork, draft: SessionDraft, repeat: str, uid: str,
                     sequence: int = 0, *, closures: bool = True) -> tuple[Series, list[datetime]]:
        """A new series for ``draft`` repeating by ``repeat``, as ``create_series`` makes it
        (DTSTART on the first occurrence, open rules to the horizon, and with ``closures``
        the days the centre is closed taken out; a calendar file's rule is taken as it is,
        so importing it again finds the same occurrences)."""
        tz = zone(draft.tz)
        rec = parse_recurrence(repeat, tz)
        dtstart = _wall(draft.start, tz)
        horizon = self.clock() + HORIZON if rec.open_ended else None  # type: ignore[attr-defined]
        first = expand(replace(rec, exdates=(), rdates=()), dtstart, tz, until=horizon)
        if first:
            dtstart = _wall(first[0].recurrence_id, tz)
        if closures:
            rec, starts, _closed = self._expand(uow, rec, dtstart, tz, after=None,  # type: ignore[attr-defined]
                                                until=horizon)
        else:
            starts = [o.start for o in expand(rec, dtstart, tz, until=horizon)]
        series = Series(id=0, uid=uid, rule=rec.to_text(), dtstart=dtstart, tz=draft.tz,
                        duration=draft.end - draft.start, template=template_of(draft),
                        expanded_until=horizon, sequence=sequence)
        return series, starts

    def _commit(self, uow: UnitOfWork, source: str, pending: list[_Pending], skip: bool,
                force_reason: str | None, exclude: Sequence[int],
                progress: Progress | None, unit: str = "row"
                ) -> tuple[list[_Pending], list[RowConflict], list[RowConflict], int]:
        """Check every pending row as :meth:`Centre._book` does, then write them all or none.

        Rows are checked against the database (less ``exclude``, the rows this import
        replaces) and against the rows before them. Cancelled rows hold no slot. A new series
        (``id`` 0) is created here, and only if one of its occurrences is written: skipping
        every occurrence leaves no empty series behind. Returns the rows written, the
        skipped and forced clashes, and how many series were created.
        """
        for mentor in sorted({p.item.draft.mentor for p in pending}):
            access.require(uow.actor, Action.BOOK, mentor=mentor)
        live = [p for p in pending if p.item.status is not SessionStatus.CANCELLED]
        drafts = [p.item.draft for p in live]
        refs = self._resolve(uow, drafts)  # type: ignore[attr-defined]
        judged = self.conflicts(uow, drafts, refs, exclude)  # type: ignore[attr-defined]
        batch = _Held()
        found: list[RowConflict] = []
        skipped: list[RowConflict] = []
        dropped: set[int] = set()
        for p, stored in zip(live, judged, strict=True):
            clashing = stored + batch.clashes(p.item.draft)
            if clashing:
                hits = [RowConflict(p.row, c) for c in clashing]
                found.extend(hits)
                if skip:
                    skipped.extend(hits)
                    dropped.add(id(p))
                    continue
                if force_reason is not None:
                    p.item = replace(p.item, force_reason=force_reason)
            batch.add(p.item)
        if found and not skip and force_reason is None:
            raise ImportConflicts(source, found, unit)
        accepted = [p for p in pending if id(p) not in dropped]
        made: dict[int, Series] = {}  # id() of a new series -> the series as created
        for p in accepted:
            if p.series is not None and p.series.id == 0:
                if id(p.series) not in made:
                    made[id(p.series)] = replace(p.series, id=uow.insert_series(p.series))
                p.item = replace(p.item, series_id=made[id(p.series)].id)
        fresh = [p for p in accepted if p.existing is None]
        for i in range(0, len(fresh), _WRITE_CHUNK):
            part = fresh[i:i + _WRITE_CHUNK]
            uow.insert_sessions([p.item for p in part])
            if progress:
                progress(len(part))
        for p in accepted:
            if p.existing is not None:
                uow.update_session(p.existing.id, p.item)
                if progress:
                    progress(1)
        # Occurrences skipped for a clash leave the rule (as `session add --skip-conflicts`).
        by_series: dict[int, tuple[Series, list[datetime | None]]] = {}
        for p in pending:
            if id(p) in dropped and p.series is not None and p.existing is None:
                series = made.get(id(p.series), p.series)
                if series.id:  # a new series none of whose occurrences is written is not made
                    by_series.setdefault(series.id, (series, []))[1].append(
                        p.item.recurrence_id)
        for series, rids in by_series.values():
            self._exclude(uow, series, rids)  # type: ignore[attr-defined]
        return accepted, skipped, found if force_reason is not None else [], len(made)

    # --------------------------------------------------------------------- CSV import
    def import_csv(self, stream: IO[bytes], source: str, *, default_tz: str,
                   dry_run: bool = False, on_conflict: OnConflict = "fail",
                   reason: str | None = None, create_missing: bool = False,
                   progress: Progress | None = None) -> ImportResult:
        """Import sessions from CSV (columns of shared/CLI.md), all or nothing.

        Every row is read and checked before anything is written; every problem is raised
        at once as :class:`BadFile`, every clash as :class:`ImportConflicts`.
        """
        skip, force_reason = _policy(on_conflict, reason)
        zone(default_tz, field="--tz")
        parsed: list[csvformat.CsvRow] = []
        problems: list[Problem] = []
        named: list[tuple[int, csvformat.References]] = []  # by rows with problems
        for item in csvformat.read(stream, source, default_tz):
            if isinstance(item, Problem):
                problems.append(item)
                if len(problems) >= csvformat.MAX_PROBLEMS:
                    break
            elif isinstance(item, tuple):
                named.append(item)
            else:
                parsed.append(item)
        columns = {"mentor": "mentor_email", "student": "student_emails", "room": "room",
                   "subject": "subject"}
        if problems:
            # The rows that could be read are checked for unknown people, rooms and subjects
            # too, so one run names everything there is to fix.
            if (parsed or named) and len(problems) < csvformat.MAX_PROBLEMS:
                try:
                    with self._read() as uow:  # type: ignore[attr-defined]
                        self._references(uow, source, [*((r.row, r.draft) for r in parsed),
                                                       *named],  # type: ignore[list-item]
                                         create_missing, {}, columns, check_only=True)
                except BadFile as more:
                    problems = sorted(problems + more.problems,
                                      key=lambda p: (p.row or 0, p.column or ""))
            raise BadFile(source, problems)
        if not parsed:
            raise BadFile(source, [Problem(None, None, "has no rows to import")])

        def attempt() -> ImportResult:
            with self._write() as uow:  # type: ignore[attr-defined]
                made = self._references(
                    uow, source, [(r.row, r.draft) for r in parsed], create_missing, {},
                    columns)
                pending: list[_Pending] = []
                for r in parsed:
                    if r.repeat is None:
                        pending.append(_Pending(r.row, Row(r.draft, uid=new_uid(),
                                                           status=r.status)))
                        continue
                    series, starts = self._occurrences(uow, r.draft, r.repeat, new_uid())
                    if not starts:
                        raise BadFile(source, [Problem(r.row, "repeat",
                                                       "the rule gives no occurrences")])
                    for start in starts:  # the series is created with its first row written
                        draft = draft_from(series.template, start, start + series.duration,
                                           series.tz)
                        pending.append(_Pending(r.row, Row(
                            draft, uid=series.uid, recurrence_id=start,
                            status=r.status), series=series))
                accepted, skipped, forced, series_count = self._commit(
                    uow, source, pending, skip, force_reason, (), progress)
                result = ImportResult(
                    source, dry_run, [Planned(p.row, p.item.draft, p.item.status)
                                      for p in accepted],
                    len(accepted), 0, 0, 0, series_count, skipped, forced, made)
                uow.audit("import", "file", _key(source), None, _summary(result))
                if dry_run:
                    raise _DryRun(result)
                return result

        return _dry_or_done(attempt)

    # --------------------------------------------------------------------- CSV export
    def _visible(self, uow: UnitOfWork, query: SessionQuery) -> SessionQuery:
        if not access.sees_everything(uow.actor):
            assert uow.actor is not None
            return replace(query, visible_to=uow.actor.email)
        return query

    def export_csv(self, query: SessionQuery, sink: IO[str], *,
                   progress: Progress | None = None) -> int:
        """Write the sessions of ``query`` as CSV to ``sink``, streamed in start order (one row
        per occurrence; the file imports again as it is). Returns how many were written."""
        count = 0
        with self._read() as uow:  # type: ignore[attr-defined]
            for _ in csvformat.write(uow.stream_sessions(self._visible(uow, query)), sink):
                count += 1
                if progress and count % 500 == 0:
                    progress(500)
        if progress:
            progress(count % 500)
        return count

    def count_sessions(self, query: SessionQuery) -> int | None:
        """A cheap upper bound of what an export will write, for a progress bar's total."""
        with self._read() as uow:  # type: ignore[attr-defined]
            return uow.counts().get("sessions")

    # --------------------------------------------------------------------- ICS export
    def export_ics(self, query: SessionQuery, sink: IO[bytes], *, passcodes: bool = False,
                   progress: Progress | None = None) -> int:
        """Write one VCALENDAR of the sessions of ``query`` to ``sink``: a VEVENT per one-off
        session, and per series a master with its rule plus its exceptions. A series is
        written whole when any of its occurrences matches the filters (its rule cannot be cut
        to them). Events are serialised as they are read (constant memory); returns how many
        VEVENTs were written."""
        stamp = datetime.now(UTC).replace(microsecond=0)
        with self._read() as uow:  # type: ignore[attr-defined]
            query = self._visible(uow, query)
            names = {p.email: p.name for p in uow.list_people()}
            zones, span = uow.session_zones(), uow.session_span()
            first, last = (span[0].date(), span[1].date()) if span else (stamp.date(),) * 2
            values = ics.Values(names, stamp)
            written = 0

            def events() -> Iterator[Any]:
                nonlocal written
                series_ids: list[int] = []
                seen: set[int] = set()
                for session in uow.stream_sessions(query):
                    if session.series_id is None:
                        written += 1
                        yield ics.session_event(session, passcodes=passcodes, values=values)
                        if progress:
                            progress(1)
                    elif session.series_id not in seen:
                        seen.add(session.series_id)
                        series_ids.append(session.series_id)
                for i in range(0, len(series_ids), 200):
                    chunk = series_ids[i:i + 200]
                    all_series = uow.series_many(chunk)
                    members: dict[int, list[Session]] = {}
                    for m in uow.series_members(chunk):
                        members.setdefault(m.series_id or 0, []).append(m)
                    for series_id in chunk:
                        series = all_series[series_id]
                        held = members.get(series_id, [])
                        made = ics.series_events(series, held, passcodes=passcodes,
                                                 expanded=_expected(series), values=values)
                        written += len(made)
                        yield from made
                        if progress:
                            progress(len(held))

            for chunk in ics.stream(events(), zones, first=first, last=last, values=values):
                sink.write(chunk)
            return written

    # --------------------------------------------------------------------- ICS import
    def import_ics(self, stream: IO[bytes], source: str, *, default_tz: str,
                   mentor: str | None = None, dry_run: bool = False,
                   on_conflict: OnConflict = "fail", reason: str | None = None,
                   create_missing: bool = False,
                   progress: Progress | None = None) -> ImportResult:
        """Import an iCalendar file, all or nothing; importing it again updates what it made.

        Sessions are keyed by UID and RECURRENCE-ID: an event already imported is updated in
        place (same session id, SEQUENCE raised), a new one is booked, and an occurrence the
        file no longer has is cancelled. All-day events are closures of the centre (added
        once). Events without an ORGANIZER go to ``mentor``.
        """
        skip, force_reason = _policy(on_conflict, reason)
        zone(default_tz, field="--tz")
        if mentor is not None:
            mentor = rules.email(mentor, field="--mentor")
        # The file's text is only needed to read it (and to point problems at their lines):
        # it is let go before anything is written.
        plan = self._plan_ics(stream.read(), source, default_tz, mentor)

        def attempt() -> ImportResult:
            with self._write() as uow:  # type: ignore[attr-defined]
                made = self._references(
                    uow, source, [(e.line, d) for e, d in plan.drafts.values()],
                    create_missing, plan.names,
                    {"mentor": "ORGANIZER", "student": "ATTENDEE", "room": "LOCATION",
                     "subject": "CATEGORIES"}, "line")
                result = self._apply_ics(uow, source, plan, skip, force_reason, progress)
                added = self._closures(uow, plan.closures)
                result = replace(result, dry_run=dry_run, references=made, closures=added)
                uow.audit("import", "file", _key(source), None, _summary(result))
                if dry_run:
                    raise _DryRun(result)
                return result

        return _dry_or_done(attempt)

    def _plan_ics(self, data: bytes, source: str, default_tz: str,
                  mentor: str | None) -> _IcsPlan:
        """Read the file into drafts, and each series into its occurrences; every problem
        is raised at once as :class:`BadFile`."""
        problems: list[Problem] = []
        events: list[ics.IcsEvent] = []
        closures: list[ics.IcsClosure] = []
        horizon = self.clock() + HORIZON  # type: ignore[attr-defined]
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
        for e in events:
            if e.recurrence_id is not None:
                group = plan.exceptions.setdefault(e.uid, {})
                # An exception the file gives wins over the occurrence its rule gives.
                if not (e.expanded and e.recurrence_id in group):
                    group[e.recurrence_id] = e
            elif e.rule is not None:
                plan.masters[e.uid] = e
            else:
                plan.singles[e.uid] = e
        where = ics.PropertyLines(data)  # a problem is shown at its property's line
        shared: dict[Any, Any] = {}
        # LOCATION names a room when a room of that name exists, or the file names it as one.
        rooms = {r.name for r in self.list_rooms()} | {e.room for e in events if e.room}  # type: ignore[attr-defined]
        for e in events:
            if e.room is None and e.location in rooms:
                e = replace(e, room=e.location, location=None)  # LOCATION names a room
            try:
                draft = _shared(self._ics_draft(e, mentor), shared)
                plan.drafts[e.uid, e.recurrence_id] = (e, draft)
                if e.rule is not None:
                    parse_recurrence(e.rule, zone(e.tz), field="RRULE")
                    plan.planned[e.uid] = self._occurrences(
                        None, draft, e.rule, e.uid, e.sequence,  # type: ignore[arg-type]
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
        if problems:
            raise BadFile(source, sorted(problems, key=lambda p: (p.row or 0)))
        if not events and not closures:
            raise BadFile(source, [Problem(None, None, "has no events to import", "line")])
        plan.names = {email: cn for e in events for email, cn in e.names}
        return plan

    def _ics_draft(self, e: ics.IcsEvent, mentor: str | None) -> SessionDraft:
        kind = (e.type or "").lower()
        known = kind in {t.value for t in SessionType}
        if len(e.uid) > 255:
            raise InvalidInput("is longer than 255 characters", field="UID")
        draft = rules.validate_session(SessionDraft(
            title=e.title[:300], mentor=e.mentor or mentor or "", start=e.start, end=e.end,
            tz=e.tz, students=e.students, room=e.room, subject=e.categories[0]
            if e.categories else None, type=SessionType(kind) if known else None, description=e.description,
            location=e.location, link=e.link, meeting_id=e.meeting_id, passcode=e.passcode,
            max_participants=e.max_participants, notes=e.notes))
        csvformat.check_lengths(draft)
        return draft

    def _apply_ics(self, uow: UnitOfWork, source: str, plan: _IcsPlan, skip: bool,
                   force_reason: str | None, progress: Progress | None) -> ImportResult:
        masters, singles, exceptions = plan.masters, plan.singles, plan.exceptions
        drafts, planned = plan.drafts, plan.planned
        uids = {*masters, *singles, *exceptions}
        stored: dict[tuple[str, datetime | None], Session] = {}
        for s in uow.sessions_by_uid(uids):
            stored[s.uid, s.recurrence_id] = s
        known_series = uow.series_by_uid(masters)
        pending: list[_Pending] = []
        wanted: set[tuple[str, datetime | None]] = set()
        series_count = 0

        def add(key: tuple[str, datetime | None], row: int | None, item: Row,
                series: Series | None = None) -> None:
            wanted.add(key)
            before = stored.get(key)
            if before is not None:
                item = _onto_stored(uow, source, row, before, item)
                if _same(before, item):
                    return
                item = replace(item, sequence=max(before.sequence + 1, item.sequence))
            pending.append(_Pending(row, item, before, series))

        for uid, e in singles.items():
            _, draft = drafts[uid, None]
            add((uid, None), e.line, Row(draft, uid=uid, sequence=e.sequence, status=(
                SessionStatus.CANCELLED if e.cancelled else SessionStatus.SCHEDULED)))
        for uid, e in masters.items():
            _, draft = drafts[uid, None]
            assert e.rule is not None
            series, starts = planned[uid]
            old = known_series.get(uid)
            if old is not None:  # a new one is created with its first occurrence written
                # Rewriting a series is editing its owner's sessions (the file's ORGANIZER is
                # who the series would go to: checked with every new row below).
                _require_line(uow, source, e.line, Action.EDIT_SESSION,
                              mentor=str(old.template.get("mentor", "")))
                series = replace(series, id=old.id, sequence=max(old.sequence, e.sequence))
                uow.update_series(series)
                series_count += 1
            moved = exceptions.get(uid, {})
            for start in sorted({*starts, *moved}):
                if start in moved:
                    x = moved[start]
                    _, xdraft = drafts[uid, start]
                    item = Row(xdraft, uid=uid, series_id=series.id, recurrence_id=start,
                               sequence=x.sequence, status=SessionStatus.CANCELLED
                               if x.cancelled else SessionStatus.SCHEDULED)
                    add((uid, start), x.line, item, series)
                else:
                    item = Row(draft_from(series.template, start, start + series.duration,
                                          series.tz),
                               uid=uid, series_id=series.id, recurrence_id=start,
                               sequence=e.sequence)
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
        # A held occurrence the file no longer has (an EXDATE added, a shorter rule) is
        # cancelled; completed or cancelled ones are history and stay as they are.
        gone = [s for key, s in stored.items() if key not in wanted
                and (key[0] in masters or key[0] in singles)
                and s.status is SessionStatus.SCHEDULED]
        # Rows this import rewrites or cancels are not obstacles; the ones it leaves are.
        exclude = [p.existing.id for p in pending if p.existing is not None] + [s.id for s in gone]
        accepted, skipped, forced, new_series = self._commit(
            uow, source, pending, skip, force_reason, exclude, progress, "line")
        series_count += new_series
        for s in gone:
            access.require(uow.actor, Action.CANCEL_SESSION, session=s)
            uow.set_status(s.id, SessionStatus.CANCELLED,
                           cancel_reason=f"no longer in {source}")
        created = sum(1 for p in accepted if p.existing is None)
        return ImportResult(
            source, False, [Planned(p.row, p.item.draft, p.item.status,
                                    "update" if p.existing else "create") for p in accepted],
            created, len(accepted) - created, len(wanted) - len(pending), len(gone),
            series_count, skipped, forced, [], unit="line")

    def _closures(self, uow: UnitOfWork, items: Iterable[ics.IcsClosure]) -> list[Closure]:
        """All-day events become closures; one already there (same days, same reason) is kept."""
        have = {(c.starts_on, c.ends_on, c.reason) for c in uow.closures()}
        added = []
        for item in items:
            key = (item.starts_on, item.ends_on, item.reason)
            if key in have:
                continue
            access.require(uow.actor, Action.MANAGE_CLOSURES)
            closure = uow.add_closure(*key)
            uow.audit("add", "closure", closure.id, None, {"reason": item.reason})
            have.add(key)
            added.append(closure)
        return added


def _require_line(uow: UnitOfWork, source: str, line: int | None, action: Action,
                  **context: Any) -> None:
    """The permission rule of :mod:`permissions`, its refusal naming the file and line."""
    try:
        access.require(uow.actor, action, **context)
    except NotPermitted as exc:
        where = f"{source}, line {line}" if line is not None else source
        raise NotPermitted(f"{where}: {exc.message}") from None


def _onto_stored(uow: UnitOfWork, source: str, line: int | None, before: Session,
                 item: Row) -> Row:
    """A file's version of a session we hold, judged as ``session edit`` judges a change:
    only by someone who may edit that session, and a completed or cancelled one keeps its
    status and changes only in its annotations (a calendar file cannot reopen it)."""
    _require_line(uow, source, line, Action.EDIT_SESSION, session=before)
    if before.status in (SessionStatus.COMPLETED, SessionStatus.CANCELLED) \
            and item.status is not SessionStatus.CANCELLED:
        old = draft_of(before)
        changed = {f for f in EDITABLE if getattr(item.draft, f) != getattr(old, f)}
        try:
            rules.editable(before.status, changed)
        except InvalidInput as exc:
            where = f"{source}, line {line}" if line is not None else source
            raise InvalidInput(f"{where}: session {before.id}: {exc.message}",
                               field=None) from None
        item = replace(item, status=before.status)
    return item


def _expected(series: Series) -> list[datetime]:
    """The original starts the series' rule gives up to where it is materialised."""
    tz = ZoneInfo(series.tz)
    rec = parse_recurrence(series.rule, tz)
    until = series.expanded_until
    if until is None and rec.open_ended:
        return []
    return [o.recurrence_id for o in expand(rec, series.dtstart, tz, until=until)]


def _shared(draft: SessionDraft, shared: dict[Any, Any]) -> SessionDraft:
    """``draft`` with one copy, for a whole import, of each value drafts repeat."""
    share = shared.setdefault
    return replace(draft, title=share(draft.title, draft.title),
                   mentor=share(draft.mentor, draft.mentor), tz=share(draft.tz, draft.tz),
                   students=share(draft.students, draft.students),
                   room=share(draft.room, draft.room), subject=share(draft.subject, draft.subject),
                   location=share(draft.location, draft.location),
                   link=share(draft.link, draft.link))


def _summary(result: ImportResult) -> dict[str, Any]:
    return {"file": result.source, "created": result.created, "updated": result.updated,
            "removed": result.removed, "series": result.series,
            "skipped": len({s.row for s in result.skipped}),
            "forced": len({f.row for f in result.forced}), "references": result.references}





def _key(source: str) -> str:
    """The audit key of an imported file: its name (the full path is in the record)."""
    return source.replace("\\", "/").rsplit("/", 1)[-1][:64] or "-"


__all__ = ["ON_CONFLICT", "BadFile", "Exchange", "ImportConflicts", "ImportResult", "Planned",
           "RowConflict"]
