"""Loading the demo centre through the public use cases, and what it loaded."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from ..core.domain.model import AttendanceStatus, Role, Session
from ..core.domain.timeutil import localize, zone
from .data import (
    ABSENT_NOTES,
    CANCEL_REASONS,
    CATEGORIES,
    EXCUSED_NOTES,
    FEEDBACK_TEXT,
    LATE_NOTES,
    MENTOR_NOTES,
    ROOMS,
    SUBJECTS,
    TERM_WEEKS,
    WEEKS_BEFORE_TODAY,
)
from .people import people
from .timetable import Grid, first_week_drafts, plan_one_offs, term_name, timetable

if TYPE_CHECKING:
    from ..core.centre import Centre

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
    return load(centre, today=today, tz=tz, seed=seed)


def load(centre: Centre, *, today: date, tz: str, seed: int) -> DemoSummary:
    z = zone(tz)
    rng = random.Random(seed)
    staff, mentors, students = people(rng, tz)
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

    grid = Grid()
    lessons = timetable(rng, mentors, students, grid, tz)
    first_monday = today - timedelta(days=today.weekday(), weeks=WEEKS_BEFORE_TODAY)
    one_offs = plan_one_offs(rng, mentors, students, grid, today, tz)
    term = term_name(first_monday)
    centre.calendar.add_term(term, first_monday, first_monday + timedelta(weeks=TERM_WEEKS, days=-1))
    booked: list[Session] = []
    for draft in first_week_drafts(lessons, first_monday, tz, term):
        # The demo's term began weeks ago: its history is recorded (past=True).
        booked += centre.series.create(draft, "FREQ=WEEKLY", term=term, notify=False,
                                       past=True).booked
    booked += centre.sessions.book_many(sorted(one_offs, key=lambda d: (d.start, d.mentor)),
                                        notify=False, past=True).booked

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
            counts["marks"] += len(attend(centre, session, fate, running=now))
            continue
        roll = fate.random()
        if roll < 0.05:
            centre.sessions.cancel(session.id, fate.choice(CANCEL_REASONS[session.type]),
                                   notify=False)
            counts["cancelled"] += 1
            continue
        if roll < 0.09 and now - session.end < timedelta(days=14):
            continue  # not yet reconciled by the front desk
        present = attend(centre, session, fate)
        counts["marks"] += len(session.students)
        # walks scheduled -> in progress -> completed; nobody is mailed about sample lessons
        centre.sessions.complete(session.id, notify=False)
        counts["completed"] += 1
        if fate.random() < 0.3:
            feedback(centre, session, present, fate)
            counts["feedback"] += 1

    return DemoSummary(
        admins=sum(p.role is Role.ADMIN for p in staff),
        staff=sum(p.role is Role.STAFF for p in staff), mentors=len(mentors), students=len(students),
        rooms=len(ROOMS), subjects=len(SUBJECTS), sessions=len(booked),
        weekly_lessons=len(lessons), one_offs=len(one_offs), completed=counts["completed"],
        cancelled=counts["cancelled"], in_progress=counts["in_progress"],
        scheduled=len(booked) - counts["completed"] - counts["cancelled"] - counts["in_progress"],
        attendance_marks=counts["marks"], feedback=counts["feedback"])


def attend(centre: Centre, session: Session, fate: random.Random, *,
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


def feedback(centre: Centre, session: Session, came: list[str], fate: random.Random) -> None:
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
