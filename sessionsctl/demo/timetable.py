"""The demo term's timetable: a weekly grid no two lessons of one person or room can share,
and the one-off sessions around it."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from ..core.domain.drafts import SessionDraft
from ..core.domain.model import PaymentStatus, SessionType
from ..core.domain.timeutil import localize, zone
from .data import BANDS, GROUP_ROOMS, HALL, MAX_MENTOR_SLOTS, MAX_WEEKLY_LESSONS, SEATS, SMALL_ROOMS, WEEKDAYS
from .people import Mentor, Student, online_meeting, slug

if TYPE_CHECKING:
    pass

@dataclass(frozen=True, slots=True)
class Cell:
    """A time of the week no other cell overlaps; ``weekday`` None means every Mon-Fri."""

    key: str
    weekday: int | None
    start: time
    minutes: int  # what fits in it


def grid_cells() -> list[Cell]:
    """The weekly timetable: after school on weekdays, Saturday mornings."""
    cells = [Cell(f"{WEEKDAYS[d][:3]} {h:02d}:{m:02d}", d, time(h, m), 60)
             for d in range(5) for h, m in ((15, 30), (16, 30), (17, 30), (18, 30))]
    cells += [Cell(f"Sat {h:02d}:00", 5, time(h), 60) for h in (9, 10, 11, 12)]
    return cells


# Outside the weekly timetable: weekend afternoons and Sunday, and weekday evenings online.
OFF_GRID = (Cell("Sat 13:30", 5, time(13, 30), 120), Cell("Sat 16:00", 5, time(16), 120),
            Cell("Sun 10:00", 6, time(10), 120), Cell("Sun 13:00", 6, time(13), 120),
            Cell("evening", None, time(19, 45), 90))


@dataclass(frozen=True, slots=True)
class Lesson:
    """A weekly lesson: the same people in the same room at the same wall time every week."""

    title: str
    subject: str
    type: SessionType
    mentor: str
    students: tuple[str, ...]
    cell: Cell
    minutes: int
    room: str | None
    band: str
    online: tuple[str, str, str] | None = None  # link, meeting id, passcode


class Grid:
    """Who and what each cell holds: every week (the timetable) or on one date (one-offs)."""

    def __init__(self) -> None:
        self.weekly: dict[str, set[str]] = {}
        self.dated: dict[tuple[date, str], set[str]] = {}

    def free(self, key: str, cell: Cell, day: date | None = None) -> bool:
        if key in self.weekly.get(cell.key, ()):
            return False
        return day is None or key not in self.dated.get((day, cell.key), ())

    def take(self, keys: list[str], cell: Cell, day: date | None = None) -> None:
        held = self.weekly.setdefault(cell.key, set()) if day is None else \
            self.dated.setdefault((day, cell.key), set())
        assert not held.intersection(keys), (cell, day, held.intersection(keys))
        held.update(keys)


def pick_students(rng: random.Random, grid: Grid, students: list[Student],
                   subject: str | None,
                   cell: Cell, *, band: str | None = None, day: date | None = None,
                   weekly_limit: bool = True, remote: bool | None = False) -> list[Student]:
    """Students of ``subject`` free in ``cell``, the least busy first (ties in random order);
    remote students only for ``remote`` True, and also for None (an online session).
    ``subject`` None: students of any subject."""
    found = [s for s in students
             if (subject is None or subject in s.subjects)
             and (remote is None or s.remote == remote)
             and (band is None or s.band == band)
             and (not weekly_limit or s.load < MAX_WEEKLY_LESSONS)
             and grid.free(f"person:{s.email}", cell, day)]
    rng.shuffle(found)
    found.sort(key=lambda s: s.load)
    return found


def suits(student: Student, cell: Cell, tz: str) -> bool:
    """Whether ``cell`` falls between 08:00 and 20:00 where the student lives."""
    monday = date(2026, 1, 5)  # a winter week: the hour only has to be roughly right
    wall = datetime.combine(monday + timedelta(days=cell.weekday or 0), cell.start)
    return 8 <= localize(wall, zone(tz)).astimezone(zone(student.tz)).hour < 20


def free_room(grid: Grid, rooms: tuple[str, ...], seats: int, cell: Cell,
               day: date | None = None) -> str | None:
    """The smallest free room of ``rooms`` that seats ``seats``."""
    fitting = sorted((SEATS[r], r) for r in rooms
                     if SEATS[r] >= seats and grid.free(f"room:{r}", cell, day))
    return fitting[0][1] if fitting else None


def timetable(rng: random.Random, mentors: list[Mentor], students: list[Student],
               grid: Grid, tz: str) -> list[Lesson]:
    """About six weekly lessons per mentor, placed in free cells of the weekly grid."""
    cells = grid_cells()
    lessons: list[Lesson] = []
    titles: Counter[str] = Counter()
    by_mentor: dict[str, int] = {m.email: 0 for m in mentors}

    def place(mentor: Mentor, cell: Cell, group: list[Student], kind: SessionType,
              room: str | None, band: str) -> None:
        if kind is SessionType.INDIVIDUAL:
            title = f"{mentor.subject} 1:1 — {group[0].name}"
            minutes = rng.choice((45, 60, 60))
        else:
            day = WEEKDAYS[cell.weekday or 0]
            title = f"{band} {mentor.subject} group — {day} {cell.start:%H:%M}"
            minutes = cell.minutes
        titles[title] += 1
        if titles[title] > 1:
            title = f"{title} ({chr(ord('A') + titles[title] - 1)})"
        online = online_meeting(rng, slug(title)) if room is None else None
        for s in group:
            s.load += 1
        grid.take([f"person:{mentor.email}", *(f"person:{s.email}" for s in group),
                   *([f"room:{room}"] if room else [])], cell)
        by_mentor[mentor.email] += 1
        lessons.append(Lesson(title, mentor.subject, kind, mentor.email,
                               tuple(sorted(s.email for s in group)), cell, minutes, room, band,
                               online))

    # Remote students first: an online 1:1 at an hour that suits them.
    for student in (s for s in students if s.remote):
        for subject in student.subjects[:2]:
            teachers = [m for m in mentors if m.subject == subject]
            options = [(m, c) for m in teachers for c in cells]
            rng.shuffle(options)
            for mentor, cell in options:
                if (suits(student, cell, tz) and by_mentor[mentor.email] < MAX_MENTOR_SLOTS
                        and grid.free(f"person:{mentor.email}", cell)
                        and grid.free(f"person:{student.email}", cell)):
                    place(mentor, cell, [student], SessionType.INDIVIDUAL, None, student.band)
                    break

    for mentor in mentors:
        wanted = rng.randint(5, MAX_MENTOR_SLOTS)
        order = cells[:]
        rng.shuffle(order)
        for cell in order:
            if by_mentor[mentor.email] >= wanted:
                break
            if not grid.free(f"person:{mentor.email}", cell):
                continue
            if rng.random() < 0.4:  # a 1:1 lesson in a study room
                room = free_room(grid, SMALL_ROOMS, 1, cell)
                found = pick_students(rng, grid, students, mentor.subject, cell)
                if room and found:
                    place(mentor, cell, found[:1], SessionType.INDIVIDUAL, room, found[0].band)
                continue
            bands = {b: pick_students(rng, grid, students, mentor.subject, cell, band=b)
                     for b in BANDS}
            band = max(BANDS, key=lambda b: (len(bands[b]), rng.random()))
            size = min(rng.randint(3, 8), len(bands[band]))
            room = free_room(grid, GROUP_ROOMS, size, cell)
            if size >= 3 and room:
                place(mentor, cell, bands[band][:size], SessionType.GROUP, room, band)

    # Everyone comes for something: a student still without a lesson joins a group of theirs
    # with a seat left, at a time they are free.
    for student in students:
        if student.load or student.remote:
            continue
        for i in rng.sample(range(len(lessons)), len(lessons)):
            lesson = lessons[i]
            if (lesson.type is SessionType.GROUP and lesson.subject in student.subjects
                    and lesson.band == student.band and lesson.room is not None
                    and len(lesson.students) < min(8, SEATS[lesson.room])
                    and grid.free(f"person:{student.email}", lesson.cell)):
                grid.take([f"person:{student.email}"], lesson.cell)
                student.load += 1
                lessons[i] = replace(lesson, students=tuple(sorted(
                    (*lesson.students, student.email))))
                break
    return lessons


@dataclass(frozen=True, slots=True)
class OneOff:
    title: str
    subject: str | None
    type: SessionType
    band: str | None
    minutes: int
    size: tuple[int, int]
    where: str  # "hall", "group", "lab", "small", "online"
    cost: Decimal | None
    description: str
    anyone: bool = False  # open to students of every subject (else only to the subject's)


ONE_OFFS = (
    OneOff("Exam technique workshop: GCSE English Language", "English", SessionType.WORKSHOP,
            "GCSE", 120, (12, 25), "hall", Decimal("20.00"),
            "Timed practice on Paper 1 and how the marks are given."),
    OneOff("Python coding workshop: build a quiz game", "Computer Science",
            SessionType.WORKSHOP, None, 120, (6, 10), "lab", Decimal("15.00"),
            "Bring nothing: laptops provided. Beginners welcome."),
    OneOff("UCAS personal statement clinic", "English", SessionType.WORKSHOP, "A level", 90,
            (8, 20), "online", Decimal("0.00"), "Bring a draft; we read them together.",
            anyone=True),
    OneOff("Revision skills workshop", "Mathematics", SessionType.WORKSHOP, None, 120,
            (15, 28), "hall", Decimal("15.00"),
            "Planning revision, retrieval practice, past papers.", anyone=True),
    OneOff("Practical chemistry: titration masterclass", "Chemistry", SessionType.WORKSHOP,
            None, 120, (5, 8), "group", Decimal("25.00"), "Required practicals, hands on."),
    OneOff("Maths challenge: UKMT practice", "Mathematics", SessionType.WORKSHOP, "KS3", 120,
            (10, 24), "hall", Decimal("10.00"), "Puzzles and problems from past challenges."),
    OneOff("GCSE Mathematics exam prep: Paper 2 (calculator)", "Mathematics", SessionType.GROUP,
            "GCSE", 90, (5, 10), "group", Decimal("30.00"), "Mock exam preparation."),
    OneOff("A level Physics exam prep: electricity", "Physics", SessionType.GROUP, "A level",
            90, (3, 8), "group", Decimal("30.00"), "Mock exam preparation."),
    OneOff("GCSE Biology exam prep: required practicals", "Biology", SessionType.GROUP, "GCSE",
            90, (4, 8), "group", Decimal("30.00"), "Mock exam preparation."),
    OneOff("GCSE Chemistry exam prep: quantitative chemistry", "Chemistry", SessionType.GROUP,
            "GCSE", 90, (3, 8), "online", Decimal("25.00"), "Mock exam preparation, online."),
    OneOff("A level Mathematics exam prep: mechanics", "Mathematics", SessionType.GROUP,
            "A level", 90, (3, 8), "group", Decimal("30.00"), "Mock exam preparation."),
    OneOff("GCSE English Literature exam prep: An Inspector Calls", "English",
            SessionType.GROUP, "GCSE", 90, (4, 10), "online", Decimal("25.00"),
            "Themes, characters and quotations, online."),
    OneOff("GCSE Computer Science exam prep: algorithms", "Computer Science", SessionType.GROUP,
            "GCSE", 90, (3, 8), "lab", Decimal("30.00"), "Searching, sorting and trace tables."),
    OneOff("GCSE Physics exam prep: forces and motion", "Physics", SessionType.GROUP, "GCSE",
            90, (3, 8), "group", Decimal("30.00"), "Mock exam preparation."),
    *(OneOff(f"Trial lesson: {subject}", subject, SessionType.INDIVIDUAL, None, 45, (1, 1),
              where, Decimal("0.00"), "Free first lesson for a new subject.")
      for subject, where in (("Mathematics", "small"), ("English", "small"),
                             ("Physics", "small"), ("Chemistry", "online"),
                             ("Biology", "small"), ("Computer Science", "small"))),
)


def plan_one_offs(rng: random.Random, mentors: list[Mentor], students: list[Student],
              grid: Grid, today: date, tz: str) -> list[SessionDraft]:
    """About twenty one-off sessions in the fortnight around ``today``, in cells left free."""
    days = [today + timedelta(days=n) for n in range(-7, 8)]
    weekly = [c for c in grid_cells() if c.weekday is not None and c.weekday < 5]
    z = zone(tz)
    drafts: list[SessionDraft] = []
    trialled: set[str] = set()
    for spec in ONE_OFFS:
        if spec.type is SessionType.INDIVIDUAL:
            cells = weekly  # trial lessons fit in the after-school timetable
        elif spec.where == "online":
            cells = [c for c in OFF_GRID if c.weekday is None]
        else:
            cells = [c for c in OFF_GRID if c.weekday is not None]
        options = [(d, c) for d in days for c in cells if spec.minutes <= c.minutes
                   and ((c.weekday is None and d.weekday() < 5) or c.weekday == d.weekday())]
        rng.shuffle(options)
        for day, cell in options:
            teachers = [m for m in mentors if m.subject == spec.subject
                        and grid.free(f"person:{m.email}", cell, day)]
            if not teachers:
                continue
            mentor = rng.choice(teachers)
            if spec.type is SessionType.INDIVIDUAL:  # someone new to the subject
                found = [s for s in students if spec.subject not in s.subjects
                         and s.email not in trialled and not s.remote
                         and grid.free(f"person:{s.email}", cell, day)]
                rng.shuffle(found)
                found.sort(key=lambda s: s.load)
            else:
                found = pick_students(rng, grid, students,
                                       None if spec.anyone else spec.subject, cell,
                                       band=spec.band, day=day, weekly_limit=False,
                                       remote=None if spec.where == "online" else False)
                found = [s for s in found if not s.remote or suits(s, cell, tz)]
            low, high = spec.size
            if len(found) < low:
                continue
            group = found[:rng.randint(low, min(high, len(found)))]
            room = {"hall": (HALL,), "lab": ("Lovelace Lab",), "group": GROUP_ROOMS,
                    "small": SMALL_ROOMS, "online": ()}[spec.where]
            chosen = free_room(grid, room, len(group), cell, day) if room else None
            if room and chosen is None:
                continue
            grid.take([f"person:{mentor.email}", *(f"person:{s.email}" for s in group),
                       *([f"room:{chosen}"] if chosen else [])], cell, day)
            trialled.update(s.email for s in group if spec.type is SessionType.INDIVIDUAL)
            title = spec.title if len(group) > 1 else f"{spec.title} — {group[0].name}"
            link = meeting = passcode = None
            if chosen is None:
                link, meeting, passcode = online_meeting(rng, slug(f"{title} {day}"))
            wall = datetime.combine(day, cell.start)
            if spec.cost is None or spec.cost == 0:
                paid = PaymentStatus.WAIVED
            else:
                paid = rng.choice((PaymentStatus.PAID, PaymentStatus.PAID, PaymentStatus.UNPAID))
            drafts.append(SessionDraft(
                title=title, mentor=mentor.email, start=localize(wall, z),
                end=localize(wall + timedelta(minutes=spec.minutes), z), tz=tz,
                students=tuple(sorted(s.email for s in group)), room=chosen,
                subject=spec.subject, type=spec.type, description=spec.description,
                location="Online" if chosen is None else None, link=link,
                meeting_id=meeting, passcode=passcode,
                max_participants=high if spec.type is not SessionType.INDIVIDUAL else None,
                cost=spec.cost, payment_status=paid))
            break
    return drafts


def term_name(start: date) -> str:
    season = {1: "Spring", 2: "Spring", 3: "Spring", 4: "Summer", 5: "Summer", 6: "Summer",
              7: "Summer", 8: "Summer"}.get(start.month, "Autumn")
    return f"{season} term {start.year}"


def first_week_drafts(lessons: list[Lesson], first_monday: date, tz: str,
                       term: str) -> list[SessionDraft]:
    """Each weekly lesson as booked in the term's first week; its series repeats it weekly."""
    z = zone(tz)
    drafts = []
    for lesson in lessons:
        day = first_monday + timedelta(days=lesson.cell.weekday or 0)
        wall = datetime.combine(day, lesson.cell.start)
        link, meeting, passcode = lesson.online or (None, None, None)
        drafts.append(SessionDraft(
            title=lesson.title, mentor=lesson.mentor, start=localize(wall, z),
            end=localize(wall + timedelta(minutes=lesson.minutes), z), tz=tz,
            students=lesson.students, room=lesson.room, subject=lesson.subject,
            type=lesson.type,
            description=f"Weekly {'1:1' if lesson.type is SessionType.INDIVIDUAL else 'group'} "
                        f"lesson ({lesson.band}), {term}",
            location="Online" if lesson.room is None else None, link=link,
            meeting_id=meeting, passcode=passcode))
    return drafts


# ---------------------------------------------------------------------------- the load
