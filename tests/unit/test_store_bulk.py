"""Writing many rows at once (an import's path): each session is stored under the id given
back for it, with its students' links, and the ids of two writers at once never meet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import Row, SessionDraft
from sessionsctl.core.domain.model import PaymentStatus, Role, Series, SessionStatus, SessionType
from sessionsctl.store.engine import SqlStore
from sessionsctl.store.schema import session_student_table

MENTOR = "mo@centre.test"
MENTOR2 = "meg@centre.test"
STUDENT = "stu@centre.test"
STUDENT2 = "sue@centre.test"


def seed(store: SqlStore) -> None:
    local = Centre(store)
    for name, email, role in (("Mo Mentor", MENTOR, Role.MENTOR),
                              ("Meg Mentor", MENTOR2, Role.MENTOR),
                              ("Stu Dent", STUDENT, Role.STUDENT),
                              ("Sue Dent", STUDENT2, Role.STUDENT)):
        local.people.add_person(name, email, role, None)
    local.people.add_room("Lab", 12)
    local.people.add_subject("Maths")


def full_draft(start: datetime) -> SessionDraft:
    """A draft with every field a row of ``sessions`` keeps set."""
    return SessionDraft(
        title="Algebra II", mentor=MENTOR, start=start, end=start + timedelta(minutes=90),
        tz="Pacific/Auckland", students=(STUDENT2, STUDENT), room="Lab", subject="Maths",
        type=SessionType.GROUP, description="Quadratics", location="Upstairs",
        link="https://meet.example.org/x", meeting_id="123", passcode="s3cret",
        max_participants=4, notes="bring calculators", cost=Decimal("12.50"),
        payment_status=PaymentStatus.PAID)


def when(day: int, hour: int) -> datetime:
    return datetime(2027, 1, day, hour, tzinfo=UTC)


def lesson(title: str, start: datetime, mentor: str = MENTOR,
           students: tuple[str, ...] = ()) -> SessionDraft:
    return SessionDraft(title=title, mentor=mentor, start=start, end=start + timedelta(hours=1),
                        tz="Europe/London", students=students)


def test_added_rows_are_stored_under_the_ids_given_back(store: SqlStore) -> None:
    seed(store)
    rows = [
        Row(full_draft(when(4, 10)), uid="full@test", recurrence_id=when(4, 10), sequence=2),
        Row(lesson("pair", when(4, 12), students=(STUDENT2, STUDENT)), uid="pair@test",
            force_reason="cover"),
        Row(lesson("off", when(4, 12), mentor=MENTOR2, students=(STUDENT,)), uid="off@test",
            status=SessionStatus.CANCELLED),
        Row(lesson("alone", when(5, 9)), uid="alone@test"),
    ]
    with store.unit(write=True) as uow:
        [before] = uow.sessions.insert([Row(lesson("first", when(3, 9)), uid="first@test")])
        ids = uow.sessions.add(rows)
    assert len(set(ids)) == len(rows) and before.id not in ids
    with store.unit() as uow:
        for session_id, row in zip(ids, rows, strict=True):
            stored = uow.sessions.get(session_id)
            assert stored is not None
            assert (stored.uid, stored.title, stored.start, stored.end, stored.status,
                    stored.students, stored.force_reason, stored.recurrence_id,
                    stored.sequence) == (
                row.uid, row.draft.title, row.draft.start, row.draft.end, row.status,
                tuple(sorted(row.draft.students)), row.force_reason, row.recurrence_id,
                row.sequence)
        links = {(r.session_id, r.student_id): r for r in uow.db.execute(  # type: ignore[attr-defined]
            select(session_student_table).where(session_student_table.c.session_id.in_(ids)))}
    # Each link carries its session's interval, and whether it is cancelled or forced.
    assert sorted((ids.index(s), r.cancelled, r.forced, r.start_at, r.end_at)
                  for (s, _), r in links.items()) == [
        *[(0, False, False, when(4, 10), when(4, 10) + timedelta(minutes=90))] * 2,
        (1, False, True, when(4, 12), when(4, 13)), (1, False, True, when(4, 12), when(4, 13)),
        (2, True, False, when(4, 12), when(4, 13))]


def test_an_added_row_reads_back_as_an_inserted_one(store: SqlStore) -> None:
    seed(store)
    with store.unit(write=True) as uow:
        [inserted] = uow.sessions.insert([Row(full_draft(when(4, 10)), uid="a@test")])
        [added] = uow.sessions.add([Row(full_draft(when(5, 10)), uid="b@test")])
    with store.unit() as uow:
        one, other = uow.sessions.get(inserted.id), uow.sessions.get(added)
    assert one is not None and other is not None
    assert one == inserted
    differ = {"id", "uid", "start", "end", "created_at", "modified_at"}
    assert {k: v for k, v in vars_of(one).items() if k not in differ} == \
        {k: v for k, v in vars_of(other).items() if k not in differ}


def vars_of(value: object) -> dict[str, object]:
    return {name: getattr(value, name) for name in value.__dataclass_fields__}  # type: ignore[attr-defined]


def test_two_writers_at_once_never_take_the_same_ids(store: SqlStore, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("a SQLite writer holds the whole database: two cannot write at once")
    seed(store)
    first = [Row(lesson(f"a{i}", when(6, 8 + i)), uid=f"a{i}@test") for i in range(3)]
    second = [Row(lesson(f"b{i}", when(6, 8 + i), mentor=MENTOR2), uid=f"b{i}@test")
              for i in range(3)]
    with store.unit(write=True) as a, store.unit(write=True) as b:
        ours = a.sessions.add(first[:1])
        theirs = b.sessions.add(second)
        ours += a.sessions.add(first[1:])
    assert not set(ours) & set(theirs)
    with store.unit() as uow:
        for session_id, row in zip([*ours, *theirs], [*first, *second], strict=True):
            assert uow.sessions.get(session_id).uid == row.uid  # type: ignore[union-attr]


def test_series_written_at_once_are_stored_under_their_ids(store: SqlStore) -> None:
    seed(store)
    made = [Series(id=0, uid=f"s{i}@test", rule="RRULE:FREQ=WEEKLY;COUNT=3",
                   dtstart=datetime(2027, 1, 4 + i, 16), tz="Europe/London",
                   duration=timedelta(minutes=45 + i), template={"title": f"s{i}", "students": []},
                   expanded_until=when(20, 0) if i else None, sequence=i)
            for i in range(3)]
    with store.unit(write=True) as uow:
        ids = uow.series.insert_many(made)
        assert uow.series.insert_many([]) == []
    assert len(set(ids)) == 3
    with store.unit() as uow:
        stored = uow.series.by_id(ids)
    for series_id, series in zip(ids, made, strict=True):
        got = stored[series_id]
        assert (got.uid, got.rule, got.dtstart, got.duration, got.template,
                got.expanded_until, got.sequence) == (
            series.uid, series.rule, series.dtstart, series.duration, series.template,
            series.expanded_until, series.sequence)
