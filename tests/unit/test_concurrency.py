"""Racing terminals cannot double-book (ARCHITECTURE.md, decision 3).

Several processes book random, heavily overlapping slots at the same moment through
core.usecases.Centre; afterwards one SQL query proves that no two non-cancelled sessions of
one mentor, student or room overlap. On SQLite writers take the lock up front (BEGIN
IMMEDIATE); on PostgreSQL the exclusion constraints are the final guard, and a booking that
loses to them is checked again and refused as an ordinary conflict.

A failure prints each process's seed; rerun with SESSIONSCTL_RACE_SEED=<base seed> to draw the
same bookings again (the interleaving itself is up to the operating system).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from sessionsctl.core.errors import ConflictError
from sessionsctl.core.model import Role
from sessionsctl.core.ports import SessionDraft, SessionQuery
from sessionsctl.core.usecases import Centre
from sessionsctl.store.engine import EXCLUSION_VIOLATION, SqlStore
from sessionsctl.store.unit import SqlUnit

BOOKER = Path(__file__).with_name("_booker.py")
PROCESSES = 8
ATTEMPTS = 25
SAME_SLOT_ROUNDS = 4
BASE_SEED = int(os.environ.get("SESSIONSCTL_RACE_SEED", "20261122"))
BASE = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)
GRID_SLOTS = 16  # starts every 15 minutes over four hours

MENTORS = [f"mentor{i}@centre.test" for i in range(3)]
STUDENTS = [f"student{i}@centre.test" for i in range(5)]
ROOMS = ["Attic", "Hall"]

# Every pair of live sessions that overlap (half-open) and share a room or a person, whatever
# part the person plays in each (mentor or student). Plain SQL that SQLite and PostgreSQL both
# run: SQLite keeps instants as fixed-width UTC text, which compares like the instants.
CLASHES = text("""
WITH live AS (
    SELECT id, start_at, end_at, room_id FROM sessions WHERE status <> 'cancelled'
), part AS (
    SELECT id AS session_id, mentor_id AS person_id FROM sessions
    UNION ALL
    SELECT session_id, student_id FROM session_students
), pairs AS (
    SELECT a.id AS a_id, b.id AS b_id, a.room_id AS a_room, b.room_id AS b_room
    FROM live a JOIN live b
      ON a.id < b.id AND a.start_at < b.end_at AND b.start_at < a.end_at
)
SELECT p.a_id, p.b_id, 'room' AS shared, p.a_room AS what
FROM pairs p WHERE p.a_room = p.b_room
UNION ALL
SELECT p.a_id, p.b_id, 'person', pa.person_id
FROM pairs p
JOIN part pa ON pa.session_id = p.a_id
JOIN part pb ON pb.session_id = p.b_id AND pb.person_id = pa.person_id
ORDER BY 1, 2
""")

# The students' copy of each session's interval and state, which the PostgreSQL student
# constraint judges, must agree with the session itself.
STALE_STUDENT_ROWS = text("""
SELECT ss.session_id, ss.student_id FROM session_students ss
JOIN sessions s ON s.id = ss.session_id
WHERE ss.start_at <> s.start_at OR ss.end_at <> s.end_at
   OR ss.cancelled <> (s.status = 'cancelled') OR ss.forced <> (s.force_reason IS NOT NULL)
""")


@pytest.fixture
def seeded(centre: Centre) -> Centre:
    for email in MENTORS:
        centre.add_person(email.split("@")[0].title(), email, Role.MENTOR)
    for email in STUDENTS:
        centre.add_person(email.split("@")[0].title(), email, Role.STUDENT)
    for room in ROOMS:
        centre.add_room(room, 10)
    return centre


def race(db_url: str, tmp_path: Path, mode: str, attempts: int,
         cancel_rate: float = 0.0) -> list[dict[str, Any]]:
    """Start PROCESSES bookers, release them together, and return their reports."""
    go = tmp_path / "go"
    plans = [{
        "url": db_url, "index": i, "seed": BASE_SEED * 1000 + i, "mode": mode,
        "attempts": attempts, "cancel_rate": cancel_rate, "mentors": MENTORS,
        "students": STUDENTS, "rooms": ROOMS, "base": BASE.isoformat(),
        "grid_slots": GRID_SLOTS, "ready": str(tmp_path / f"ready{i}"), "go": str(go),
        "wait_s": 60,
    } for i in range(PROCESSES)]
    procs = [subprocess.Popen([sys.executable, str(BOOKER), json.dumps(plan)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for plan in plans]
    try:
        deadline = time.monotonic() + 60
        while not all(Path(p["ready"]).exists() for p in plans):
            dead = [p for p in procs if p.poll() is not None]
            if dead or time.monotonic() > deadline:
                out, err = (dead[0].communicate() if dead else ("", "timed out"))
                pytest.fail(f"a booker did not get ready: {out}\n{err}")
            time.sleep(0.01)
        go.touch()
        reports = []
        for proc, plan in zip(procs, plans, strict=True):
            out, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, f"booker {plan['index']} failed:\n{err}"
            reports.append(json.loads(out.strip().splitlines()[-1]))
        return reports
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()


def errors_of(reports: list[dict[str, Any]]) -> str:
    return "\n".join(f"process {r['index']} (seed {r['seed']}): {r['error_count']} error(s)\n"
                     + "\n".join(r["errors"]) for r in reports if r["error_count"])


def test_racing_processes_never_double_book(seeded: Centre, db_url: str, tmp_path: Path,
                                            backend: str) -> None:
    started = time.monotonic()
    reports = race(db_url, tmp_path, "random", ATTEMPTS, cancel_rate=0.1)
    elapsed = time.monotonic() - started
    booked = [i for r in reports for i in r["booked"]]
    cancelled = [i for r in reports for i in r["cancelled"]]
    refused = sum(r["refused"] for r in reports)
    print(f"{backend}: {len(booked)} booked, {refused} refused, {len(cancelled)} cancelled, "
          f"{sum(r['guard_caught'] for r in reports)} caught by the database's guard, "
          f"by {PROCESSES} processes in {elapsed:.1f} s "
          f"(slowest {max(r['seconds'] for r in reports):.1f} s after the start)")

    assert not errors_of(reports), errors_of(reports)
    assert len(booked) + len(cancelled) + refused == PROCESSES * ATTEMPTS
    assert refused > 0, "nothing was refused: the processes did not really compete"
    assert len(booked) > PROCESSES, "too few bookings to say anything"

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            clashes = conn.execute(CLASHES).all()
            ids = sorted(conn.execute(text("SELECT id FROM sessions")).scalars())
            gone = sorted(conn.execute(
                text("SELECT id FROM sessions WHERE status = 'cancelled'")).scalars())
            stale = conn.execute(STALE_STUDENT_ROWS).all()
    finally:
        engine.dispose()
    assert clashes == [], f"double bookings (a, b, shared, room or person id): {clashes}"
    assert ids == sorted(booked), "the table holds other sessions than the processes booked"
    assert gone == sorted(cancelled)
    assert stale == []


def test_one_slot_one_winner(seeded: Centre, db_url: str, tmp_path: Path,
                             backend: str) -> None:
    """Every process asks for the same hour of the same mentor, in SAME_SLOT_ROUNDS rounds."""
    reports = race(db_url, tmp_path, "same", SAME_SLOT_ROUNDS)
    assert not errors_of(reports), errors_of(reports)
    booked = [i for r in reports for i in r["booked"]]
    refused = sum(r["refused"] for r in reports)
    print(f"{backend}: {len(booked)} booked, {refused} refused, "
          f"{sum(r['guard_caught'] for r in reports)} caught by the database's guard, "
          f"slowest process {max(r['seconds'] for r in reports):.1f} s after the start")
    assert len(booked) == SAME_SLOT_ROUNDS
    assert refused == (PROCESSES - 1) * SAME_SLOT_ROUNDS
    sessions = seeded.list_sessions(SessionQuery())
    assert sorted(s.id for s in sessions) == sorted(booked)
    assert [s.start for s in sorted(sessions, key=lambda s: s.start)] == [
        BASE + timedelta(hours=2 * n) for n in range(SAME_SLOT_ROUNDS)]


# ------------------------------------------------------------ the PostgreSQL guard itself

def _draft(start: datetime, *, mentor: str = MENTORS[0], minutes: int = 60,
           **fields: Any) -> SessionDraft:
    return SessionDraft(title="Lesson", mentor=mentor, start=start,
                        end=start + timedelta(minutes=minutes), tz="UTC", **fields)


COPY_SESSION = """
INSERT INTO sessions (uid, series_id, recurrence_id, title, description, mentor_id,
    subject_id, room_id, batch_id, type, status, start_at, end_at, tz, location, meeting_link,
    meeting_id, meeting_passcode, max_participants, notes, cost, payment_status, cancel_reason,
    force_reason, sequence, created_by_id, created_at, modified_by_id, modified_at)
SELECT uid || '-copy', series_id, recurrence_id, title, description, {mentor}, subject_id,
    {room}, batch_id, type, status, start_at + interval '30 minutes',
    end_at + interval '30 minutes', tz, location, meeting_link, meeting_id, meeting_passcode,
    max_participants, notes, cost, payment_status, cancel_reason, {force}, sequence,
    created_by_id, created_at, modified_by_id, modified_at
FROM sessions WHERE id = :id
RETURNING id
"""


def _person_id(conn: Any, email: str) -> int:
    return conn.execute(text("SELECT id FROM people WHERE email = :e"), {"e": email}).scalar_one()


@pytest.mark.parametrize("shared", ["mentor", "room", "student"])
def test_postgres_exclusion_constraint_refuses_a_direct_overlap(
        seeded: Centre, db_url: str, backend: str, shared: str) -> None:
    if backend != "postgresql":
        pytest.skip("the exclusion constraints exist on PostgreSQL only; SQLite serialises "
                    "writers with BEGIN IMMEDIATE instead")
    first = seeded.book(_draft(BASE, students=(STUDENTS[0],), room=ROOMS[0])).session
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            other_mentor = _person_id(conn, MENTORS[1])
            other_room = conn.execute(text("SELECT id FROM rooms WHERE name = :n"),
                                      {"n": ROOMS[1]}).scalar_one()
            mentor = "mentor_id" if shared == "mentor" else str(other_mentor)
            room = "room_id" if shared == "room" else str(other_room)

            def copy(force: str = "force_reason") -> int:
                return conn.execute(text(COPY_SESSION.format(mentor=mentor, room=room,
                                                             force=force)),
                                    {"id": first.id}).scalar_one()

            if shared == "student":
                # The copy shares nothing in `sessions`; its student row is what clashes.
                copy_id = copy()
                with pytest.raises(IntegrityError) as caught:
                    conn.execute(text(
                        "INSERT INTO session_students (session_id, student_id, start_at, end_at,"
                        " cancelled, forced) SELECT :copy, student_id, start_at + interval"
                        " '30 minutes', end_at + interval '30 minutes', cancelled, forced"
                        " FROM session_students WHERE session_id = :id"),
                        {"copy": copy_id, "id": first.id})
            else:
                with pytest.raises(IntegrityError) as caught:
                    copy()
            assert getattr(caught.value.orig, "sqlstate", None) == EXCLUSION_VIOLATION
            assert f"ex_session{'_students_student' if shared == 'student' else 's_' + shared}" \
                   "_overlap" in str(caught.value.orig)
            conn.rollback()
            # A forced row is outside the guard (staff may override with a reason).
            copy(force="'cover'")
            conn.rollback()
    finally:
        engine.dispose()


def test_postgres_booking_that_loses_to_the_constraint_is_an_ordinary_conflict(
        seeded: Centre, store: SqlStore, backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check passes (the rival had not committed when we looked), the insert hits the
    constraint: the user sees a ConflictError naming the rival, never a database error."""
    if backend != "postgresql":
        pytest.skip("the exclusion constraints exist on PostgreSQL only; on SQLite the check "
                    "and the write cannot be separated by another writer")
    rival = seeded.book(_draft(BASE, students=(STUDENTS[0],), room=ROOMS[0])).session
    real = SqlUnit.overlapping
    calls: list[str] = []

    def blind_once(self: SqlUnit, *args: Any, **kwargs: Any) -> Any:
        calls.append("check")
        return [] if len(calls) == 1 else real(self, *args, **kwargs)

    monkeypatch.setattr(SqlUnit, "overlapping", blind_once)
    with pytest.raises(ConflictError) as caught:
        seeded.book(_draft(BASE + timedelta(minutes=30)))
    assert len(calls) == 2, "the booking was not checked again after the guard caught it"
    assert [(c.kind, c.with_.id) for c in caught.value.conflicts] == [("mentor", rival.id)]
    assert [s.id for s in seeded.list_sessions(SessionQuery())] == [rival.id]
    # The same for a student and for a room, the other two guards.
    calls.clear()
    with pytest.raises(ConflictError) as caught:
        seeded.book(_draft(BASE + timedelta(minutes=30), mentor=MENTORS[1],
                           students=(STUDENTS[0],)))
    assert [c.kind for c in caught.value.conflicts] == ["student"]
    calls.clear()
    with pytest.raises(ConflictError) as caught:
        seeded.book(_draft(BASE + timedelta(minutes=30), mentor=MENTORS[1], room=ROOMS[0]))
    assert [c.kind for c in caught.value.conflicts] == ["room"]
