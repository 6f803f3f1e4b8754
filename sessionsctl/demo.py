"""The demo centre `sessionsctl init --demo` loads: people, rooms, subjects and a term of lessons.

Everything goes through the public use cases of :class:`~sessionsctl.core.centre.Centre`, so
the demo data is exactly what a user could have typed. The load is deterministic: the same
``seed`` and ``today`` give the same people and the same sessions (titles, times, people,
rooms) in any database; which of them are completed, cancelled or in progress then depends only
on the centre's clock.

The weekly timetable is conflict-free by construction. Lessons sit in the cells of a weekly grid
(weekdays 15:30-19:30 and Saturday 09:00-13:00, one hour each); a mentor teaches in a cell at
most once, and a room or a student is given to at most one lesson per cell, so no two lessons
of one mentor, student or room can ever meet. One-off sessions (workshops, exam preparation,
trial lessons) take cells the weekly grid leaves free on their date, or cells outside it
(weekend afternoons, weekday evenings), under the same one-holder-per-cell rule.
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from .core.domain.drafts import SessionDraft
from .core.domain.model import (
    AttendanceStatus,
    PaymentStatus,
    Role,
    Session,
    SessionType,
)
from .core.domain.timeutil import localize, zone

if TYPE_CHECKING:
    from .core.centre import Centre

__all__ = ["DOMAIN", "TERM_WEEKS", "DemoSummary", "load_demo"]

DOMAIN = "northfield-tutoring.example"
TERM_WEEKS = 14
WEEKS_BEFORE_TODAY = 6  # the term starts on the Monday this many weeks before today's week

SUBJECTS = ("Mathematics", "English", "Physics", "Chemistry", "Biology", "Computer Science")
# The mentors' specialisms: Mathematics and English are what most families ask for.
SPECIALISMS = ("Mathematics", "Mathematics", "Mathematics", "English", "English", "Physics",
               "Chemistry", "Biology", "Computer Science", "Physics")
# How likely a student is to take each subject.
INTEREST = {"Mathematics": 0.75, "English": 0.5, "Physics": 0.3, "Chemistry": 0.3,
            "Biology": 0.3, "Computer Science": 0.25}
ROOMS = (("Study Room 1", 2), ("Study Room 2", 2), ("Study Room 3", 2), ("Newton Room", 6),
         ("Curie Room", 8), ("Lovelace Lab", 10), ("Austen Room", 12), ("Main Hall", 30))
SMALL_ROOMS = tuple(name for name, seats in ROOMS if seats <= 2)
GROUP_ROOMS = tuple(name for name, seats in ROOMS if 2 < seats < 30)
HALL = "Main Hall"
SEATS = dict(ROOMS)
STUDENTS = 100
MAX_WEEKLY_LESSONS = 3  # per student
MAX_MENTOR_SLOTS = 7  # weekly lessons per mentor (each teaches 5 to 7)
REMOTE_ZONES = ("America/New_York", "Asia/Dubai", "America/Toronto", "Europe/Madrid")

FIRST_NAMES = (
    "Amelia", "Oliver", "Ananya", "Mohammed", "Zara", "Kwame", "Siobhán", "Chloé", "Isla", "Noah",
    "Aarav", "Freya", "Yusuf", "Grace", "Hiroshi", "Priya", "Jack", "Leila", "Tomasz", "Imogen",
    "Kofi", "Mei", "Harry", "Aisha", "Rory", "Sofia", "Dev", "Niamh", "Emeka", "Zoë", "Arjun",
    "Poppy", "Ibrahim", "Layla", "Callum", "Fatima", "Ethan", "Ruby", "Bilal", "Evie", "Oskar",
    "Amara", "Theo", "Hana", "Samuel", "Ines", "Rohan", "Maya", "Finley", "Nia", "Adebayo",
    "Elif", "George", "Jasmine", "Luca", "Saanvi", "Alfie", "Chidi", "Lily", "Kenji", "Eleanor",
    "Omar", "Martha", "Rahul", "Ffion", "Darius", "Esme", "Tariq", "Hannah", "Mateo", "Ava",
)
SURNAMES = (
    "Patel", "Okafor", "O'Connor", "Nguyen", "Smith", "Kowalski", "Begum", "Clarke-Jones",
    "Mensah", "Fraser", "Hussain", "Taylor", "Zhang", "Evans", "Chaudhry", "Murphy", "Adeyemi",
    "Wright", "Sato", "Khan", "MacLeod", "Nowak", "Ahmed", "Robinson", "Ferreira", "Singh",
    "Walsh", "Osei", "Bennett", "Rahman", "Kaur", "Lewis", "Abara", "Hughes", "Yilmaz", "Price",
    "Da Silva", "Campbell", "Iqbal", "Morgan", "Chen", "Doyle", "Ogunleye", "Shah", "Harrison",
    "Kim", "Reid", "Mahmood", "Baker", "Novak", "Thompson", "Ali", "Sharma", "Gallagher",
)

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
BANDS = {"KS3": (7, 8, 9), "GCSE": (10, 11), "A level": (12, 13)}
YEAR_WEIGHTS = {7: 7, 8: 9, 9: 12, 10: 20, 11: 24, 12: 15, 13: 13}

CANCEL_REASONS = {
    SessionType.INDIVIDUAL: ("Student unwell, parent phoned in the morning",
                             "Family holiday", "Mentor unwell",
                             "Student has a school concert"),
    SessionType.GROUP: ("Mentor unwell, no cover available", "Centre closed: heating failure",
                        "Room unavailable (water leak), lesson moved to next week"),
    SessionType.WORKSHOP: ("Too few sign-ups", "Guest speaker unavailable"),
}
LATE_NOTES = ("Bus delayed", "Traffic on the ring road", "Came straight from football practice",
              "School detention ran over", None)
ABSENT_NOTES = ("No message from family; front desk to follow up", None, None)
EXCUSED_NOTES = ("Dentist appointment", "School trip", "Unwell, parent emailed in advance",
                 "Mock exams at school this week")
CATEGORIES = ("clarity", "pace", "engagement")
FEEDBACK_TEXT = {
    5: ("Really clear explanations, I finally get it.",
        "Great session, loved the practice questions.", "Best lesson this term!", None),
    4: ("Helpful, but a bit fast at the end.", "Good lesson, would like more past papers.",
        "Useful worked examples.", None),
    3: ("OK, some parts were confusing.", "Fine, but the room was noisy.", None),
    2: ("Too fast for me, I got lost halfway.", "We ran out of time for my questions."),
    1: ("Did not find this useful.",),
}
MENTOR_NOTES = ("Good progress this week; set homework from chapter 4.",
                "Needs more practice on exam-style questions.",
                "Worked well as a group; revisit the last topic next week.")


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What :func:`load_demo` created."""

    admins: int
    staff: int
    mentors: int
    students: int
    rooms: int
    subjects: int
    sessions: int
    weekly_lessons: int  # lesson slots repeated every week of the term
    one_offs: int
    completed: int
    cancelled: int
    in_progress: int
    scheduled: int
    attendance_marks: int
    feedback: int

    @property
    def people(self) -> int:
        return self.admins + self.staff + self.mentors + self.students

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def describe(self) -> str:
        return (f"{self.people} people ({self.admins} admin, {self.staff} staff, "
                f"{self.mentors} mentors, {self.students} students), {self.rooms} rooms, "
                f"{self.subjects} subjects, {self.sessions} sessions ({self.completed} completed, "
                f"{self.cancelled} cancelled, {self.in_progress} in progress, "
                f"{self.scheduled} scheduled), {self.attendance_marks} attendance marks, "
                f"{self.feedback} feedback")


# ------------------------------------------------------------------------------- planning
@dataclass(frozen=True, slots=True)
class _Person:
    name: str
    email: str
    role: Role
    tz: str


@dataclass(slots=True)
class _Student:
    name: str
    email: str
    year: int
    subjects: tuple[str, ...]
    tz: str
    remote: bool
    load: int = 0  # weekly lessons so far

    @property
    def band(self) -> str:
        return next(b for b, years in BANDS.items() if self.year in years)


@dataclass(frozen=True, slots=True)
class _Mentor:
    name: str
    email: str
    subject: str


@dataclass(frozen=True, slots=True)
class _Cell:
    """A time of the week no other cell overlaps; ``weekday`` None means every Mon-Fri."""

    key: str
    weekday: int | None
    start: time
    minutes: int  # what fits in it


def _cells() -> list[_Cell]:
    """The weekly timetable: after school on weekdays, Saturday mornings."""
    cells = [_Cell(f"{WEEKDAYS[d][:3]} {h:02d}:{m:02d}", d, time(h, m), 60)
             for d in range(5) for h, m in ((15, 30), (16, 30), (17, 30), (18, 30))]
    cells += [_Cell(f"Sat {h:02d}:00", 5, time(h), 60) for h in (9, 10, 11, 12)]
    return cells


# Outside the weekly timetable: weekend afternoons and Sunday, and weekday evenings online.
OFF_GRID = (_Cell("Sat 13:30", 5, time(13, 30), 120), _Cell("Sat 16:00", 5, time(16), 120),
            _Cell("Sun 10:00", 6, time(10), 120), _Cell("Sun 13:00", 6, time(13), 120),
            _Cell("evening", None, time(19, 45), 90))


@dataclass(frozen=True, slots=True)
class _Lesson:
    """A weekly lesson: the same people in the same room at the same wall time every week."""

    title: str
    subject: str
    type: SessionType
    mentor: str
    students: tuple[str, ...]
    cell: _Cell
    minutes: int
    room: str | None
    band: str
    online: tuple[str, str, str] | None = None  # link, meeting id, passcode


def _ascii(text: str) -> str:
    text = text.replace("Ł", "L").replace("ł", "l")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum() or c == "-")


def _names(rng: random.Random, count: int) -> list[str]:
    pairs = [f"{f} {s}" for f in FIRST_NAMES for s in SURNAMES]
    return rng.sample(pairs, count)


def _email(name: str, used: set[str]) -> str:
    first, _, last = name.partition(" ")
    local = f"{_ascii(first)}.{_ascii(last)}"
    candidate, n = local, 1
    while candidate in used:
        n += 1
        candidate = f"{local}{n}"
    used.add(candidate)
    return f"{candidate}@{DOMAIN}"


def _online(rng: random.Random, slug: str) -> tuple[str, str, str]:
    meeting = f"{rng.randint(100, 999)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"
    passcode = "".join(rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(6))
    return f"https://meet.{DOMAIN}/{slug}", meeting, passcode


def _slug(text: str) -> str:
    return "-".join(filter(None, (_ascii(w) for w in text.split())))[:60]


class _Grid:
    """Who and what each cell holds: every week (the timetable) or on one date (one-offs)."""

    def __init__(self) -> None:
        self.weekly: dict[str, set[str]] = {}
        self.dated: dict[tuple[date, str], set[str]] = {}

    def free(self, key: str, cell: _Cell, day: date | None = None) -> bool:
        if key in self.weekly.get(cell.key, ()):
            return False
        return day is None or key not in self.dated.get((day, cell.key), ())

    def take(self, keys: list[str], cell: _Cell, day: date | None = None) -> None:
        held = self.weekly.setdefault(cell.key, set()) if day is None else \
            self.dated.setdefault((day, cell.key), set())
        assert not held.intersection(keys), (cell, day, held.intersection(keys))
        held.update(keys)


def _people(rng: random.Random, tz: str) -> tuple[list[_Person], list[_Mentor], list[_Student]]:
    names = _names(rng, 3 + len(SPECIALISMS) + STUDENTS)
    used: set[str] = set()
    staff = [_Person(names[0], _email(names[0], used), Role.ADMIN, tz)]
    staff += [_Person(n, _email(n, used), Role.STAFF, tz) for n in names[1:3]]
    specialisms = list(SPECIALISMS)
    rng.shuffle(specialisms)
    mentors = [_Mentor(n, _email(n, used), s) for n, s in zip(names[3:], specialisms)]
    remote = [z for z in REMOTE_ZONES if z != tz][:3]
    students: list[_Student] = []
    for i, name in enumerate(names[3 + len(mentors):]):
        year = rng.choices(list(YEAR_WEIGHTS), weights=list(YEAR_WEIGHTS.values()))[0]
        subjects = tuple(s for s in SUBJECTS if rng.random() < INTEREST[s]) or ("Mathematics",)
        if year <= 9:  # younger students come for one or two subjects
            subjects = subjects[:2]
        zone_name = remote[i // 33] if i % 33 == 32 else tz  # three remote students
        students.append(_Student(name, _email(name, used), year, subjects, zone_name,
                                 zone_name != tz))
    return staff, mentors, students


def _pick_students(rng: random.Random, grid: _Grid, students: list[_Student],
                   subject: str | None,
                   cell: _Cell, *, band: str | None = None, day: date | None = None,
                   weekly_limit: bool = True, remote: bool | None = False) -> list[_Student]:
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


def _suits(student: _Student, cell: _Cell, tz: str) -> bool:
    """Whether ``cell`` falls between 08:00 and 20:00 where the student lives."""
    monday = date(2026, 1, 5)  # a winter week: the hour only has to be roughly right
    wall = datetime.combine(monday + timedelta(days=cell.weekday or 0), cell.start)
    return 8 <= localize(wall, zone(tz)).astimezone(zone(student.tz)).hour < 20


def _free_room(grid: _Grid, rooms: tuple[str, ...], seats: int, cell: _Cell,
               day: date | None = None) -> str | None:
    """The smallest free room of ``rooms`` that seats ``seats``."""
    fitting = sorted((SEATS[r], r) for r in rooms
                     if SEATS[r] >= seats and grid.free(f"room:{r}", cell, day))
    return fitting[0][1] if fitting else None


def _timetable(rng: random.Random, mentors: list[_Mentor], students: list[_Student],
               grid: _Grid, tz: str) -> list[_Lesson]:
    """About six weekly lessons per mentor, placed in free cells of the weekly grid."""
    cells = _cells()
    lessons: list[_Lesson] = []
    titles: Counter[str] = Counter()
    by_mentor: dict[str, int] = {m.email: 0 for m in mentors}

    def place(mentor: _Mentor, cell: _Cell, group: list[_Student], kind: SessionType,
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
        online = _online(rng, _slug(title)) if room is None else None
        for s in group:
            s.load += 1
        grid.take([f"person:{mentor.email}", *(f"person:{s.email}" for s in group),
                   *([f"room:{room}"] if room else [])], cell)
        by_mentor[mentor.email] += 1
        lessons.append(_Lesson(title, mentor.subject, kind, mentor.email,
                               tuple(sorted(s.email for s in group)), cell, minutes, room, band,
                               online))

    # Remote students first: an online 1:1 at an hour that suits them.
    for student in (s for s in students if s.remote):
        for subject in student.subjects[:2]:
            teachers = [m for m in mentors if m.subject == subject]
            options = [(m, c) for m in teachers for c in cells]
            rng.shuffle(options)
            for mentor, cell in options:
                if (_suits(student, cell, tz) and by_mentor[mentor.email] < MAX_MENTOR_SLOTS
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
                room = _free_room(grid, SMALL_ROOMS, 1, cell)
                found = _pick_students(rng, grid, students, mentor.subject, cell)
                if room and found:
                    place(mentor, cell, found[:1], SessionType.INDIVIDUAL, room, found[0].band)
                continue
            bands = {b: _pick_students(rng, grid, students, mentor.subject, cell, band=b)
                     for b in BANDS}
            band = max(BANDS, key=lambda b: (len(bands[b]), rng.random()))
            size = min(rng.randint(3, 8), len(bands[band]))
            room = _free_room(grid, GROUP_ROOMS, size, cell)
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
class _OneOff:
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
    _OneOff("Exam technique workshop: GCSE English Language", "English", SessionType.WORKSHOP,
            "GCSE", 120, (12, 25), "hall", Decimal("20.00"),
            "Timed practice on Paper 1 and how the marks are given."),
    _OneOff("Python coding workshop: build a quiz game", "Computer Science",
            SessionType.WORKSHOP, None, 120, (6, 10), "lab", Decimal("15.00"),
            "Bring nothing: laptops provided. Beginners welcome."),
    _OneOff("UCAS personal statement clinic", "English", SessionType.WORKSHOP, "A level", 90,
            (8, 20), "online", Decimal("0.00"), "Bring a draft; we read them together.",
            anyone=True),
    _OneOff("Revision skills workshop", "Mathematics", SessionType.WORKSHOP, None, 120,
            (15, 28), "hall", Decimal("15.00"),
            "Planning revision, retrieval practice, past papers.", anyone=True),
    _OneOff("Practical chemistry: titration masterclass", "Chemistry", SessionType.WORKSHOP,
            None, 120, (5, 8), "group", Decimal("25.00"), "Required practicals, hands on."),
    _OneOff("Maths challenge: UKMT practice", "Mathematics", SessionType.WORKSHOP, "KS3", 120,
            (10, 24), "hall", Decimal("10.00"), "Puzzles and problems from past challenges."),
    _OneOff("GCSE Mathematics exam prep: Paper 2 (calculator)", "Mathematics", SessionType.GROUP,
            "GCSE", 90, (5, 10), "group", Decimal("30.00"), "Mock exam preparation."),
    _OneOff("A level Physics exam prep: electricity", "Physics", SessionType.GROUP, "A level",
            90, (3, 8), "group", Decimal("30.00"), "Mock exam preparation."),
    _OneOff("GCSE Biology exam prep: required practicals", "Biology", SessionType.GROUP, "GCSE",
            90, (4, 8), "group", Decimal("30.00"), "Mock exam preparation."),
    _OneOff("GCSE Chemistry exam prep: quantitative chemistry", "Chemistry", SessionType.GROUP,
            "GCSE", 90, (3, 8), "online", Decimal("25.00"), "Mock exam preparation, online."),
    _OneOff("A level Mathematics exam prep: mechanics", "Mathematics", SessionType.GROUP,
            "A level", 90, (3, 8), "group", Decimal("30.00"), "Mock exam preparation."),
    _OneOff("GCSE English Literature exam prep: An Inspector Calls", "English",
            SessionType.GROUP, "GCSE", 90, (4, 10), "online", Decimal("25.00"),
            "Themes, characters and quotations, online."),
    _OneOff("GCSE Computer Science exam prep: algorithms", "Computer Science", SessionType.GROUP,
            "GCSE", 90, (3, 8), "lab", Decimal("30.00"), "Searching, sorting and trace tables."),
    _OneOff("GCSE Physics exam prep: forces and motion", "Physics", SessionType.GROUP, "GCSE",
            90, (3, 8), "group", Decimal("30.00"), "Mock exam preparation."),
    *(_OneOff(f"Trial lesson: {subject}", subject, SessionType.INDIVIDUAL, None, 45, (1, 1),
              where, Decimal("0.00"), "Free first lesson for a new subject.")
      for subject, where in (("Mathematics", "small"), ("English", "small"),
                             ("Physics", "small"), ("Chemistry", "online"),
                             ("Biology", "small"), ("Computer Science", "small"))),
)


def _one_offs(rng: random.Random, mentors: list[_Mentor], students: list[_Student],
              grid: _Grid, today: date, tz: str) -> list[SessionDraft]:
    """About twenty one-off sessions in the fortnight around ``today``, in cells left free."""
    days = [today + timedelta(days=n) for n in range(-7, 8)]
    weekly = [c for c in _cells() if c.weekday is not None and c.weekday < 5]
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
                found = _pick_students(rng, grid, students,
                                       None if spec.anyone else spec.subject, cell,
                                       band=spec.band, day=day, weekly_limit=False,
                                       remote=None if spec.where == "online" else False)
                found = [s for s in found if not s.remote or _suits(s, cell, tz)]
            low, high = spec.size
            if len(found) < low:
                continue
            group = found[:rng.randint(low, min(high, len(found)))]
            room = {"hall": (HALL,), "lab": ("Lovelace Lab",), "group": GROUP_ROOMS,
                    "small": SMALL_ROOMS, "online": ()}[spec.where]
            chosen = _free_room(grid, room, len(group), cell, day) if room else None
            if room and chosen is None:
                continue
            grid.take([f"person:{mentor.email}", *(f"person:{s.email}" for s in group),
                       *([f"room:{chosen}"] if chosen else [])], cell, day)
            trialled.update(s.email for s in group if spec.type is SessionType.INDIVIDUAL)
            title = spec.title if len(group) > 1 else f"{spec.title} — {group[0].name}"
            link = meeting = passcode = None
            if chosen is None:
                link, meeting, passcode = _online(rng, _slug(f"{title} {day}"))
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


def _term_name(start: date) -> str:
    season = {1: "Spring", 2: "Spring", 3: "Spring", 4: "Summer", 5: "Summer", 6: "Summer",
              7: "Summer", 8: "Summer"}.get(start.month, "Autumn")
    return f"{season} term {start.year}"


def _first_week_drafts(lessons: list[_Lesson], first_monday: date, tz: str,
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
def load_demo(centre: Centre, *, today: date, tz: str = "Europe/London",
              seed: int = 7) -> DemoSummary:
    """Fill an empty centre with a realistic tutoring centre around ``today``.

    The weekly lessons are series of the term (``FREQ=WEEKLY``, bounded by the term), the
    rest one-off sessions. Loading queues no mail: nobody is told of sample lessons.
    Sessions that started before the centre's clock (and before the end of ``today``) are
    played out: most are completed with attendance for every student and sometimes feedback, a
    few are cancelled, a few recent ones are left scheduled for the front desk to reconcile,
    and those running now are in progress. Later sessions stay scheduled. Expects a centre with
    nobody in it yet, and an acting person (if any) allowed to add admins.
    """
    return _load(centre, today=today, tz=tz, seed=seed)


def _load(centre: Centre, *, today: date, tz: str, seed: int) -> DemoSummary:
    z = zone(tz)
    rng = random.Random(seed)
    staff, mentors, students = _people(rng, tz)
    for p in staff:
        centre.people.add_person(p.name, p.email, p.role, p.tz)
    for m in mentors:
        centre.people.add_person(m.name, m.email, Role.MENTOR, tz)
    for s in students:
        centre.people.add_person(s.name, s.email, Role.STUDENT, s.tz)
    for name, seats in ROOMS:
        centre.people.add_room(name, seats)
    for subject in SUBJECTS:
        centre.people.add_subject(subject)

    grid = _Grid()
    lessons = _timetable(rng, mentors, students, grid, tz)
    first_monday = today - timedelta(days=today.weekday(), weeks=WEEKS_BEFORE_TODAY)
    one_offs = _one_offs(rng, mentors, students, grid, today, tz)
    term = _term_name(first_monday)
    centre.calendar.add_term(term, first_monday, first_monday + timedelta(weeks=TERM_WEEKS, days=-1))
    booked: list[Session] = []
    for draft in _first_week_drafts(lessons, first_monday, tz, term):
        booked += centre.series.create(draft, "FREQ=WEEKLY", term=term, notify=False).booked
    booked += centre.sessions.book_many(sorted(one_offs, key=lambda d: (d.start, d.mentor)),
                                        notify=False).booked

    # What has happened so far: up to the clock, and never beyond the end of `today`.
    now = min(centre.clock(), localize(datetime.combine(today + timedelta(days=1), time()), z))
    counts: Counter[str] = Counter()
    for session in sorted(booked, key=lambda s: (s.start, s.mentor)):
        if session.start >= now:
            continue
        # One generator per session, so what happens to it does not depend on the clock.
        fate = random.Random(f"{seed}/{session.mentor}/{session.start.isoformat()}")
        if session.end > now:
            centre.sessions.begin(session.id)
            counts["in_progress"] += 1
            counts["marks"] += len(_attend(centre, session, fate, running=now))
            continue
        roll = fate.random()
        if roll < 0.05:
            centre.sessions.cancel(session.id, fate.choice(CANCEL_REASONS[session.type]),
                                   notify=False)
            counts["cancelled"] += 1
            continue
        if roll < 0.09 and now - session.end < timedelta(days=14):
            continue  # not yet reconciled by the front desk
        present = _attend(centre, session, fate)
        counts["marks"] += len(session.students)
        centre.sessions.complete(session.id)  # walks scheduled -> in progress -> completed
        counts["completed"] += 1
        if fate.random() < 0.3:
            _feedback(centre, session, present, fate)
            counts["feedback"] += 1

    return DemoSummary(
        admins=sum(p.role is Role.ADMIN for p in staff),
        staff=sum(p.role is Role.STAFF for p in staff), mentors=len(mentors), students=len(students),
        rooms=len(ROOMS), subjects=len(SUBJECTS), sessions=len(booked),
        weekly_lessons=len(lessons), one_offs=len(one_offs), completed=counts["completed"],
        cancelled=counts["cancelled"], in_progress=counts["in_progress"],
        scheduled=len(booked) - counts["completed"] - counts["cancelled"] - counts["in_progress"],
        attendance_marks=counts["marks"], feedback=counts["feedback"])


def _attend(centre: Centre, session: Session, fate: random.Random, *,
            running: datetime | None = None) -> list[str]:
    """Mark every student of a session that has started (``running`` is now, if it still
    runs); the students who came."""
    came = []
    for student in session.students:
        roll = fate.random()
        if running is not None:
            status = AttendanceStatus.LATE if roll < 0.1 else AttendanceStatus.PRESENT
        elif roll < 0.82:
            status = AttendanceStatus.PRESENT
        elif roll < 0.9:
            status = AttendanceStatus.LATE
        elif roll < 0.95:
            status = AttendanceStatus.ABSENT
        else:
            status = AttendanceStatus.EXCUSED
        note = check_in = check_out = None
        if status is AttendanceStatus.PRESENT:
            check_in = session.start - timedelta(minutes=fate.randint(0, 8))
        elif status is AttendanceStatus.LATE:
            check_in = session.start + timedelta(minutes=fate.randint(5, 20))
            note = fate.choice(LATE_NOTES)
        elif status is AttendanceStatus.ABSENT:
            note = fate.choice(ABSENT_NOTES)
        else:
            note = fate.choice(EXCUSED_NOTES)
        if check_in is not None:
            came.append(student)
            if running is not None:
                check_in = min(check_in, running)
            else:
                check_out = session.end + timedelta(minutes=fate.randint(0, 5))
        centre.attendance.mark(session.id, student, status, note=note, check_in=check_in,
                               check_out=check_out)
    return came


def _feedback(centre: Centre, session: Session, came: list[str], fate: random.Random) -> None:
    """A rating from a student who came, or now and then the mentor's own note."""
    if fate.random() < 0.2 or not came:
        author, rating = session.mentor, fate.choice((3, 4, 4, 5))
        text = fate.choice(MENTOR_NOTES)
    else:
        author = fate.choice(came)
        rating = fate.choices((5, 4, 3, 2, 1), weights=(45, 33, 15, 5, 2))[0]
        text = fate.choice(FEEDBACK_TEXT[rating])
    categories = {c: max(1, min(5, rating + fate.choice((-1, 0, 0, 1)))) for c in CATEGORIES}
    centre.feedback.add(session.id, author, rating, categories=categories, text=text)
