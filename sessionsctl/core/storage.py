"""What core needs from storage, as Protocols the store implements (ARCHITECTURE.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from .backup.values import BackupContents
from .domain.drafts import AuditQuery, Row, SessionQuery
from .domain.model import (
    Attendance,
    AuditEntry,
    Availability,
    Batch,
    Closure,
    Course,
    Enrolment,
    EnrolmentStatus,
    Feedback,
    Material,
    Person,
    Role,
    Room,
    Series,
    Session,
    SessionStatus,
    Subject,
    Term,
    TimeOff,
)
from .mail.notices import Notice, OutboxMessage, OutboxStatus
from .reports.data import (
    Completion,
    Group,
    MentorFigures,
    ReportFilter,
    StudentSession,
    Tally,
)


class PeopleRepo(Protocol):
    """People, by email (stored lower-case; looked up in any case)."""

    def get(self, email: str) -> Person | None: ...
    def named(self, name: str) -> list[Person]:
        """The people called ``name``, in any case (spaces between words collapsed)."""
        ...
    def by_email(self, emails: Iterable[str]) -> dict[str, Person]: ...
    def by_login(self, login: str) -> tuple[Person | None, bool]:
        """The person bound to ``login``, and whether any active admin has a login."""
        ...
    def add(self, name: str, email: str, role: Role, tz: str | None) -> Person: ...
    def all(self, role: Role | None = None, *, inactive: bool = True) -> list[Person]: ...
    def change(self, person: Person) -> None:
        """Write ``person``'s name, email, role, zone and whether active (by its id)."""
        ...


class RoomRepo(Protocol):
    """Rooms, by name."""

    def get(self, name: str) -> Room | None: ...
    def add(self, name: str, capacity: int | None) -> Room: ...
    def all(self) -> list[Room]: ...
    def change(self, room: Room) -> None: ...


class SubjectRepo(Protocol):
    """Subjects, by name."""

    def get(self, name: str) -> Subject | None: ...
    def add(self, name: str) -> Subject: ...
    def all(self) -> list[Subject]: ...
    def change(self, subject: Subject) -> None: ...


class PrivacyRepo(Protocol):
    """What is held about one person beyond their sessions, and erasing it."""

    def held(self, person_id: int, email: str) -> dict[str, list[dict[str, Any]]]:
        """Their marks, feedback, availability, time off, mail and the changes they made."""
        ...
    def erase(self, person_id: int, email: str, name: str, anonymous: tuple[str, str]) -> int:
        """Their email and name replaced by ``anonymous`` (name, email) in the audit log;
        their notes, comments, availability, time off and mail gone. Returns the audit
        records rewritten."""
        ...


class AccessRepo(Protocol):
    """The database's own enforcement of who sees what (PostgreSQL's roles and policies)."""

    def sync(self, bindings: Sequence[tuple[str, str]]) -> list[tuple[str, str, bool]]:
        """Set up the group roles, grants and policies, and make each login (of ``bindings``,
        login and role value) a member of its role's group: (login, group, role created)."""
        ...
    def members(self) -> list[tuple[str, str]]:
        """The logins in the groups, and which (login, group)."""
        ...


class SessionRepo(Protocol):
    """Sessions: one-offs and the materialised occurrences of series."""

    def get(self, session_id: int) -> Session | None: ...
    def find(self, query: SessionQuery) -> list[Session]: ...
    def stream(self, query: SessionQuery) -> Iterator[Session]:
        """The sessions of ``query`` in start order, read a window at a time (constant
        memory): what CSV and iCalendar exports read."""
        ...
    def span(self) -> tuple[datetime, datetime] | None: ...
    def zones(self) -> list[str]: ...
    def by_uid(self, uids: Iterable[str]) -> list[Session]: ...
    def of_series(self, series_ids: Sequence[int]) -> list[Session]: ...
    def at(self, uid: str, start: datetime) -> Session | None: ...
    def insert(self, rows: Sequence[Row]) -> list[Session]: ...
    def update(self, session_id: int, row: Row) -> None: ...
    def set_status(self, session_id: int, status: SessionStatus, *,
                   cancel_reason: str | None = None) -> None: ...
    def append_note(self, session_id: int, line: str) -> None:
        """Add ``line`` to the session's notes in one statement (a note another terminal
        added meanwhile is kept)."""
        ...
    def set_course(self, session_ids: Sequence[int], course_id: int | None,
                   batch_id: int | None) -> int:
        """Put these sessions in a course and one of its batches (or none); how many changed."""
        ...
    def drop_student(self, session_id: int, student: str) -> None:
        """Take one student off a session (nothing else about it changes)."""
        ...
    def delete(self, session_ids: Sequence[int]) -> None: ...
    def overlapping(self, start: datetime, end: datetime, *, people: Iterable[str],
                    rooms: Iterable[str], exclude: Iterable[int] = (),
                    within: Sequence[tuple[datetime, datetime]] | None = None
                    ) -> list[Session]: ...


class SeriesRepo(Protocol):
    """Recurring series: the rule, the template of each occurrence, how far it is expanded."""

    def insert(self, series: Series) -> int: ...
    def get(self, series_id: int, *, lock: bool = False) -> Series | None: ...
    def update(self, series: Series) -> None: ...
    def all(self, *, expanded_before: datetime | None = None) -> list[Series]: ...
    def by_uid(self, uids: Iterable[str]) -> dict[str, Series]: ...
    def by_id(self, series_ids: Iterable[int]) -> dict[int, Series]: ...
    def parts(self, series: Series) -> list[Series]:
        """Every part of the original series ``series`` belongs to (itself, and those split
        off it by ``--scope following``, a split of a split too), in order of first start."""
        ...


class CalendarRepo(Protocol):
    """The calendar: terms, closures, availability, time off."""

    def add_term(self, name: str, starts_on: date, ends_on: date) -> Term: ...
    def term(self, name: str) -> Term | None: ...
    def terms(self) -> list[Term]: ...
    def remove_term(self, term_id: int) -> None: ...
    def add_closure(self, starts_on: date, ends_on: date, reason: str) -> Closure: ...
    def remove_closure(self, closure_id: int) -> None: ...
    def closures(self, start: date | None = None, end: date | None = None) -> list[Closure]: ...
    def set_availability(self, mentor: str, weekday: int,
                         windows: Sequence[Availability]) -> None: ...
    def availability(self, mentors: Iterable[str]) -> dict[str, list[Availability]]: ...
    def add_time_off(self, item: TimeOff) -> None: ...
    def time_off(self, mentors: Iterable[str], start: datetime,
                 end: datetime) -> dict[str, list[TimeOff]]: ...
    def lock(self) -> date | None:
        """The calendar lock: sessions before this day are frozen (None: no lock)."""
        ...
    def set_lock(self, before: date | None) -> None: ...


class AttendanceRepo(Protocol):
    """What happens in sessions: attendance marks, feedback, materials.

    A mark counts only while its student is in the session: ``marks`` and ``rows`` read
    those; one of a student taken off it is kept (``has_marks`` sees it) and is back with
    them."""

    def marks(self, session_id: int) -> list[Attendance]: ...
    def has_marks(self, session_id: int) -> bool: ...
    def set_mark(self, record: Attendance) -> Attendance | None:
        """Write the student's mark, whether they have one or not, even when another
        terminal writes one at the same moment (the last writer wins); returns the mark it
        replaced, as it was when replaced (for the audit), or None. It is recorded by the
        acting person unless ``record.recorded_by`` names another (a mark put back)."""
        ...
    def add_mark(self, record: Attendance) -> bool:
        """Write the mark unless the student has one, perhaps given by another terminal a
        moment ago; whether it was written."""
        ...
    def remove_mark(self, session_id: int, student: str) -> Attendance | None:
        """Take the student's mark away; the mark removed, as it was (for the audit), or
        None when there was none."""
        ...
    def rows(self, f: ReportFilter) -> list[tuple[int, str, datetime, Attendance]]:
        """(session id, UID, start, mark) of every mark that counts of the sessions ``f``
        selects: what an attendance file holds."""
        ...
    def feedback(self, session_id: int) -> list[Feedback]: ...
    def set_feedback(self, record: Feedback) -> Feedback | None:
        """Write the author's feedback as ``set_mark`` writes a mark; the feedback replaced,
        or None."""
        ...
    def add_material(self, material: Material) -> Material: ...
    def materials(self, session_id: int) -> list[Material]: ...


class CourseRepo(Protocol):
    """Courses, their batches, and the students enrolled in them."""

    def add(self, name: str, subject: str | None) -> Course: ...
    def all(self) -> list[Course]: ...
    def add_batch(self, course_id: int, name: str, starts_on: date | None,
                  ends_on: date | None) -> Batch: ...
    def batches(self, course_id: int | None = None) -> list[Batch]: ...
    def students(self, course: str) -> list[Person] | None:
        """The students actively enrolled in ``course`` (None: no such course)."""
        ...
    def enrolments(self, course_id: int, status: EnrolmentStatus | None = None,
                   students: Sequence[str] | None = None) -> list[Enrolment]:
        """The enrolments in ``course_id`` (of ``status``; of these ``students`` only), by
        the students' names."""
        ...
    def enrol(self, course_id: int, student: str, batch_id: int | None,
              status: EnrolmentStatus) -> None:
        """Write the student's one enrolment in the course (made, or changed if there is one)."""
        ...


class OutboxRepo(Protocol):
    """The transactional outbox of mail notices and reminders (ARCHITECTURE.md, decision 5)."""

    def enqueue(self, notices: Sequence[Notice], *, once: bool = False,
                now: datetime | None = None) -> int:
        """Queue messages in this transaction, due from ``now``, in one multi-row insert;
        with ``once``, those already queued for the same (session, recipient, kind, start)
        are skipped. Returns how many were queued."""
        ...
    def reminder_targets(self, start: datetime, end: datetime
                         ) -> list[tuple[int, datetime, str]]:
        """(session id, start, participant email) of every participant (mentor and students)
        of each scheduled session starting in ``[start, end)`` that has no reminder in the
        outbox yet for that (session, recipient, start): what :meth:`enqueue_reminders`
        would queue now."""
        ...
    def enqueue_reminders(self, start: datetime, end: datetime, template: str,
                          now: datetime) -> int:
        """Queue a reminder (``template``, due ``now``) to each participant of each scheduled
        session starting in ``[start, end)``, skipping those already queued for the same
        (session, recipient, kind, start); returns how many were queued."""
        ...
    def claim(self, claimer: str, now: datetime, lease_until: datetime,
              limit: int) -> list[OutboxMessage]:
        """Take up to ``limit`` messages due by ``now`` (or whose lease ran out), oldest first,
        for ``claimer``; two senders never take the same message."""
        ...
    def claimers(self) -> list[str]: ...
    def release(self, claimers: Sequence[str], error: str) -> int: ...
    def settle(self, message_id: int, claimer: str, status: OutboxStatus, *,
               now: datetime, error: str | None = None, attempts: int | None = None,
               next_attempt_at: datetime | None = None) -> None: ...
    def unclaim(self, message_ids: Sequence[int], claimer: str, error: str) -> None: ...
    def messages(self, status: OutboxStatus | None = None,
                 limit: int | None = None) -> list[OutboxMessage]: ...
    def counts(self) -> dict[str, int]: ...
    def retry(self, now: datetime) -> int: ...


class AuditRepo(Protocol):
    """Bookkeeping: the audit log, and the size of each table. ``written`` holds the ids of
    the records the unit wrote, once it has committed."""

    written: list[int]

    def record(self, action: str, entity: str, key: object,
               before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
        """Record a change (written at commit); a passcode in it is kept as redacted."""
        ...
    def entries(self, query: AuditQuery) -> list[AuditEntry]:
        """The changes ``query`` selects, newest first."""
        ...
    def entry(self, entry_id: int) -> AuditEntry | None: ...
    def later(self, entry: AuditEntry) -> list[AuditEntry]:
        """The changes to the same entity recorded after ``entry``, oldest first."""
        ...
    def table_counts(self) -> dict[str, int]: ...


class ReportRepo(Protocol):
    """Aggregates for attendance, completion and mentor reports, computed in the database
    (store/repos/reports.py; ``bounds`` are the UTC boundaries of consecutive periods)."""

    def attendance_groups(self, f: ReportFilter,
                          by: Sequence[str]) -> dict[str, list[Group[Tally]]]: ...
    def attendance_by_period(self, f: ReportFilter,
                             bounds: Sequence[datetime]) -> dict[int, Tally]: ...
    def completion_groups(self, f: ReportFilter, by: str,
                          now: datetime) -> list[Group[Completion]]: ...
    def completion_by_period(self, f: ReportFilter, bounds: Sequence[datetime],
                             now: datetime) -> dict[int, Completion]: ...
    def mentor_figures(self, f: ReportFilter, now: datetime) -> list[MentorFigures]: ...
    def student_sessions(self, f: ReportFilter) -> list[StudentSession]: ...


class UnitOfWork(Protocol):
    """One transaction. Leaving its context commits; an exception rolls everything back.

    ``actor`` is the person acting (None when the unit was opened without one; the audit log
    then names the local login). Every repository reads and writes in this one transaction."""

    actor: Person | None

    @property
    def people(self) -> PeopleRepo: ...
    @property
    def rooms(self) -> RoomRepo: ...
    @property
    def subjects(self) -> SubjectRepo: ...
    @property
    def sessions(self) -> SessionRepo: ...
    @property
    def series(self) -> SeriesRepo: ...
    @property
    def calendar(self) -> CalendarRepo: ...
    @property
    def attendance(self) -> AttendanceRepo: ...
    @property
    def courses(self) -> CourseRepo: ...
    @property
    def outbox(self) -> OutboxRepo: ...
    @property
    def audit(self) -> AuditRepo: ...
    @property
    def reports(self) -> ReportRepo: ...
    @property
    def access(self) -> AccessRepo: ...
    @property
    def privacy(self) -> PrivacyRepo: ...


class BackupStore(Protocol):
    """Whole-database copies, taken, read and restored by the store (store/backup.py): the
    backend's own means (SQLite's online backup API, ``pg_dump``), or a logical dump."""

    url: str

    def method(self) -> str:
        """How :meth:`take` copies this database: ``sqlite``, ``pg_dump`` or ``logical``."""
        ...
    def take(self, into: Path, progress: Callable[[str], None] | None = None) -> None:
        """Write a complete, self-checking copy of the database, as it stood at one instant,
        to ``into`` (a new file); ``progress`` is told each stage's name as it begins."""
        ...
    def read(self, file: Path) -> BackupContents:
        """What ``file`` holds, every row read and checked; raise ``InvalidInput`` naming
        what is wrong if it is not a whole backup."""
        ...
    def schema_age(self, revision: str | None) -> str:
        """``current``, ``older`` (this program migrates it) or ``newer`` (unknown here)."""
        ...
    def holds_data(self) -> bool:
        """Whether the database at ``url`` has any table of ours in it (False if absent)."""
        ...
    def restore(self, file: Path, contents: BackupContents) -> None:
        """Replace what the database at ``url`` holds with ``file``'s rows, in one transaction
        where the backend allows, then migrate it to this program's schema."""
        ...


class Store(Protocol):
    """Where the centre's data lives."""

    url: str

    def unit(self, actor: str | None = None, *,
             write: bool = False) -> AbstractContextManager[UnitOfWork]: ...
    def close(self) -> None: ...
    def backups(self) -> BackupStore:
        """Copies of this database (:class:`BackupStore`)."""
        ...

