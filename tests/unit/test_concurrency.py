"""Racing terminals cannot double-book (ARCHITECTURE.md, decision 3).

Several processes book random, heavily overlapping slots at the same moment through
core.centre.Centre; afterwards one SQL query proves that no two non-cancelled sessions of
one mentor, student or room overlap. On SQLite writers take the lock up front (BEGIN
IMMEDIATE); on PostgreSQL the exclusion constraints are the final guard, and a booking that
loses to them is checked again and refused as an ordinary conflict.

Two ways a PostgreSQL race used to leak a raw error are reproduced every time by the tests at
the end: two bookings deadlocking at the exclusion constraints, and a booking the guard catches
more than once. Any error at all in the races, or any clash, fails.

A failure prints the seeds; rerun with SESSIONSCTL_RACE_SEED=<base seed> to draw the same
bookings again (the interleaving itself is up to the operating system). For a longer soak,
SESSIONSCTL_RACE_PROCESSES and SESSIONSCTL_RACE_ATTEMPTS raise the 8 processes x 25 attempts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft, SessionQuery
from sessionsctl.core.domain.errors import ConflictError, Contended
from sessionsctl.core.domain.model import Role
from sessionsctl.store.engine import EXCLUSION_VIOLATION, SqlStore
from sessionsctl.store.repos.sessions import SqlSessions

BOOKER = Path(__file__).with_name("_booker.py")
PROCESSES = int(os.environ.get("SESSIONSCTL_RACE_PROCESSES", "8"))
ATTEMPTS = int(os.environ.get("SESSIONSCTL_RACE_ATTEMPTS", "25"))
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
        centre.people.add_person(email.split("@")[0].title(), email, Role.MENTOR)
    for email in STUDENTS:
        centre.people.add_person(email.split("@")[0].title(), email, Role.STUDENT)
    for room in ROOMS:
        centre.people.add_room(room, 10)
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


def no_errors(reports: list[dict[str, Any]]) -> None:
    """Every booking ended booked or refused: no database error, no Contended, reached a user."""
    assert not any(r["error_count"] for r in reports), errors_of(reports)


def errors_of(reports: list[dict[str, Any]]) -> str:
    return "\n".join(f"process {r['index']} (SESSIONSCTL_RACE_SEED={BASE_SEED}, seed {r['seed']}): "
                     f"{r['error_count']} error(s)\n"
                     + "\n".join(r["errors"]) for r in reports if r["error_count"])


def summary(backend: str, reports: list[dict[str, Any]], elapsed: float) -> str:
    """One line of figures (shown with -s, or with -rA among the captured output)."""
    total = {key: sum(len(r[key]) if isinstance(r[key], list) else r[key] for r in reports)
             for key in ("booked", "refused", "cancelled", "guard_caught", "error_count")}
    return (f"{backend}: {total['booked']} booked, {total['refused']} refused, "
            f"{total['cancelled']} cancelled, {total['error_count']} errors; "
            f"{total['guard_caught']} caught by the database's guard and checked again; "
            f"{PROCESSES} processes, {elapsed:.1f} s in all, the race itself "
            f"{max(r['seconds'] for r in reports):.1f} s")


def test_racing_processes_never_double_book(seeded: Centre, db_url: str, tmp_path: Path,
                                            backend: str) -> None:
    """PROCESSES processes x ATTEMPTS random bookings (and a few cancellations) at once."""
    started = time.monotonic()
    reports = race(db_url, tmp_path, "random", ATTEMPTS, cancel_rate=0.1)
    print(summary(backend, reports, time.monotonic() - started))
    booked = [i for r in reports for i in r["booked"]]
    cancelled = [i for r in reports for i in r["cancelled"]]
    refused = sum(r["refused"] for r in reports)
    no_errors(reports)
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
    assert clashes == [], (f"double bookings (a, b, shared, room or person id) with "
                           f"SESSIONSCTL_RACE_SEED={BASE_SEED}: {clashes}")
    assert ids == sorted(booked), "the table holds other sessions than the processes booked"
    assert gone == sorted(cancelled)
    assert stale == []


def test_one_slot_one_winner(seeded: Centre, db_url: str, tmp_path: Path,
                             backend: str) -> None:
    """Every process asks for the same hour of the same mentor, in SAME_SLOT_ROUNDS rounds:
    each round has exactly one winner."""
    started = time.monotonic()
    reports = race(db_url, tmp_path, "same", SAME_SLOT_ROUNDS)
    print(summary(backend, reports, time.monotonic() - started))
    booked = [i for r in reports for i in r["booked"]]
    refused = sum(r["refused"] for r in reports)
    no_errors(reports)
    assert len(booked) == SAME_SLOT_ROUNDS
    assert refused == (PROCESSES - 1) * SAME_SLOT_ROUNDS
    sessions = seeded.sessions.find(SessionQuery())
    assert sorted(s.id for s in sessions) == sorted(booked)
    assert sorted(s.start for s in sessions) == [
        BASE + timedelta(hours=2 * n) for n in range(SAME_SLOT_ROUNDS)]


# ------------------------------------------------------------ the PostgreSQL guard itself

def _draft(start: datetime, *, mentor: str = MENTORS[0], minutes: int = 60,
           title: str = "Lesson", **fields: Any) -> SessionDraft:
    return SessionDraft(title=title, mentor=mentor, start=start,
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
    """Bypassing the use cases, a row overlapping a live session of the same mentor, room or
    student is refused by the database itself; a forced row is let through."""
    if backend != "postgresql":
        pytest.skip("the exclusion constraints exist on PostgreSQL only; SQLite serialises "
                    "writers with BEGIN IMMEDIATE instead")
    first = seeded.sessions.book(_draft(BASE, students=(STUDENTS[0],), room=ROOMS[0])).session
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            other_mentor = _person_id(conn, MENTORS[1])
            other_room = conn.execute(text("SELECT id FROM rooms WHERE name = :n"),
                                      {"n": ROOMS[1]}).scalar_one()

            def overlap(forced: bool) -> None:
                """Copy ``first`` half an hour later, sharing only ``shared`` with it."""
                copy_id = conn.execute(text(COPY_SESSION.format(
                    mentor="mentor_id" if shared == "mentor" else other_mentor,
                    room="room_id" if shared == "room" else other_room,
                    force="'cover'" if forced and shared != "student" else "force_reason")),
                    {"id": first.id}).scalar_one()
                if shared == "student":
                    conn.execute(text(
                        "INSERT INTO session_students (session_id, student_id, start_at, end_at,"
                        " cancelled, forced) SELECT :copy, student_id, start_at + interval"
                        " '30 minutes', end_at + interval '30 minutes', cancelled, :forced"
                        " FROM session_students WHERE session_id = :id"),
                        {"copy": copy_id, "id": first.id, "forced": forced})

            with pytest.raises(IntegrityError) as caught:
                overlap(forced=False)
            assert getattr(caught.value.orig, "sqlstate", None) == EXCLUSION_VIOLATION
            name = ("ex_session_students_student_overlap" if shared == "student"
                    else f"ex_sessions_{shared}_overlap")
            assert name in str(caught.value.orig)
            conn.rollback()
            overlap(forced=True)  # staff may override with a reason: outside the guard
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
    rival = seeded.sessions.book(_draft(BASE, students=(STUDENTS[0],), room=ROOMS[0])).session
    real = SqlSessions.overlapping
    calls: list[str] = []

    def blind_once(self: SqlSessions, *args: Any, **kwargs: Any) -> Any:
        calls.append("check")
        return [] if len(calls) == 1 else real(self, *args, **kwargs)

    monkeypatch.setattr(SqlSessions, "overlapping", blind_once)
    with pytest.raises(ConflictError) as caught:
        seeded.sessions.book(_draft(BASE + timedelta(minutes=30)))
    assert len(calls) == 2, "the booking was not checked again after the guard caught it"
    assert [(c.kind, c.with_.id) for c in caught.value.conflicts] == [("mentor", rival.id)]
    assert [s.id for s in seeded.sessions.find(SessionQuery())] == [rival.id]
    # The same for a student and for a room, the other two guards.
    calls.clear()
    with pytest.raises(ConflictError) as caught:
        seeded.sessions.book(_draft(BASE + timedelta(minutes=30), mentor=MENTORS[1],
                           students=(STUDENTS[0],)))
    assert [c.kind for c in caught.value.conflicts] == ["student"]
    calls.clear()
    with pytest.raises(ConflictError) as caught:
        seeded.sessions.book(_draft(BASE + timedelta(minutes=30), mentor=MENTORS[1], room=ROOMS[0]))
    assert [c.kind for c in caught.value.conflicts] == ["room"]


def test_postgres_booking_caught_twice_by_the_guard_is_still_an_ordinary_conflict(
        seeded: Centre, backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two rivals in a row commit a clashing slot just after our check: the guard catches the
    booking, the retry checks (the second rival not committed yet) and is caught again. A
    third look sees them; the user must get that conflict, not Contended."""
    if backend != "postgresql":
        pytest.skip("without the PostgreSQL guard a blinded check would simply double-book")
    rival = seeded.sessions.book(_draft(BASE, room=ROOMS[0])).session
    real = SqlSessions.overlapping
    calls: list[str] = []

    def blind_twice(self: SqlSessions, *args: Any, **kwargs: Any) -> Any:
        calls.append("check")
        return [] if len(calls) <= 2 else real(self, *args, **kwargs)

    monkeypatch.setattr(SqlSessions, "overlapping", blind_twice)
    try:
        seeded.sessions.book(_draft(BASE + timedelta(minutes=30)))
    except ConflictError as exc:
        assert [(c.kind, c.with_.id) for c in exc.conflicts] == [("mentor", rival.id)]
    except Contended as exc:
        pytest.fail(f"Contended escaped after {len(calls)} checks: {exc}")
    else:
        pytest.fail("the clashing booking was written")


PAUSE_TITLE = "race test: pause"
PAUSE_S = 0.5


def test_postgres_crossing_bulk_bookings_end_in_a_conflict_not_a_deadlock(
        seeded: Centre, store: SqlStore, db_url: str, backend: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two bulk bookings (think two CSV imports) check at the same moment, find the mentor
    free, and insert the same two slots in opposite order: A books X then Y, B books Y then X.
    Each then waits at the exclusion constraint for the other's uncommitted row, PostgreSQL
    breaks the deadlock by aborting one of them, and that one must still be told "conflict"."""
    if backend != "postgresql":
        pytest.skip("SQLite writers take the lock before they check (BEGIN IMMEDIATE): two "
                    "bookings cannot both pass the check, so they cannot deadlock")
    # A row titled PAUSE_TITLE takes PAUSE_S to insert, so each batch's first row is in the
    # index before the other batch reaches its last row. Without it the same deadlock happens
    # about half the time with a few hundred rows per batch between the crossing slots.
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text(f"""
            CREATE FUNCTION race_pause() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.title = '{PAUSE_TITLE}' THEN PERFORM pg_sleep({PAUSE_S}); END IF;
                RETURN NEW;
            END $$"""))
        conn.execute(text("CREATE TRIGGER race_pause BEFORE INSERT ON sessions "
                          "FOR EACH ROW EXECUTE FUNCTION race_pause()"))
    # Both batches are checked before either inserts: the two terminals look at the same time.
    both_checked = threading.Barrier(2)
    real_insert = SqlSessions.insert
    first_inserts = iter(range(2))

    def insert_together(self: SqlSessions, rows: Any) -> Any:
        if next(first_inserts, None) is not None:  # not again on a retry
            both_checked.wait(timeout=10)
        return real_insert(self, rows)

    monkeypatch.setattr(SqlSessions, "insert", insert_together)
    x, y = BASE, BASE + timedelta(hours=3)
    batches = {
        "a": [_draft(x), _draft(BASE + timedelta(days=1), title=PAUSE_TITLE), _draft(y)],
        "b": [_draft(y), _draft(BASE + timedelta(days=2), title=PAUSE_TITLE), _draft(x)],
    }
    outcome: dict[str, str] = {}

    def book(name: str) -> None:
        try:
            Centre(store).sessions.book_many(batches[name])
            outcome[name] = "booked"
        except ConflictError:
            outcome[name] = "conflict"
        except Exception as exc:  # noqa: BLE001 - the point is what escapes
            outcome[name] = f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"

    threads = [threading.Thread(target=book, args=(name,)) for name in batches]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP TRIGGER race_pause ON sessions"))
            conn.execute(text("DROP FUNCTION race_pause()"))
        engine.dispose()
    assert sorted(outcome.values()) == ["booked", "conflict"], outcome
    winner = next(name for name, result in outcome.items() if result == "booked")
    stored = seeded.sessions.find(SessionQuery())
    assert sorted(s.start for s in stored) == sorted(d.start for d in batches[winner])
