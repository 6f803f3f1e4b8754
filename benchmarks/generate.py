"""A deterministic tutoring centre at a chosen scale, written straight into the tables.

Every benchmark starts from one of these databases: ``dataset(100_000)`` returns a cached
SQLite file (``benchmarks/.data/``, keyed by scale, seed, schema head and generator version),
building it with :func:`generate` the first time. The same seed always gives the same rows.

The centre, and the ratios it is scaled by (per session over the two years generated):

* **Time.** 104 weeks in Europe/London, 52 before and 52 after ``ANCHOR`` (a Monday, the
  centre's "now": earlier sessions are completed, later ones scheduled). The two Christmas
  weeks are closures; series skip them with EXDATEs, as ``SeriesBook.create`` does.
* **The weekly grid.** One-hour cells, Monday-Friday 15:00-21:00 and Saturday 09:00-17:00
  (38 cells); every mentor's availability is that grid. Sessions start on a cell and last 30,
  45 or 60 minutes (workshops: two cells, 120 minutes), so neighbours touch but never overlap.
* **Mentors:** one per 800 sessions (about 400 a year, 8 a week: a fifth of the grid).
  **Students:** one per 80 sessions (about 1.6 lessons a week). **Staff:** one per 25 mentors.
  **Rooms:** 0.3 per mentor (at least 6): 60% study rooms (2 seats), 30% group rooms (8),
  10% halls (30), filled in order (Room 1 before Room 2); a quarter of series run online.
* **Series (80% of sessions):** weekly, 10-40 weeks (``COUNT``), 80% individual lessons,
  20% groups of 3-6. Exceptions: 3% of occurrences cancelled (the row stays, as ``cancel``
  leaves it), 2% moved to another free cell of the same week (``recurrence_id`` keeps the
  original start, ``sequence`` 1).
* **One-offs (the other 20%):** 70% trial lessons, 20% exam-preparation groups of 3-6, 10%
  two-hour workshops of 8-20 students in a hall.
* **Attendance and feedback.** Every student of every completed (past, not cancelled) session
  is marked by the mentor: mostly present, some late, absent or excused, each student with a
  reliability of their own so the attendance report has a spread. A fifth of the completed
  sessions get one student's feedback (mostly 4-5 stars, with two category ratings).

The data is conflict-free by construction: every mentor, student and room keeps, per cell
of the grid, a bit mask of the weeks it is taken, and nothing is placed where a bit is set.
Rows go in with SQLAlchemy Core ``insert()`` executemany through the mapped tables (so
``UTCDateTime`` writes the instants), in chunks, in one transaction, sorted by start so the
``start_at`` index only ever grows at its end.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import time as clock
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, insert, select

from sessionsctl.core.domain.drafts import SessionDraft
from sessionsctl.core.domain.model import SessionType
from sessionsctl.core.domain.timeutil import localize
from sessionsctl.core.schedule.recurrence import Recurrence
from sessionsctl.core.schedule.series import template_of
from sessionsctl.store import open_store
from sessionsctl.store.migrate import HEAD
from sessionsctl.store.schema import (
    attendance_table,
    availability_table,
    closure_table,
    feedback_table,
    person_table,
    room_table,
    series_table,
    session_student_table,
    session_table,
    subject_table,
)

# Bump when the generated rows change, so cached files of the old shape are not reused.
GENERATOR_VERSION = 5
DATA_DIR = Path(__file__).resolve().parent / ".data"

TZ_NAME = "Europe/London"
TZ = ZoneInfo(TZ_NAME)
ANCHOR = date(2026, 9, 7)  # a Monday: the generated centre's "now"
NOW = localize(datetime.combine(ANCHOR, time()), TZ)
WEEKS = 104
FIRST_MONDAY = ANCHOR - timedelta(weeks=WEEKS // 2)
DOMAIN = "bench-centre.example"

SESSIONS_PER_MENTOR = 800
SESSIONS_PER_STUDENT = 80
MENTORS_PER_STAFF = 25
ROOMS_PER_MENTOR = 0.3
SERIES_SHARE = 0.8
CANCEL_RATE = 0.03
MOVE_RATE = 0.02
ONLINE_SHARE = 0.25
SERIES_WEEKS = (10, 40)
# Attendance of a reliable student (present, late, absent, excused); an unreliable one (a
# fifth of students) is absent three times as often.
ATTENDANCE_MIX = (0.84, 0.07, 0.05, 0.04)
UNRELIABLE_SHARE = 0.2
FEEDBACK_SHARE = 0.2
RATINGS = (1, 2, 3, 4, 5)
RATING_WEIGHTS = (0.03, 0.05, 0.12, 0.35, 0.45)
FEEDBACK_CATEGORIES = ("clarity", "pace")

# (weekday, hour) of every one-hour cell; availability windows cover exactly these.
GRID: tuple[tuple[int, int], ...] = (
    tuple((d, h) for d in range(5) for h in range(15, 21)) + tuple((5, h) for h in range(9, 17)))
WINDOWS: dict[int, tuple[time, time]] = {d: (time(15), time(21)) for d in range(5)}
WINDOWS[5] = (time(9), time(17))
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
SUBJECTS = ("Mathematics", "English", "Physics", "Chemistry", "Biology", "Computer Science")
SPECIALISMS = ("Mathematics", "Mathematics", "Mathematics", "English", "English", "Physics",
               "Chemistry", "Biology", "Computer Science", "Physics")
FIRST_NAMES = ("Amelia", "Oliver", "Ananya", "Mohammed", "Zara", "Kwame", "Isla", "Noah",
               "Aarav", "Freya", "Yusuf", "Grace", "Hiroshi", "Priya", "Jack", "Leila", "Tomasz",
               "Imogen", "Kofi", "Mei", "Harry", "Aisha", "Rory", "Sofia", "Dev", "Niamh",
               "Emeka", "Arjun", "Poppy", "Ibrahim", "Layla", "Callum", "Fatima", "Ethan", "Ruby")
SURNAMES = ("Patel", "Okafor", "Nguyen", "Smith", "Kowalski", "Begum", "Mensah", "Fraser",
            "Hussain", "Taylor", "Zhang", "Evans", "Murphy", "Adeyemi", "Wright", "Sato", "Khan",
            "MacLeod", "Nowak", "Ahmed", "Robinson", "Ferreira", "Singh", "Walsh", "Osei")
CANCEL_REASONS = ("Student unwell", "Family holiday", "Mentor unwell", "School trip")
COST = {"individual": Decimal("35.00"), "group": Decimal("20.00"),
        "workshop": Decimal("15.00"), "trial": None}
_CHUNK = 10_000


@dataclass(frozen=True, slots=True)
class Summary:
    """What :func:`generate` wrote, and how long it took."""

    sessions: int
    seed: int
    series: int
    occurrences: int  # series occurrences materialised as session rows
    one_offs: int
    moved: int
    cancelled: int
    mentors: int
    students: int
    staff: int
    rooms: int
    session_students: int
    closures: int
    attendance: int
    feedback: int
    plan_seconds: float
    write_seconds: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Occ(NamedTuple):
    """One session row before it has an id."""

    start: datetime
    end: datetime
    mentor: int
    room: int | None
    students: tuple[int, ...]
    series: int | None  # series id
    recurrence_id: datetime | None
    cancelled: bool
    kind: str  # individual, group, workshop or trial
    title: str
    subject: int
    uid: str
    sequence: int
    created_at: datetime
    modified_at: datetime


def _wall(week: int, cell: int) -> datetime:
    day, hour = GRID[cell]
    return datetime.combine(FIRST_MONDAY + timedelta(weeks=week, days=day), time(hour))


# The UTC start of every (week, cell), computed once: wall time in London, DST-aware.
_SLOTS: list[list[datetime]] = [[localize(_wall(w, c), TZ) for c in range(len(GRID))]
                                for w in range(WEEKS)]


def _closed_weeks() -> list[bool]:
    """Weeks holding Christmas Day or New Year's Day: the centre is closed all week."""
    closed = []
    for w in range(WEEKS):
        monday = FIRST_MONDAY + timedelta(weeks=w)
        days = {monday + timedelta(days=i) for i in range(7)}
        closed.append(any(date(y, m, d) in days for y in (monday.year, monday.year + 1)
                          for m, d in ((12, 25), (1, 1))))
    return closed


CLOSED = _closed_weeks()


def _uid(rng: random.Random) -> str:
    return f"{uuid.UUID(int=rng.getrandbits(128), version=4)}@sessionsctl"


class _Plan:
    """Everything to write, planned in memory (see the module docstring for the shape)."""

    def __init__(self, sessions: int, seed: int) -> None:
        if sessions < 1:
            raise ValueError("sessions must be at least 1")
        self.rng = random.Random(seed)
        self.target = sessions
        self.busy: dict[tuple[int, int], int] = {}  # (resource, cell) -> weeks taken (bits)
        self.people: list[dict[str, Any]] = []
        self.rooms: list[dict[str, Any]] = []
        self.series: list[dict[str, Any]] = []
        self.occs: list[_Occ] = []
        self.moved = 0
        self.open_weeks = [w for w in range(WEEKS) if not CLOSED[w]]
        self._people(sessions)
        self._rooms()

    # ------------------------------------------------------------------- people, rooms
    def _person(self, role: str, first: str, last: str) -> int:
        pid = len(self.people) + 1
        self.people.append({
            "id": pid, "name": f"{first} {last}", "role": role,
            "email": f"{first}.{last}.{pid}@{DOMAIN}".lower(),
            "tz": TZ_NAME if role != "student" else None,
            "created_at": NOW - timedelta(weeks=WEEKS // 2 + 4)})
        return pid

    def _people(self, sessions: int) -> None:
        rng = self.rng
        n_mentors = max(4, round(sessions / SESSIONS_PER_MENTOR))
        n_students = max(20, round(sessions / SESSIONS_PER_STUDENT))
        n_staff = max(2, n_mentors // MENTORS_PER_STAFF)
        self.admin = self._person("admin", "Centre", "Admin")

        def name() -> tuple[str, str]:
            return rng.choice(FIRST_NAMES), rng.choice(SURNAMES)

        self.staff = [self._person("staff", *name()) for _ in range(n_staff)]
        self.mentors = [self._person("mentor", *name()) for _ in range(n_mentors)]
        self.speciality = {m: 1 + SUBJECTS.index(rng.choice(SPECIALISMS)) for m in self.mentors}
        self.students = [self._person("student", *name()) for _ in range(n_students)]
        self.first_name = {p["id"]: p["name"].split()[0] for p in self.people}

    def _rooms(self) -> None:
        count = max(6, round(len(self.mentors) * ROOMS_PER_MENTOR))
        halls = max(1, round(count * 0.1))
        groups = max(2, round(count * 0.3))
        kinds = [("Study Room", 2)] * (count - halls - groups) + [("Group Room", 8)] * groups \
            + [("Hall", 30)] * halls
        numbers: dict[str, int] = {}
        for rid, (kind, seats) in enumerate(kinds, start=1):
            numbers[kind] = numbers.get(kind, 0) + 1
            self.rooms.append({"id": rid, "name": f"{kind} {numbers[kind]}", "capacity": seats})
        self.pools = {
            2: [r["id"] for r in self.rooms if r["capacity"] == 2],
            8: [r["id"] for r in self.rooms if r["capacity"] == 8],
            30: [r["id"] for r in self.rooms if r["capacity"] == 30],
        }

    # ------------------------------------------------------------------ occupancy
    def _free(self, key: int, cells: Iterable[int], mask: int) -> bool:
        busy = self.busy
        return all(not busy.get((key, c), 0) & mask for c in cells)

    def _take(self, keys: Iterable[int], cells: Iterable[int], mask: int) -> None:
        busy = self.busy
        for key in keys:
            for c in cells:
                busy[key, c] = busy.get((key, c), 0) | mask

    def _pick_students(self, count: int, cells: tuple[int, ...],
                       mask: int) -> tuple[int, ...] | None:
        rng, chosen = self.rng, []
        for _ in range(count * 30):
            s = rng.choice(self.students)
            if s not in chosen and self._free(s, cells, mask):
                chosen.append(s)
                if len(chosen) == count:
                    return tuple(sorted(chosen))
        return None

    def _pick_room(self, seats: int, cells: tuple[int, ...], mask: int) -> int | None:
        """The first free room with at least ``seats`` seats, smallest kind first, as a front
        desk fills Room 1 before Room 2; None if all are taken. (Filling in order leaves the
        last rooms of each kind mostly free, where a new year-long series can still go.)"""
        for size in (2, 8, 30):
            if size < seats:
                continue
            for room in self.pools[size]:
                if self._free(-room, cells, mask):
                    return room
        return None

    # --------------------------------------------------------------------- series
    def _add_series(self, remaining: int) -> int:
        """Place one weekly series; returns how many session rows it added."""
        rng = self.rng
        group = rng.random() < 0.2
        online = rng.random() < ONLINE_SHARE
        length = min(rng.randint(*SERIES_WEEKS), remaining)
        n_students = rng.randint(3, 6) if group else 1
        for _ in range(500):
            mentor = rng.choice(self.mentors)
            cell = rng.randrange(len(GRID))
            w0 = rng.randrange(WEEKS - length + 1)
            weeks = [w for w in range(w0, w0 + length) if not CLOSED[w]]
            if not weeks:
                continue
            mask = sum(1 << w for w in weeks)
            cells = (cell,)
            if not self._free(mentor, cells, mask):
                continue
            students = self._pick_students(n_students, cells, mask)
            if students is None:
                continue
            room = None
            if not online:
                room = self._pick_room(n_students, cells, mask)
                if room is None:
                    continue
            break
        else:
            raise RuntimeError("the generated centre is too full to place another series")
        keys = (mentor, *students, *((-room,) if room else ()))
        self._take(keys, cells, mask)

        subject = self.speciality[mentor]
        kind = "group" if group else "individual"
        title = (f"{SUBJECTS[subject - 1]} group" if group
                 else f"{SUBJECTS[subject - 1]} with {self.first_name[students[0]]}")
        minutes = rng.choice((60, 60, 60, 45, 45, 30))
        duration = timedelta(minutes=minutes)
        series_id = len(self.series) + 1
        uid = _uid(rng)
        created = _SLOTS[w0][cell] - timedelta(days=14)
        draft = SessionDraft(
            title=title, mentor=self.people[mentor - 1]["email"], start=_SLOTS[w0][cell],
            end=_SLOTS[w0][cell] + duration, tz=TZ_NAME,
            students=tuple(self.people[s - 1]["email"] for s in students),
            room=self.rooms[room - 1]["name"] if room else None, subject=SUBJECTS[subject - 1],
            location="Main building" if room else None,  # as its occurrences' rows say
            type=SessionType.GROUP if group else SessionType.INDIVIDUAL,
            link=f"https://meet.{DOMAIN}/s{series_id}" if online else None,
            max_participants=6 if group else None, cost=COST[kind])
        closed = [_wall(w, cell) for w in range(w0, w0 + length) if CLOSED[w]]
        day = DAY_CODES[GRID[cell][0]]
        rule = Recurrence(f"FREQ=WEEKLY;BYDAY={day};COUNT={length}", tuple(closed))
        self.series.append({
            "id": series_id, "uid": uid, "rrule": rule.to_text(), "exdates": None,
            "rdates": None, "dtstart": _wall(w0, cell).isoformat(), "tz": TZ_NAME,
            "duration_minutes": minutes, "expanded_until": None, "template": template_of(draft),
            "sequence": 0, "created_by_id": rng.choice(self.staff), "created_at": created,
            "modified_at": created})

        for w in weeks:
            original = _SLOTS[w][cell]
            start, sequence, modified = original, 0, created
            roll = rng.random()
            cancelled = roll < CANCEL_RATE
            if not cancelled and roll < CANCEL_RATE + MOVE_RATE:
                moved_to = self._move(w, cell, mentor, students, room)
                if moved_to is not None:
                    start, sequence = _SLOTS[w][moved_to], 1
                    modified = original - timedelta(days=2)
                    self.moved += 1
            elif cancelled:
                sequence, modified = 1, original - timedelta(days=1)
            self.occs.append(_Occ(start, start + duration, mentor, room, students, series_id,
                                  original, cancelled, kind, title, subject, uid, sequence,
                                  created, modified))
        return len(weeks)

    def _move(self, week: int, cell: int, mentor: int, students: tuple[int, ...],
              room: int | None) -> int | None:
        """Another cell of ``week`` where mentor, students and room are all free, taken."""
        bit = 1 << week
        for _ in range(10):
            target = self.rng.randrange(len(GRID))
            cells = (target,)
            keys = (mentor, *students, *((-room,) if room else ()))
            if target != cell and all(self._free(k, cells, bit) for k in keys):
                self._take(keys, cells, bit)
                return target
        return None

    # -------------------------------------------------------------------- one-offs
    def _add_one_off(self) -> None:
        rng = self.rng
        roll = rng.random()
        kind = "trial" if roll < 0.7 else "group" if roll < 0.9 else "workshop"
        cap = max(1, len(self.students) // 2)
        n_students = {"trial": 1, "group": rng.randint(3, 6),
                      "workshop": rng.randint(8, 20)}[kind]
        n_students = min(n_students, cap)
        for _ in range(500):
            week = rng.choice(self.open_weeks)
            cell = rng.randrange(len(GRID))
            cells: tuple[int, ...] = (cell,)
            if kind == "workshop":
                if cell + 1 >= len(GRID) or GRID[cell + 1][0] != GRID[cell][0]:
                    continue
                cells = (cell, cell + 1)
            mask = 1 << week
            mentor = rng.choice(self.mentors)
            if not self._free(mentor, cells, mask):
                continue
            students = self._pick_students(n_students, cells, mask)
            if students is None:
                continue
            room = self._pick_room(30 if kind == "workshop" else n_students, cells, mask)
            if room is None:
                continue
            break
        else:
            raise RuntimeError("the generated centre is too full to place another one-off")
        self._take((mentor, *students, -room), cells, mask)
        subject = self.speciality[mentor]
        name = SUBJECTS[subject - 1]
        title = {"trial": f"Trial lesson: {name}", "group": f"{name} exam preparation",
                 "workshop": f"{name} revision workshop"}[kind]
        minutes = 120 if kind == "workshop" else rng.choice((60, 60, 45))
        start = _SLOTS[week][cell]
        created = start - timedelta(days=rng.randint(2, 21))
        cancelled = rng.random() < CANCEL_RATE
        self.occs.append(_Occ(start, start + timedelta(minutes=minutes), mentor, room, students,
                              None, None, cancelled, kind, title, subject, _uid(rng),
                              int(cancelled), created, created))

    def build(self) -> None:
        series_target = round(self.target * SERIES_SHARE)
        made = 0
        while made < series_target:
            made += self._add_series(series_target - made)
        self.occurrences = made
        while len(self.occs) < self.target:
            self._add_one_off()
        # Stable sort: ties keep the order they were planned in, so ids are deterministic.
        self.occs.sort(key=lambda o: o.start)

    # ----------------------------------------------------------------------- rows
    def session_rows(self) -> Iterator[dict[str, Any]]:
        rng = random.Random(self.rng.random())  # payment states: independent of the planning
        staff = self.staff
        for sid, o in enumerate(self.occs, start=1):
            past = o.start < NOW
            if o.cancelled:
                status, payment = "cancelled", "waived"
            elif past:
                status, payment = "completed", "paid" if rng.random() < 0.9 else "unpaid"
            else:
                status, payment = "scheduled", "unpaid"
            kind = o.kind
            by = staff[sid % len(staff)]
            yield {
                "id": sid, "uid": o.uid, "series_id": o.series, "recurrence_id": o.recurrence_id,
                "title": o.title, "description": None, "mentor_id": o.mentor,
                "subject_id": o.subject, "room_id": o.room, "batch_id": None,
                "type": "individual" if kind == "trial" else kind, "status": status,
                "start_at": o.start, "end_at": o.end, "tz": TZ_NAME,
                "location": None if o.room is None else "Main building",
                "meeting_link": f"https://meet.{DOMAIN}/s{o.series}" if o.room is None else None,
                "meeting_id": None, "meeting_passcode": None,
                "max_participants": {"group": 6, "workshop": 20}.get(kind),
                "notes": None, "cost": COST[kind], "payment_status": payment,
                "cancel_reason": CANCEL_REASONS[sid % len(CANCEL_REASONS)] if o.cancelled else None,
                "force_reason": None, "sequence": o.sequence, "created_by_id": by,
                "created_at": o.created_at, "modified_by_id": by, "modified_at": o.modified_at,
            }

    def student_rows(self) -> Iterator[dict[str, Any]]:
        for sid, o in enumerate(self.occs, start=1):
            for student in o.students:
                yield {"session_id": sid, "student_id": student, "start_at": o.start,
                       "end_at": o.end, "cancelled": o.cancelled, "forced": False}

    def attendance_and_feedback(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Marks for every student of every completed session, and some feedback on them."""
        rng = random.Random(self.rng.random())  # independent of the planning, as payments are
        unreliable = {s for s in self.students if rng.random() < UNRELIABLE_SHARE}
        shaky = (ATTENDANCE_MIX[0] - 2 * ATTENDANCE_MIX[2], ATTENDANCE_MIX[1],
                 3 * ATTENDANCE_MIX[2], ATTENDANCE_MIX[3])
        marks: list[dict[str, Any]] = []
        feedback: list[dict[str, Any]] = []
        for sid, o in enumerate(self.occs, start=1):
            if o.cancelled or o.start >= NOW or not o.students:
                continue
            recorded = o.end + timedelta(minutes=rng.randint(0, 30))
            for student in o.students:
                r = rng.random()
                mix = shaky if student in unreliable else ATTENDANCE_MIX
                if r < mix[0]:
                    status, check_in = "present", o.start
                elif r < mix[0] + mix[1]:
                    status, check_in = "late", o.start + timedelta(minutes=rng.randint(5, 20))
                elif r < mix[0] + mix[1] + mix[2]:
                    status, check_in = "absent", None
                else:
                    status, check_in = "excused", None
                marks.append({"session_id": sid, "student_id": student, "status": status,
                              "check_in": check_in, "check_out": o.end if check_in else None,
                              "note": None, "recorded_by_id": o.mentor,
                              "recorded_at": recorded})
            if rng.random() < FEEDBACK_SHARE:
                rating = rng.choices(RATINGS, RATING_WEIGHTS)[0]
                feedback.append({
                    "session_id": sid, "author_id": rng.choice(o.students), "rating": rating,
                    "categories": {c: max(1, min(5, rating + rng.randint(-1, 1)))
                                   for c in FEEDBACK_CATEGORIES},
                    "text": None, "created_at": o.end + timedelta(hours=rng.randint(1, 48))})
        return marks, feedback

    def availability_rows(self) -> list[dict[str, Any]]:
        return [{"person_id": m, "weekday": d, "start_time": f"{a:%H:%M}",
                 "end_time": f"{b:%H:%M}", "tz": TZ_NAME}
                for m in self.mentors for d, (a, b) in WINDOWS.items()]

    def closure_rows(self) -> list[dict[str, Any]]:
        rows, w = [], 0
        while w < WEEKS:
            if CLOSED[w]:
                first = w
                while w + 1 < WEEKS and CLOSED[w + 1]:
                    w += 1
                rows.append({"starts_on": FIRST_MONDAY + timedelta(weeks=first),
                             "ends_on": FIRST_MONDAY + timedelta(weeks=w, days=6),
                             "reason": "Christmas break", "created_at": NOW - timedelta(weeks=60)})
            w += 1
        return rows


def _chunks(rows: Iterable[dict[str, Any]], size: int = _CHUNK) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def generate(url: str, sessions: int, seed: int = 1) -> Summary:
    """Write a centre of ``sessions`` sessions into the (new or empty) database at ``url``."""
    began = clock.perf_counter()
    plan = _Plan(sessions, seed)
    plan.build()
    marks, feedback = plan.attendance_and_feedback()
    planned = clock.perf_counter()
    store = open_store(url)
    links = 0
    try:
        with store.engine.begin() as conn:
            if conn.execute(select(func.count()).select_from(session_table)).scalar_one():
                raise ValueError(f"{url} already holds sessions; generate into an empty database")
            if conn.dialect.name == "sqlite":
                # A bulk load: a big page cache keeps the five session indexes in memory.
                conn.exec_driver_sql("PRAGMA cache_size = -1048576")
            table: Table
            for table, rows in (
                (person_table, plan.people), (room_table, plan.rooms),
                (subject_table, [{"id": i, "name": n} for i, n in enumerate(SUBJECTS, 1)]),
                (availability_table, plan.availability_rows()),
                (closure_table, plan.closure_rows()),
                (series_table, plan.series),
            ):
                for chunk in _chunks(rows):
                    conn.execute(insert(table), chunk)
            for chunk in _chunks(plan.session_rows()):
                conn.execute(insert(session_table), chunk)
            for chunk in _chunks(plan.student_rows()):
                conn.execute(insert(session_student_table), chunk)
                links += len(chunk)
            for table, rows in ((attendance_table, marks),
                                (feedback_table, feedback)):
                for chunk in _chunks(rows):
                    conn.execute(insert(table), chunk)
            # No ANALYZE: the product never runs it, so its databases have no planner
            # statistics, and the benchmarks must see the query plans users get.
    finally:
        store.close()
    done = clock.perf_counter()
    return Summary(
        sessions=len(plan.occs), seed=seed, series=len(plan.series),
        occurrences=plan.occurrences, one_offs=len(plan.occs) - plan.occurrences,
        moved=plan.moved, cancelled=sum(o.cancelled for o in plan.occs),
        mentors=len(plan.mentors), students=len(plan.students), staff=len(plan.staff),
        rooms=len(plan.rooms), session_students=links, closures=len(plan.closure_rows()),
        attendance=len(marks), feedback=len(feedback),
        plan_seconds=round(planned - began, 2), write_seconds=round(done - planned, 2))


# -------------------------------------------------------------------------- the cache
def cache_path(sessions: int, seed: int = 1, data_dir: Path = DATA_DIR) -> Path:
    return data_dir / f"centre-{sessions}-seed{seed}-{HEAD}-g{GENERATOR_VERSION}.db"


def dataset(sessions: int, seed: int = 1,
            data_dir: Path = DATA_DIR) -> tuple[Path, Summary, bool]:
    """The cached SQLite file of this scale and seed (built if missing), its summary, and
    whether it came from the cache. Treat the file as read-only: copy it to write."""
    path = cache_path(sessions, seed, data_dir)
    meta = path.with_suffix(".json")
    if path.is_file() and meta.is_file():
        return path, Summary(**json.loads(meta.read_text())), True
    data_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    summary = generate(f"sqlite:///{partial}", sessions, seed)
    os.replace(partial, path)
    meta.write_text(json.dumps(summary.as_dict(), indent=2))
    return path, summary, False


def fingerprint(url: str) -> str:
    """A digest of every generated table's rows in key order: equal digests, equal data."""
    digest = hashlib.sha256()
    store = open_store(url)
    try:
        with store.engine.connect() as conn:
            for table in (person_table, room_table, subject_table, availability_table, closure_table,
                          series_table, session_table, session_student_table, attendance_table,
                          feedback_table):
                for row in conn.execute(select(table).order_by(*table.primary_key.columns)):
                    digest.update(repr(tuple(row)).encode())
    finally:
        store.close()
    return digest.hexdigest()


def parse_scale(text: str) -> int:
    """``10k`` -> 10000, ``1m`` -> 1000000, ``500`` -> 500."""
    raw = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(raw[-1:], 1)
    number = raw[:-1] if factor != 1 else raw
    return int(float(number) * factor)


def scale_name(sessions: int) -> str:
    if sessions % 1_000_000 == 0:
        return f"{sessions // 1_000_000}m"
    if sessions % 1_000 == 0:
        return f"{sessions // 1_000}k"
    return str(sessions)


if __name__ == "__main__":  # python -m benchmarks.generate 100k [seed]
    import sys

    n = parse_scale(sys.argv[1] if len(sys.argv) > 1 else "10k")
    s = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    file, info, hit = dataset(n, s)
    print(file, "(cached)" if hit else "(generated)", json.dumps(info.as_dict()))
