"""Attendance beyond one mark: the rules every mark follows, who is not marked yet, marking
all of them at once without overwriting a mark already given, and CSV import and export
(all or nothing, every bad row named)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from .access import Action, require, seen_marks
from .domain import rules
from .domain.errors import InvalidInput, NotFound, NotStarted, SessionsctlError
from .domain.model import Attendance, AttendanceStatus, Role, Session, SessionStatus
from .domain.serialize import record
from .domain.timeutil import day_start, iso, parse_instant, zone
from .domain.words import counted, noun_for
from .exchange.cells import Writer, restore
from .names import Names
from .reports.scope import checked, known, scoped
from .schedule.sessions import get_session

if TYPE_CHECKING:
    from .context import Context
    from .reports.data import ReportFilter
    from .storage import UnitOfWork

_CHECKED_IN = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)


@dataclass(frozen=True, slots=True)
class Typed:
    """A check-in or check-out as typed, read once its session is known: a time alone
    (``17:12``) is on the session's day; without an offset it is in ``tz``."""

    text: str
    tz: ZoneInfo


@dataclass(frozen=True, slots=True)
class MarkChange:
    """One student's mark before and after a write (None: no mark), so it can be undone."""

    before: Attendance | None
    after: Attendance | None

    @property
    def student(self) -> str:
        mark = self.after or self.before
        assert mark is not None
        return mark.student


def on_its_day(value: datetime | Typed, session: Session, field: str,
               now: datetime) -> datetime:
    """A check-in or check-out of ``session``: a time alone is on the session's day, and any
    time must be on the day the session runs (from its first midnight to its last, in the
    session's zone), so a slip of a day or a month is refused, naming ``field``."""
    if isinstance(value, Typed):
        day = session.start.astimezone(value.tz).date()
        value = parse_instant(value.text, value.tz, field=field, now=now, day=day)
    tz = zone(session.tz)
    first, last = session.start.astimezone(tz).date(), session.end.astimezone(tz).date()
    if not day_start(first, tz) <= value <= day_start(last + timedelta(days=1), tz):
        days = f"{first:%a %d %b %Y}" + (f" to {last:%a %d %b %Y}" if last != first else "")
        raise InvalidInput(f"{value.astimezone(tz):%Y-%m-%d %H:%M} is not on the day of "
                           f"session {session.id} ({days})", field=field)
    return value


def check_in_time(session: Session, now: datetime) -> datetime:
    """When a student marked present or late came in, if nobody says: now, while the session
    runs; otherwise its start (marked after it ended, or forced before it began, nobody saw
    them arrive, and its end would read as arriving when everyone left). Roll.mark,
    mark_rest and the import all use it."""
    return now if session.start <= now < session.end else session.start


def parse_status(text: str, *, field: str = "status",
                 allowed: Iterable[AttendanceStatus] = tuple(AttendanceStatus)
                 ) -> AttendanceStatus:
    """An attendance status as typed on the command line or found in a file, in any case
    (``late``, ``Late``, ``EXCUSED``); ``allowed`` narrows the choice."""
    choices = {s.value: s for s in allowed}
    status = choices.get(text.strip().lower())
    if status is None:
        raise InvalidInput(f"{text!r} is not one of {', '.join(choices)}", field=field)
    return status


def check_markable(session: Session, now: datetime, *, force: bool = False) -> None:
    """Attendance is marked for a session that is not cancelled and has started (or forced)."""
    if session.status is SessionStatus.CANCELLED:
        raise InvalidInput(f"session {session.id} is cancelled", field="session")
    if session.start > now and not force:
        raise NotStarted(f"session {session.id} has not started yet", field="session")


def unmarked(session: Session, marks: Iterable[Attendance]) -> list[str]:
    """The students of ``session`` with no mark yet, in roster order."""
    marked = {m.student for m in marks}
    return [s for s in session.students if s not in marked]


def new_mark(uow: UnitOfWork, session: Session, student: str, status: AttendanceStatus,
             now: datetime, *, note: str | None = None, check_in: datetime | Typed | None = None,
             check_out: datetime | Typed | None = None, force: bool = False,
             before: Attendance | None = None) -> Attendance:
    """The mark to write, once every rule holds: the session is not cancelled and has started
    (or ``force``), the person is a student of it, the times are on its day and in order.
    A mark replacing ``before`` keeps its check-in and check-out where none is given, unless
    the new status has none (absent, excused). Shared by ``Roll.mark`` and the CSV import, so
    both refuse the same things."""
    if student not in session.students:
        person = uow.people.get(student)
        if person is None:
            raise Names(uow).unknown(student, "student")
        if person.role is not Role.STUDENT:
            raise InvalidInput(f"{person.label} is {person.role.a}, not a student",
                               field="student")
        raise InvalidInput(f"{person.label} is not a student of session {session.id}",
                           field="student")
    check_markable(session, now, force=force)
    arrived = on_its_day(check_in, session, "check_in", now) if check_in is not None else None
    left = on_its_day(check_out, session, "check_out", now) if check_out is not None else None
    kept = before if before is not None and status in _CHECKED_IN else None
    if status in _CHECKED_IN and arrived is None:
        arrived = kept.check_in if kept and kept.check_in else check_in_time(session, now)
    if left is None and kept is not None:
        left = kept.check_out
    if arrived and left and left < arrived:
        raise InvalidInput("must not be before the check-in" + (
            " (the check-out is the earlier mark's: give one too)" if check_out is None else ""),
            field="check_out")
    return Attendance(session.id, student, status, arrived, left, note,
                      uow.actor.email if uow.actor else None, now)


# --------------------------------------------------------------------------- CSV files
COLUMNS = ("session_id", "uid", "start", "email", "status", "check_in", "check_out", "note")


@dataclass(frozen=True, slots=True)
class MarkRow:
    """One row of an attendance file, read but not yet checked against the database."""

    line: int
    session_id: int | None
    uid: str | None
    start: datetime | None
    email: str
    status: AttendanceStatus
    check_in: Typed | None  # read on the session's day once the session is known
    check_out: Typed | None
    note: str | None


@dataclass(frozen=True, slots=True)
class ImportResult:
    marks: list[Attendance]
    replaced: int  # of them, marks that replaced an earlier one
    dry_run: bool


def read_marks(text: str, tz: ZoneInfo) -> list[MarkRow]:
    """Rows of an attendance CSV: a header row, then ``session_id`` (or ``uid`` and
    ``start``), ``email``, ``status``, optional ``check_in``, ``check_out``, ``note``. Times
    without an offset are read in ``tz``. Every bad row is reported at once."""
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or ()]
    if not header:
        raise InvalidInput("the file is empty (expected a header row)", field="file")
    reader.fieldnames = header
    missing = [c for c in ("email", "status") if c not in header]
    if "session_id" not in header and not {"uid", "start"} <= set(header):
        missing.append("session_id (or uid and start)")
    if missing:
        raise InvalidInput(f"missing {noun_for(len(missing), 'column')}: {', '.join(missing)}",
                           field="header")
    rows: list[MarkRow] = []
    problems: list[str] = []
    for line, raw in enumerate(reader, start=2):
        values = {k: restore((v or "").strip()).strip() for k, v in raw.items() if k is not None}
        if not any(values.values()):
            continue
        try:
            rows.append(_mark_row(line, values, tz))
        except InvalidInput as exc:
            problems.append(f"row {line}: {exc.message}")
    if problems:
        raise InvalidInput(_summary(problems), field="file")
    return rows


def _mark_row(line: int, v: dict[str, str], tz: ZoneInfo) -> MarkRow:
    session_id = None
    if v.get("session_id"):
        try:
            session_id = int(v["session_id"])
        except ValueError:
            raise InvalidInput(f"{v['session_id']!r} is not a session id",
                               field="session_id") from None
    elif not (v.get("uid") and v.get("start")):
        raise InvalidInput("give session_id, or uid and start", field="session_id")
    status = parse_status(v.get("status", ""))

    def typed(key: str) -> Typed | None:
        return Typed(v[key], tz) if v.get(key) else None

    start = None if session_id is not None else parse_instant(v["start"], tz, field="start")
    return MarkRow(line, session_id, v.get("uid") or None, start,
                   rules.email(v.get("email", ""), field="email"), status, typed("check_in"),
                   typed("check_out"), v.get("note") or None)


def _summary(problems: list[str], limit: int = 20) -> str:
    more = f"\n... and {len(problems) - limit} more" if len(problems) > limit else ""
    return (f"{counted(len(problems), 'bad row')}; nothing was written:\n  "
            + "\n  ".join(problems[:limit]) + more)


def _same(a: Attendance | None, b: Attendance | None) -> bool:
    """Whether two marks say the same (who recorded them, and when, aside)."""
    if a is None or b is None:
        return a is b
    return ((a.status, a.check_in, a.check_out, a.note)
            == (b.status, b.check_in, b.check_out, b.note))


class Roll:
    """Attendance marks: one at a time, the rest of a roll at once, or a whole file."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def mark(self, session_id: int, student: str, status: AttendanceStatus, *,
             note: str | None = None, check_in: datetime | Typed | None = None,
             check_out: datetime | Typed | None = None, force: bool = False) -> Attendance:
        """Record one student's (by email or name) attendance; only for a participant of a
        session that has started. A new status keeps the check-in and check-out the mark had
        (new_mark)."""
        mark = self.change(session_id, student, status, note=note, check_in=check_in,
                           check_out=check_out, force=force).after
        assert mark is not None
        return mark

    def change(self, session_id: int, student: str, status: AttendanceStatus, *,
               note: str | None = None, check_in: datetime | Typed | None = None,
               check_out: datetime | Typed | None = None, force: bool = False) -> MarkChange:
        """:meth:`mark`, saying which mark it replaced (for an undo: :meth:`restore`)."""
        with self.ctx.write() as uow:
            session = get_session(uow, session_id, Action.MARK_ATTENDANCE)
            student = Names(uow).person(student, "student").email
            current = {m.student: m for m in uow.attendance.marks(session_id)}.get(student)
            mark = new_mark(uow, session, student, status, self.ctx.clock(), note=note,
                            check_in=check_in, check_out=check_out, force=force,
                            before=current)
            # Another terminal may mark the same student at the same moment: the last
            # writer wins, and the audit says which mark each replaced.
            before = uow.attendance.set_mark(mark)
            uow.audit.record("attendance", "session", session_id,
                             record(before) if before else None, record(mark))
            return MarkChange(before, mark)

    def restore(self, session_id: int, changes: Sequence[MarkChange]) -> list[MarkChange]:
        """Undo ``changes`` (latest first) in one transaction: each mark replaced is put back
        as it was, recorder and time included, and a first mark is taken away. Refused, with
        nothing written, when a mark is no longer as the change left it (changed since, here
        or in another terminal). Returns the changes made, which undo the undo."""
        with self.ctx.write() as uow:
            session = get_session(uow, session_id, Action.MARK_ATTENDANCE)
            check_markable(session, self.ctx.clock(), force=True)
            undone = []
            for change in reversed(changes):
                if change.before is None:
                    replaced = uow.attendance.remove_mark(session_id, change.student)
                else:
                    replaced = uow.attendance.set_mark(change.before)
                if not _same(replaced, change.after):
                    raise InvalidInput(f"the mark of {change.student} was changed since; "
                                       "it is left as it is", field="student")
                uow.audit.record("attendance", "session", session_id,
                                 record(replaced) if replaced else None,
                                 record(change.before) if change.before else None)
                undone.append(MarkChange(replaced, change.before))
            return undone

    def marks(self, session_id: int) -> list[Attendance]:
        """The marks of a session the acting person may see."""
        with self.ctx.read() as uow:
            session = get_session(uow, session_id, Action.VIEW_SESSION)
            return seen_marks(uow.actor, session, uow.attendance.marks(session_id))

    def mark_rest(self, session_id: int,
                  status: AttendanceStatus = AttendanceStatus.PRESENT, *,
                  force: bool = False) -> list[Attendance]:
        """Mark every student not marked yet with ``status``, in one transaction; the marks
        already given (also by another terminal a moment ago) are read inside that transaction
        and left as they are. Returns the marks written."""
        with self.ctx.write() as uow:
            session = get_session(uow, session_id, Action.MARK_ATTENDANCE)
            now = self.ctx.clock()
            check_markable(session, now, force=force)
            written = []
            for student in unmarked(session, uow.attendance.marks(session_id)):
                check_in = check_in_time(session, now) if status in _CHECKED_IN else None
                mark = Attendance(session_id, student, status, check_in, None, None,
                                  uow.actor.email if uow.actor else None, now)
                if uow.attendance.add_mark(mark):  # else marked meanwhile: left as it is
                    uow.audit.record("attendance", "session", session_id, None, record(mark))
                    written.append(mark)
            return written

    def import_marks(self, rows: list[MarkRow], *, force: bool = False,
                     dry_run: bool = False) -> ImportResult:
        """Write every mark of ``rows`` in one transaction, or none: each row is checked as
        ``attendance mark`` checks it, and all the rows' problems are reported together."""
        with self.ctx.write() as uow:
            now = self.ctx.clock()
            sessions: dict[object, Session | None] = {}
            marks: list[Attendance] = []
            problems: list[str] = []
            early = False  # a row refused only because its session has not started
            seen: dict[tuple[int, str], int] = {}
            earlier: dict[int, dict[str, Attendance]] = {}  # the marks there are, by session
            for row in rows:
                key: object = row.session_id if row.session_id is not None else (row.uid, row.start)
                if key not in sessions:
                    sessions[key] = (uow.sessions.get(row.session_id) if row.session_id is not None
                                     else uow.sessions.at(row.uid or "", row.start))  # type: ignore[arg-type]
                session = sessions[key]
                if session is not None:  # not permitted is not a row's fault: exit 5 at once
                    require(uow.actor, Action.MARK_ATTENDANCE, session=session)
                try:
                    if session is None:
                        raise NotFound("session", row.session_id if row.session_id is not None
                                       else f"{row.uid} at {iso(row.start)}")
                    if session.id not in earlier:
                        earlier[session.id] = {a.student: a
                                               for a in uow.attendance.marks(session.id)}
                    mark = new_mark(uow, session, row.email, row.status, now, note=row.note,
                                    check_in=row.check_in, check_out=row.check_out, force=force,
                                    before=earlier[session.id].get(row.email))
                    if (session.id, row.email) in seen:
                        raise InvalidInput(f"{row.email} is marked on row "
                                           f"{seen[session.id, row.email]} already", field="email")
                    seen[session.id, row.email] = row.line
                    marks.append(mark)
                except SessionsctlError as exc:
                    early = early or isinstance(exc, NotStarted)
                    problems.append(f"row {row.line}: {exc.message}")
            if problems:
                raise (NotStarted if early else InvalidInput)(_summary(problems), field="file")
            replaced = 0
            for mark in marks:
                if dry_run:
                    before = earlier[mark.session_id].get(mark.student)
                else:
                    before = uow.attendance.set_mark(mark)
                    uow.audit.record("attendance", "session", mark.session_id,
                                     record(before) if before else None, record(mark))
                replaced += before is not None
            return ImportResult(marks, replaced, dry_run)

    def export_marks(self, f: ReportFilter, tz: ZoneInfo) -> str:
        """The marks of the sessions ``f`` selects, as CSV that :func:`read_marks` reads back."""
        f = checked(f)
        with self.ctx.read() as uow:
            f = known(uow, f)
            f = scoped(uow, f)
            rows = uow.attendance.rows(f)
        buffer = io.StringIO()
        writer = Writer(buffer)  # a note such as "=1+1" is no formula in a spreadsheet
        writer.writerow(COLUMNS)
        for session_id, uid, start, mark in rows:
            writer.writerow([session_id, uid, iso(start, tz), mark.student, mark.status.value,
                             iso(mark.check_in, tz) or "", iso(mark.check_out, tz) or "",
                             mark.note or ""])
        return buffer.getvalue()
