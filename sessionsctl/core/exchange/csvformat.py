"""The CSV format of docs/CLI.md: reading rows into session drafts (writing them, and the
columns, are in :mod:`.csvwriting`).

Reading never stops at the first mistake: every row is read and every problem collected (row
number as a spreadsheet shows it, the header being row 1; the column; what is wrong), so one
run tells the user everything to fix. Times without an offset are read in the row's ``tz``
column, else in the zone given by the caller (``--tz``).

Written rows carry the start and end as ISO 8601 wall times of the session's zone with their
offset, so a file read back gives the same instants and zones: export -> import -> export is
the same file. A text cell that a spreadsheet would run as a formula is written with a quote
before it, which reading takes away again (:mod:`.cells`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any
from zoneinfo import ZoneInfo

from ..domain import rules
from ..domain.drafts import SessionDraft
from ..domain.errors import InvalidInput
from ..domain.model import PaymentStatus, SessionStatus, SessionType
from ..domain.timeutil import localize, zone
from ..domain.words import counted, noun_for
from ..schedule.recurrence import parse_recurrence
from .cells import restore
from .csvtext import not_utf8, text_of
from .csvwriting import COLUMNS, row_of, write
from .problems import MAX_PARTICIPANTS, Problem, bounded, whole

REQUIRED = ("title", "start", "mentor_email")
_STATUSES = {s.value: s for s in SessionStatus}
_PAYMENTS = {p.value: p for p in PaymentStatus}
_TYPES = {t.value: t for t in SessionType}
MAX_PROBLEMS = 1000  # a file that is wrong everywhere is reported in part
_WHOLE = re.compile(r"[0-9]{1,12}")
__all__ = ["COLUMNS", "CsvRow", "parse_row", "read", "row_of", "write"]


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One readable row: the session it asks for, its rule if it repeats, its status."""

    row: int
    draft: SessionDraft
    repeat: str | None = None
    status: SessionStatus = SessionStatus.SCHEDULED
    session_id: int | None = None  # the ``id`` column: the stored session the row updates


def _instant(text: str, tz: ZoneInfo, column: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"cannot read {text!r} as a time (expected e.g. 2026-12-01 16:00 or "
                           "2026-12-01T16:00+01:00)", field=column) from None
    try:
        instant = localize(value, tz) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:
        raise InvalidInput(f"{text!r} is out of range (years 1900 to 2999)",
                           field=column) from None
    return bounded(instant, column)


@dataclass(frozen=True, slots=True)
class References:
    """The people, room and subject a row names (those that could be read), so a row with
    other problems is checked for unknown ones too."""

    mentor: str
    students: tuple[str, ...] = ()
    room: str | None = None
    subject: str | None = None


class RowProblems(InvalidInput):
    """Everything wrong with one row: (column, what) pairs, and what the row names."""

    def __init__(self, problems: list[tuple[str | None, str]],
                 references: References | None) -> None:
        column, message = problems[0]
        super().__init__(message, field=column)
        self.problems = problems
        self.references = references


# Columns whose cells differ from row to row: read afresh, never remembered for the file.
_OWN_CELLS = frozenset(("start", "end", "notes", "id", "recurrence_id", "description"))


def _clean(value: str) -> str | None:
    return restore(value.strip()).strip() or None


class _Cells:
    """One row being read: its cells by column, and every problem found so far.

    ``memo`` is the file's: the same cell text (a mentor, a room, a zone), the same students,
    the same address come back row after row, and each is read once, to one shared value."""

    __slots__ = ("memo", "problems", "values")

    def __init__(self, values: dict[str, str], memo: dict[Any, Any] | None = None) -> None:
        self.memo = {} if memo is None else memo
        cells = self.memo.setdefault("cells", {})
        self.values = {
            name: _clean(raw) if name in _OWN_CELLS
            else cells[raw] if raw in cells else cells.setdefault(raw, _clean(raw))
            for name, raw in values.items()}
        self.problems: list[tuple[str | None, str]] = []

    def get(self, name: str) -> str | None:
        """The cell of column ``name`` stripped (and restored if it was defused on export);
        None if it is empty or not in the file."""
        return self.values.get(name)

    def check(self, call: Any, *args: Any, **kwargs: Any) -> Any:
        """``call(*args, **kwargs)``, or None with its problem noted."""
        try:
            return call(*args, **kwargs)
        except InvalidInput as exc:
            self.problems.append((_COLUMN_OF.get(exc.field or "", exc.field), exc.detail))
            return None

    def fail(self, column: str, message: str) -> None:
        self.problems.append((column, message))


def _times(cells: _Cells, tz: ZoneInfo | None) -> tuple[datetime | None, datetime | None]:
    """(start, end): the end is ``end``, else ``start`` + ``duration`` minutes."""
    start = end = None
    start_text = cells.get("start")
    if start_text is None:
        cells.fail("start", "is empty")
    elif tz is not None:
        start = cells.check(_instant, start_text, tz, "start")
    end_text, minutes = cells.get("end"), cells.get("duration")
    if end_text is not None:
        if tz is not None:
            end = cells.check(_instant, end_text, tz, "end")
    elif minutes is not None:
        if not _WHOLE.fullmatch(minutes):
            cells.fail("duration", f"{minutes!r} is not a whole number of minutes "
                                   f"({rules.LENGTHS})")
        elif (length := cells.check(rules.length, int(minutes))) is not None \
                and start is not None:
            end = cells.check(lambda: bounded(start + length, "duration"))
    else:
        cells.fail("end", "give an end or a duration")
    return start, end


def _people(cells: _Cells) -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
    """(mentor, the students as written, those of their addresses that could be read)."""
    addresses = cells.memo.setdefault("emails", {})
    mentor = cells.get("mentor_email")
    if mentor is None:
        cells.fail("mentor_email", "is empty")
    elif mentor in addresses:
        mentor = addresses[mentor]
    else:
        read = cells.check(rules.email, mentor, field="mentor_email")
        if read is not None:
            addresses[mentor] = read
        mentor = read
    listed = cells.get("student_emails") or ""
    groups = cells.memo.setdefault("students", {})
    if listed in groups:
        return mentor, *groups[listed]
    students = tuple(s.strip() for s in listed.split(";") if s.strip())
    readable = tuple(e for e in (cells.check(rules.email, s, field="student_emails")
                                 for s in students) if e)
    if len(readable) == len(students):  # every address read: the same again next time
        groups[listed] = students, readable
    return mentor, students, readable


def _choice(cells: _Cells, column: str, default: str, known: dict[str, Any]) -> str:
    """The cell (``default`` when empty), which must be one of ``known`` in any case."""
    value = cells.get(column) or default
    if value.lower() not in known:
        cells.fail(column, f"{value!r} is not one of {', '.join(known)}")
    return value


def _check_long(cells: _Cells) -> None:
    for column in ("room", "subject", "location", "link"):
        value = cells.get(column)
        if value is not None and len(value) > rules.LIMITS[column]:
            cells.fail(column, f"is longer than {rules.LIMITS[column]} characters")


def _money_and_id(cells: _Cells, repeat: str | None) -> tuple[int | None, Decimal | None, str]:
    """(the session the row updates, its cost, its payment status as written)."""
    session_id = None
    text = cells.get("id")
    if text is not None:
        if not _WHOLE.fullmatch(text):
            cells.fail("id", f"{text!r} is not a session number")
        else:
            session_id = int(text)
            if repeat is not None:
                cells.fail("repeat", "a row with an id updates that one session: leave repeat "
                                     "empty (session edit --scope changes a series)")
    cost = None
    text = cells.get("cost")
    if text is not None:
        try:
            cost = Decimal(text)
        except InvalidOperation:
            cells.fail("cost", f"{text!r} is not an amount (e.g. 25.00)")
    payment = _choice(cells, "payment_status", "unpaid", _PAYMENTS)
    return session_id, cost, payment


def shared_values(draft: SessionDraft, shared: dict[Any, Any]) -> SessionDraft:
    """``draft`` with one copy, for a whole import, of each value drafts repeat (taken from
    ``shared``)."""
    share = shared.setdefault
    values = (draft.title, draft.mentor, draft.tz, draft.students, draft.room, draft.subject,
              draft.location, draft.link)
    if all(share(v, v) is v for v in values):
        return draft  # its values are the shared ones already
    return replace(draft, title=share(draft.title, draft.title),
                   mentor=share(draft.mentor, draft.mentor), tz=share(draft.tz, draft.tz),
                   students=share(draft.students, draft.students),
                   room=share(draft.room, draft.room),
                   subject=share(draft.subject, draft.subject),
                   location=share(draft.location, draft.location),
                   link=share(draft.link, draft.link))


def parse_row(values: dict[str, str], row: int, default_tz: str, *,
              shared: dict[Any, Any] | None = None,
              memo: dict[Any, Any] | None = None, keep_id: bool = True) -> CsvRow:
    """One row as a session draft, or a :class:`RowProblems` naming every column that is
    wrong (a check that needs another cell, such as the end after a bad start, is skipped).
    ``memo`` (the file's) remembers how the cells that repeat from row to row read. Without
    ``keep_id`` (rows booked as new) the ``id`` column is checked but not kept."""
    cells = _Cells(values, memo)
    title = cells.get("title")
    if title is None:
        cells.fail("title", "is empty")
    tz_name = cells.get("tz") or default_tz
    tz = cells.check(zone, tz_name, field="tz")
    start, end = _times(cells, tz)
    mentor, students, readable = _people(cells)
    # No type: the policy's default (validation decides, as for every face).
    kind = _choice(cells, "type", "", _TYPES) if cells.get("type") else None
    status = _choice(cells, "status", "scheduled", _STATUSES)
    most_text = cells.get("max_participants")
    most = (cells.check(whole, most_text, "max_participants", MAX_PARTICIPANTS) if most_text
            else None)
    repeat = cells.get("repeat")
    if repeat is not None and tz is not None:
        cells.check(parse_recurrence, repeat, tz, field="repeat")
    room, subject = cells.get("room"), cells.get("subject")
    session_id, cost, payment = _money_and_id(cells, repeat)
    _check_long(cells)
    if not cells.problems:
        assert start is not None and end is not None  # else a problem was noted
        draft = cells.check(rules.validate_session, SessionDraft(
            title=title or "", mentor=mentor or "", start=start, end=end,
            tz=tz_name, students=students, room=room, subject=subject,
            type=_TYPES[kind.lower()] if kind else None, location=cells.get("location"),
            link=cells.get("link"), max_participants=most, notes=cells.get("notes"),
            description=cells.get("description"), cost=cost,
            payment_status=_PAYMENTS[payment.lower()]))
    if cells.problems:
        raise RowProblems(cells.problems, References(mentor, readable, room, subject)
                          if mentor else None)
    if shared is not None:
        # A term's rows name the same few people, rooms, zones and titles again and again:
        # one copy of each value is kept for the whole file, not one per row.
        draft = shared_values(draft, shared)
    return CsvRow(row, draft, repeat, _STATUSES[status.lower()],
                  session_id if keep_id else None)


_COLUMN_OF = {"mentor": "mentor_email", "student": "student_emails"}


def _columns(header: list[str] | None) -> tuple[list[str], list[Problem]]:
    """The column names of a header row, and what is wrong with it: empty, a required column
    missing, an unknown one (both reported), else a column given twice."""
    if not header or not any(h.strip() for h in header):
        return [], [Problem(None, None, "is empty (expected a header row)")]
    names = [h.strip().lower() for h in header]
    if names[0].lstrip("\ufeff") == "begin:vcalendar":  # a calendar given to the CSV reader
        return names, [Problem(1, None, "is an iCalendar file, not CSV: import it with "
                                        "`sessionsctl import ics`")]
    missing = [c for c in REQUIRED if c not in names]
    if "end" not in names and "duration" not in names:
        missing.append("end or duration")
    unknown = [h for h in names if h and h not in COLUMNS and h != "duration"]
    problems = []
    if missing:
        problems.append(Problem(1, None, f"missing {noun_for(len(missing), 'column')}: {', '.join(missing)}"))
    if unknown:
        problems.append(Problem(1, None, f"unknown {noun_for(len(unknown), 'column')}: {', '.join(unknown)} "
                                         f"(known: {', '.join((*COLUMNS, 'duration'))})"))
    dupes = {n for n in names if names.count(n) > 1}
    if dupes and not problems:
        problems.append(Problem(1, None, f"{noun_for(len(dupes), 'column')} given twice: "
                                         f"{', '.join(sorted(dupes))}"))
    return names, problems


def _rows(reader: Any, names: list[str], default_tz: str,
          keep_id: bool) -> Iterator[CsvRow | Problem | tuple[int, References]]:
    """The rows after the header, as :func:`read` gives them."""
    shared: dict[Any, Any] = {}
    memo: dict[Any, Any] = {}
    for cells in reader:
        row = reader.line_num
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if len(cells) != len(names):
            yield Problem(row, None, f"has {counted(len(cells), 'field')}, the header {len(names)} "
                                     "(a truncated or misquoted row)")
            continue
        nul = [name for name, cell in zip(names, cells, strict=True) if "\x00" in cell]
        if nul:  # no database keeps it in text (PostgreSQL refuses it)
            for name in nul:
                yield Problem(row, name, "contains a NUL byte (is this a text file?)")
            continue
        try:
            yield parse_row(dict(zip(names, cells, strict=True)), row, default_tz,
                            shared=shared, memo=memo, keep_id=keep_id)
        except RowProblems as exc:
            for column, message in exc.problems:
                yield Problem(row, column, message)
            if exc.references is not None:
                yield row, exc.references


def read(stream: IO[bytes], source: str, default_tz: str, *,
         keep_id: bool = True) -> Iterator[CsvRow | Problem | tuple[int, References]]:
    """Every row of a CSV file, read one at a time: a :class:`CsvRow`, or each
    :class:`Problem` of a row followed by (row, :class:`References`) of what it names.
    Without ``keep_id`` (a file booked as new) each row's ``id`` is checked, not kept.

    A problem with the file as a whole (no header, a required column missing, not UTF-8, a
    quote left open at the end) is a :class:`Problem` too, after which reading stops.
    """
    text, counted = text_of(stream)
    reader = csv.reader(text, strict=True)
    try:
        names, problems = _columns(next(reader, None))
        if problems:
            yield from problems
            return
        yield from _rows(reader, names, default_tz, keep_id)
    except UnicodeDecodeError as exc:
        yield not_utf8(exc, counted.line_of(exc))
    except csv.Error as exc:
        yield Problem(reader.line_num or None, None, f"cannot be read as CSV: {exc} "
                      "(a quote left open, or a truncated file)")
