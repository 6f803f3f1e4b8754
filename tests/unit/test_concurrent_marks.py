"""Terminals marking the same student, or giving the same feedback, at the same moment: the
last writer wins, no one gets an error, and the audit says which mark each write replaced.

Each writer is a thread with its own store (its own connection and transaction). On PostgreSQL
the writers are held at a barrier after they have checked everything and just before they
write, so all of them find no mark yet and then write together: the race the old update-then-
insert lost every time ("duplicate key ... from another terminal", exit 2). SQLite writers take
the database's write lock before they read (BEGIN IMMEDIATE), so they cannot meet there; the
same tests run on it without the barrier.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, select

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft
from sessionsctl.core.domain.model import AttendanceStatus, Role
from sessionsctl.store import open_store
from sessionsctl.store.engine import SqlStore
from sessionsctl.store.repos.attendance import SqlAttendance
from sessionsctl.store.schema import audit_table

WRITERS = 8
START = datetime(2027, 3, 1, 14, tzinfo=UTC)
NOW = START + timedelta(minutes=30)
MENTOR, SAM, KIM = "ada@centre.test", "sam@centre.test", "kim@centre.test"
STATUSES = [AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT,
            AttendanceStatus.EXCUSED]


@pytest.fixture
def lesson(centre: Centre) -> int:
    centre.people.add_person("Ada", MENTOR, Role.MENTOR)
    centre.people.add_person("Sam", SAM, Role.STUDENT)
    centre.people.add_person("Kim", KIM, Role.STUDENT)
    return centre.sessions.book(SessionDraft(
        title="Algebra", mentor=MENTOR, students=(SAM, KIM), start=START,
        end=START + timedelta(hours=1), tz="UTC")).session.id


@pytest.fixture
def writers(db_url: str) -> Iterator[list[Centre]]:
    stores = [open_store(db_url) for _ in range(WRITERS)]
    yield [Centre(s, clock=lambda: NOW) for s in stores]
    for s in stores:
        s.close()


@pytest.fixture
def together(backend: str, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, int], None]:
    """``together(method, n)``: the next ``n`` calls of SqlAttendance.``method`` wait for each
    other before they write (PostgreSQL only: on SQLite one writer holds the database)."""

    def hold(method: str, n: int) -> None:
        if backend != "postgresql":
            return
        barrier = threading.Barrier(n)
        real = getattr(SqlAttendance, method)

        def at_once(self: SqlAttendance, *args: Any) -> Any:
            barrier.wait(timeout=30)
            return real(self, *args)

        monkeypatch.setattr(SqlAttendance, method, at_once)

    return hold


def run_all(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run each call in a thread of its own, all at once; what each returned or raised."""
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            results[i] = calls[i]()
        except Exception as exc:  # noqa: BLE001 - the point is what escapes
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def audit(db_url: str, action: str) -> list[tuple[Any, Any]]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(audit_table.c.before, audit_table.c.after)
                                .where(audit_table.c.action == action).order_by(audit_table.c.id)).all()
    finally:
        engine.dispose()
    return [(r.before, r.after) for r in rows]


def one_chain(records: list[tuple[Any, Any]], key: str) -> list[Any]:
    """The writes recorded, in the order they replaced each other: the first replaced nothing,
    each other replaced exactly the one before it. Their ``key`` values in that order."""
    firsts = [after for before, after in records if before is None]
    assert len(firsts) == 1, f"{len(firsts)} writes say they wrote the first: {records}"
    by_before = {str(sorted(before.items())): after for before, after in records if before}
    assert len(by_before) == len(records) - 1, f"two writes replaced the same one: {records}"
    chain = [firsts[0]]
    while str(sorted(chain[-1].items())) in by_before:
        chain.append(by_before[str(sorted(chain[-1].items()))])
    assert len(chain) == len(records), f"the audit is not one chain of writes: {records}"
    return [after[key] for after in chain]


def test_first_marks_of_one_student_at_once_all_succeed_and_the_last_wins(
        lesson: int, writers: list[Centre], together: Callable[[str, int], None],
        db_url: str) -> None:
    together("set_mark", WRITERS)
    notes = [f"terminal {i}" for i in range(WRITERS)]
    results = run_all([
        lambda c=c, i=i: c.attendance.mark(lesson, SAM, STATUSES[i % 4], note=notes[i])
        for i, c in enumerate(writers)])
    assert not [r for r in results if isinstance(r, Exception)], results
    [stored] = [m for m in writers[0].attendance.marks(lesson) if m.student == SAM]
    order = one_chain(audit(db_url, "attendance"), "note")
    assert sorted(order) == sorted(notes) and stored.note == order[-1]


def test_feedback_of_one_author_at_once_all_succeeds_and_the_last_wins(
        lesson: int, writers: list[Centre], together: Callable[[str, int], None],
        db_url: str) -> None:
    together("set_feedback", WRITERS)
    texts = [f"terminal {i}" for i in range(WRITERS)]
    results = run_all([lambda c=c, i=i: c.feedback.add(lesson, SAM, 1 + i % 5, text=texts[i])
                       for i, c in enumerate(writers)])
    assert not [r for r in results if isinstance(r, Exception)], results
    order = one_chain(audit(db_url, "feedback"), "text")
    assert sorted(order) == sorted(texts)
    with writers[0].ctx.read() as uow:
        assert [(f.author, f.text) for f in uow.attendance.feedback(lesson)] == [(SAM, order[-1])]


def test_mark_the_rest_never_overwrites_a_mark_given_at_the_same_moment(
        lesson: int, writers: list[Centre], together: Callable[[str, int], None],
        backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """One terminal marks Sam absent while another marks everyone not marked yet present:
    whichever writes first, Sam stays absent, and the roll writes Kim alone or both."""
    if backend == "postgresql":
        barrier = threading.Barrier(2)
        real_set, real_add = SqlAttendance.set_mark, SqlAttendance.add_mark
        monkeypatch.setattr(SqlAttendance, "set_mark",
                            lambda self, r: (barrier.wait(timeout=30), real_set(self, r))[1])
        first_add = iter([True])

        def add_after_both_read(self: SqlAttendance, record: Any) -> bool:
            if next(first_add, False):
                barrier.wait(timeout=30)
            return real_add(self, record)

        monkeypatch.setattr(SqlAttendance, "add_mark", add_after_both_read)
    marked, rest = run_all([
        lambda: writers[0].attendance.mark(lesson, SAM, AttendanceStatus.ABSENT),
        lambda: writers[1].attendance.mark_rest(lesson)])
    assert not isinstance(marked, Exception) and not isinstance(rest, Exception), (marked, rest)
    stored = {m.student: m.status for m in writers[0].attendance.marks(lesson)}
    assert stored == {SAM: AttendanceStatus.ABSENT, KIM: AttendanceStatus.PRESENT}
    assert KIM in [m.student for m in rest]


def test_a_replaced_mark_is_in_the_audit_as_it_was(lesson: int, store: SqlStore,
                                                   db_url: str) -> None:
    centre = Centre(store, clock=lambda: NOW)
    centre.attendance.mark(lesson, SAM, AttendanceStatus.ABSENT, note="bus")
    centre.attendance.mark(lesson, SAM, AttendanceStatus.LATE)
    [first, second] = audit(db_url, "attendance")
    assert first[0] is None and second[0] == first[1]
    assert (second[0]["status"], second[0]["note"], second[1]["status"]) == ("absent", "bus", "late")
