"""Bulk changes (core/schedule/bulk.py) against a real store, on either backend: a filter's
sessions previewed, then cancelled, moved or reassigned all or none, with the conflicts of each
move judged against the store and against the other rows of the batch."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft, SessionQuery
from sessionsctl.core.domain.errors import (
    ConflictError,
    InvalidInput,
    NotPermitted,
    SessionsctlError,
)
from sessionsctl.core.domain.model import Role, Session, SessionStatus
from sessionsctl.core.mail.notices import NoticeKind
from sessionsctl.core.schedule.bulk import BulkChange, parse_shift, shift_text, write_order
from sessionsctl.store.engine import SqlStore
from sessionsctl.store.schema import metadata

LONDON = ZoneInfo("Europe/London")
ADMIN, MENTOR, MENTOR2 = "ada@centre.test", "mo@centre.test", "meg@centre.test"
STUDENT, STUDENT2 = "stu@centre.test", "sue@centre.test"
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # a Monday
ATTIC, HALL = "Attic", "Hall"


def local(day: str, hhmm: str = "16:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=LONDON)


def draft(title: str, start: datetime, *, minutes: int = 60, **fields: Any) -> SessionDraft:
    fields.setdefault("mentor", MENTOR)
    return SessionDraft(title=title, start=start, end=start + timedelta(minutes=minutes),
                        tz="Europe/London", **fields)


def acting(store: SqlStore, email: str | None = ADMIN) -> Centre:
    return Centre(store, actor=email, clock=lambda: NOW)


@pytest.fixture
def admin(store: SqlStore) -> Centre:
    local_centre = Centre(store)
    for email, role in ((ADMIN, Role.ADMIN), (MENTOR, Role.MENTOR), (MENTOR2, Role.MENTOR),
                        (STUDENT, Role.STUDENT), (STUDENT2, Role.STUDENT)):
        local_centre.people.add_person(email.split("@")[0].title(), email, role)
    local_centre.people.add_room(ATTIC, 1)
    local_centre.people.add_room(HALL, 30)
    return acting(store)


def snapshot(store: SqlStore) -> dict[str, list[tuple[Any, ...]]]:
    with store.engine.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(
                    select(t).order_by(*t.primary_key.columns))]
                for t in metadata.sorted_tables}


@contextmanager
def unchanged(store: SqlStore) -> Iterator[None]:
    before = snapshot(store)
    yield
    assert snapshot(store) == before


@contextmanager
def refused(store: SqlStore, error: type[SessionsctlError]) -> Iterator[Any]:
    with unchanged(store), pytest.raises(error) as info:
        yield info


def book(centre: Centre, title: str, start: datetime, **fields: Any) -> Session:
    return centre.sessions.book(draft(title, start, **fields), past=True).session


def get(centre: Centre, session_id: int) -> Session:
    return centre.sessions.show(session_id).session


MARCH = SessionQuery(start=local("2027-03-01", "00:00"), end=local("2027-04-01", "00:00"))


# --------------------------------------------------------------------------- shifts

@pytest.mark.parametrize(("text", "delta"), [
    ("+1w", timedelta(weeks=1)), ("2d", timedelta(days=2)), ("-30m", timedelta(minutes=-30)),
    ("+1h", timedelta(hours=1)), ("- 90 min", timedelta(minutes=-90))])
def test_a_shift_is_read_with_its_sign_and_written_back(text: str, delta: timedelta) -> None:
    assert parse_shift(text) == delta
    assert parse_shift(shift_text(delta)) == delta


@pytest.mark.parametrize("text", ["1", "+", "next week", "+0d", "+400d", "1y"])
def test_a_bad_shift_is_refused_naming_the_option(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_shift(text)
    assert info.value.field == "--by"


def test_a_move_needs_one_target_and_a_reassignment_something_new() -> None:
    for kwargs in ({}, {"by": timedelta(days=1), "on": date(2027, 3, 9)}):
        with pytest.raises(InvalidInput):
            BulkChange.move(**kwargs)
    with pytest.raises(InvalidInput):
        BulkChange.reassign()
    with pytest.raises(InvalidInput):
        BulkChange.reassign(title="x")
    with pytest.raises(InvalidInput):
        BulkChange.reassign(mentor=None)


# --------------------------------------------------------------------------- selecting

def test_a_selection_needs_a_filter(admin: Centre, store: SqlStore) -> None:
    book(admin, "Algebra", local("2027-03-09"))
    with refused(store, InvalidInput) as info:
        admin.bulk.apply(SessionQuery(), BulkChange.cancel())
    assert info.value.field == "filter"


def test_the_plan_writes_nothing_and_says_what_it_leaves(admin: Centre, store: SqlStore) -> None:
    done = book(admin, "Done", local("2027-03-02"))
    admin.sessions.complete(done.id, force=True)
    gone = book(admin, "Gone", local("2027-03-03"))
    admin.sessions.cancel(gone.id)
    live = book(admin, "Live", local("2027-03-04"), students=(STUDENT,))
    other = book(admin, "Other", local("2027-03-04"), mentor=MENTOR2)
    with unchanged(store):
        plan = admin.bulk.plan(MARCH, BulkChange.cancel("flood"))
    assert [r.before.id for r in plan.rows] == [done.id, gone.id, live.id, other.id]
    assert [r.skipped for r in plan.rows] == ["already completed", "already cancelled",
                                              None, None]
    assert plan.ids == (live.id, other.id)
    assert plan.rows[2].after is not None
    assert plan.rows[2].after.status is SessionStatus.CANCELLED
    assert not plan.applied


def test_a_past_session_is_left_unless_past_includes_it(admin: Centre, store: SqlStore) -> None:
    held = book(admin, "Held", local("2027-02-26"))
    coming = book(admin, "Coming", local("2027-03-05"))
    query = SessionQuery(mentor=MENTOR)
    plan = admin.bulk.plan(query, BulkChange.cancel())
    assert plan.ids == (coming.id,)
    assert "--past" in (plan.rows[0].skipped or "")
    assert admin.bulk.plan(query, BulkChange.cancel(), past=True).ids == (held.id, coming.id)
    # A move to a day before today is asked for, as a single edit's is.
    with refused(store, InvalidInput) as info:
        admin.bulk.apply(query, BulkChange.move(by=timedelta(days=-7)))
    assert info.value.field == f"session {coming.id}" and "--past" in info.value.message


def test_closure_picks_the_sessions_on_a_closed_day(admin: Centre) -> None:
    before = book(admin, "Before", local("2027-03-08", "23:30"))
    on_day = book(admin, "On", local("2027-03-09", "09:00"))
    late = book(admin, "Late", local("2027-03-09", "23:00"))
    after = book(admin, "After", local("2027-03-10", "00:30"))
    on_2nd = book(admin, "Second", local("2027-03-20", "10:00"), mentor=MENTOR2)
    admin.calendar.add_closure(date(2027, 3, 9), date(2027, 3, 9), "Flood", LONDON)
    admin.calendar.add_closure(date(2027, 3, 20), date(2027, 3, 21), "Works", LONDON)
    plan = admin.bulk.plan(SessionQuery(), BulkChange.cancel(), closure=True)
    assert plan.ids == (on_day.id, late.id, on_2nd.id)
    assert {before.id, after.id}.isdisjoint(plan.ids)
    # Combined with the other filters (AND).
    assert admin.bulk.plan(SessionQuery(mentor=MENTOR2), BulkChange.cancel(),
                           closure=True).ids == (on_2nd.id,)


# --------------------------------------------------------------------------- cancelling

def test_cancel_writes_every_session_and_its_notices(admin: Centre) -> None:
    a = book(admin, "A", local("2027-03-09"), students=(STUDENT,))
    b = book(admin, "B", local("2027-03-10"), students=(STUDENT2,), mentor=MENTOR2)
    done = admin.bulk.apply(MARCH, BulkChange.cancel("flood"))
    assert done.applied and done.ids == (a.id, b.id)
    for s in (a, b):
        after = get(admin, s.id)
        assert (after.status, after.cancel_reason) == (SessionStatus.CANCELLED, "flood")
    notices = {(m.kind, m.recipient, m.session_id) for m in admin.mail.outbox()
               if m.kind is NoticeKind.CANCELLED}
    assert notices == {(NoticeKind.CANCELLED, MENTOR, a.id), (NoticeKind.CANCELLED, STUDENT, a.id),
                       (NoticeKind.CANCELLED, MENTOR2, b.id),
                       (NoticeKind.CANCELLED, STUDENT2, b.id)}
    # Again: everything is cancelled already, so there is nothing to do.
    again = admin.bulk.apply(MARCH, BulkChange.cancel("flood"))
    assert again.ids == () and len(again.skipped) == 2


def test_cancel_without_notices_queues_none(admin: Centre) -> None:
    book(admin, "A", local("2027-03-09"), students=(STUDENT,))
    queued = len(admin.mail.outbox())
    admin.bulk.apply(MARCH, BulkChange.cancel(), notify=False)
    assert len(admin.mail.outbox()) == queued


# --------------------------------------------------------------------------- moving

def test_a_move_by_a_week_keeps_the_wall_time_across_the_clock_change(admin: Centre) -> None:
    # London springs forward on Sunday 28 March 2027.
    a = book(admin, "A", local("2027-03-23"), students=(STUDENT,))
    b = book(admin, "B", local("2027-03-24", "10:00"), minutes=90)
    plan = admin.bulk.apply(MARCH, BulkChange.move(by=parse_shift("+1w")))
    assert plan.ids == (a.id, b.id)
    moved_a, moved_b = get(admin, a.id), get(admin, b.id)
    assert moved_a.start == local("2027-03-30")  # 15:00 UTC, a week and 23 hours later
    assert moved_a.start - a.start == timedelta(days=7, hours=-1)
    assert moved_b.start.astimezone(LONDON).hour == 10
    assert moved_b.duration == timedelta(minutes=90)
    changed = [m for m in admin.mail.outbox() if m.kind is NoticeKind.CHANGED]
    assert {(m.recipient, m.session_id) for m in changed} == {
        (MENTOR, a.id), (STUDENT, a.id), (MENTOR, b.id)}
    assert all("previous" in m.payload for m in changed)


def test_a_move_onto_a_day_keeps_each_time(admin: Centre) -> None:
    a = book(admin, "A", local("2027-03-09", "09:00"))
    b = book(admin, "B", local("2027-03-09", "14:30"), mentor=MENTOR2)
    admin.bulk.apply(SessionQuery(start=local("2027-03-09", "00:00"),
                                  end=local("2027-03-10", "00:00")),
                     BulkChange.move(on=date(2027, 3, 16)))
    assert get(admin, a.id).start == local("2027-03-16", "09:00")
    assert get(admin, b.id).start == local("2027-03-16", "14:30")


def test_one_clashing_move_refuses_them_all(admin: Centre, store: SqlStore) -> None:
    a = book(admin, "A", local("2027-03-09"))
    book(admin, "B", local("2027-03-10"), mentor=MENTOR2)
    blocker = book(admin, "Blocker", local("2027-03-17", "16:30"), mentor=MENTOR2)
    query = SessionQuery(start=local("2027-03-09", "00:00"), end=local("2027-03-11", "00:00"))
    change = BulkChange.move(by=timedelta(weeks=1))
    plan = admin.bulk.plan(query, change)
    assert [bool(r.conflicts) for r in plan.rows] == [False, True]
    assert plan.rows[1].conflicts.shown[0].with_ is not None
    assert plan.rows[1].conflicts.shown[0].with_.id == blocker.id
    with refused(store, ConflictError) as info:
        admin.bulk.apply(query, change)
    assert info.value.count == 1 and "nothing was changed" in info.value.message
    assert get(admin, a.id).start == local("2027-03-09")


def test_rows_of_one_batch_are_judged_against_each_other(admin: Centre, store: SqlStore) -> None:
    # Two of one mentor's sessions on different days, moved onto one day at the same time.
    book(admin, "Mon", local("2027-03-08"))
    book(admin, "Tue", local("2027-03-09"))
    query = SessionQuery(start=local("2027-03-08", "00:00"), end=local("2027-03-10", "00:00"))
    plan = admin.bulk.plan(query, BulkChange.move(on=date(2027, 3, 15)))
    assert [r.conflicts.kinds for r in plan.rows] == [{}, {"mentor": 1}]
    with refused(store, ConflictError):
        admin.bulk.apply(query, BulkChange.move(on=date(2027, 3, 15)))


def test_back_to_back_sessions_shift_together_without_clashing(admin: Centre) -> None:
    # Each moves into the slot the next one leaves: no clash, and the writes (in the
    # direction of the move) never hold two in one slot, as PostgreSQL's guards would refuse.
    ids = [book(admin, f"S{h}", local("2027-03-09", f"{h}:00"), room=ATTIC,
                students=(STUDENT,)).id for h in (14, 15, 16)]
    query = SessionQuery(mentor=MENTOR)
    admin.bulk.apply(query, BulkChange.move(by=timedelta(hours=1)))
    assert [get(admin, i).start for i in ids] == [local("2027-03-09", f"{h}:00")
                                                  for h in (15, 16, 17)]
    admin.bulk.apply(query, BulkChange.move(by=timedelta(hours=-2)))
    assert [get(admin, i).start for i in ids] == [local("2027-03-09", f"{h}:00")
                                                  for h in (13, 14, 15)]


def test_write_order_writes_a_swap_of_rooms_free_of_transient_overlaps(admin: Centre) -> None:
    a = book(admin, "A", local("2027-03-09"), room=ATTIC)
    b = book(admin, "B", local("2027-03-09", "17:00"), room=HALL, mentor=MENTOR2)
    a2 = a.__class__(**{**{f: getattr(a, f) for f in a.__dataclass_fields__},
                        "start": b.start, "end": b.end})
    # A moving onto B's slot (with B's mentor free) waits for B to go first when B moves away.
    b2 = b.__class__(**{**{f: getattr(b, f) for f in b.__dataclass_fields__},
                        "start": local("2027-03-09", "19:00"),
                        "end": local("2027-03-09", "20:00"), "room": ATTIC})
    assert [s.id for s in write_order([(a, a2), (b, b2)])] == [b.id, a.id]


# --------------------------------------------------------------------------- reassigning

def test_reassign_mentor_and_room_judged_like_an_edit(admin: Centre, store: SqlStore) -> None:
    a = book(admin, "A", local("2027-03-09"), room=HALL, students=(STUDENT, STUDENT2))
    taken = book(admin, "Taken", local("2027-03-09", "16:30"), mentor=MENTOR2)
    query = SessionQuery(mentor=MENTOR)
    plan = admin.bulk.plan(query, BulkChange.reassign(mentor=MENTOR2, room=ATTIC))
    kinds = plan.rows[0].conflicts.kinds
    assert kinds == {"mentor": 1, "capacity": 1}
    assert plan.rows[0].conflicts.shown[0].with_ is not None
    assert plan.rows[0].conflicts.shown[0].with_.id == taken.id
    with refused(store, ConflictError):
        admin.bulk.apply(query, BulkChange.reassign(mentor=MENTOR2, room=ATTIC))
    admin.sessions.cancel(taken.id)
    done = admin.bulk.apply(query, BulkChange.reassign(mentor=MENTOR2, room=None))
    after = get(admin, a.id)
    assert (after.mentor, after.room) == (MENTOR2, None)
    assert done.rows[0].after is not None and done.rows[0].after.mentor == MENTOR2
    # The old mentor is let go, the new one booked (as a single edit tells them).
    kinds_to = {(m.kind, m.recipient) for m in admin.mail.outbox() if m.session_id == a.id}
    assert (NoticeKind.BOOKED, MENTOR2) in kinds_to
    assert (NoticeKind.CANCELLED, MENTOR) in kinds_to
    # The same again changes nothing.
    again = admin.bulk.plan(SessionQuery(mentor=MENTOR2), BulkChange.reassign(mentor=MENTOR2))
    assert [r.skipped for r in again.rows] == ["nothing to change", "already cancelled"]


# --------------------------------------------------------------------------- who may

def test_a_mentor_changes_only_their_own_sessions(admin: Centre, store: SqlStore) -> None:
    mine = book(admin, "Mine", local("2027-03-09"))
    theirs = book(admin, "Theirs", local("2027-03-09"), mentor=MENTOR2)
    mentor = acting(store, MENTOR)
    plan = mentor.bulk.plan(MARCH, BulkChange.cancel())
    assert plan.ids == (mine.id,)  # another's sessions are not even selected
    with refused(store, NotPermitted):
        mentor.bulk.apply(MARCH, BulkChange.reassign(mentor=MENTOR2))
    mentor.bulk.apply(MARCH, BulkChange.move(by=timedelta(days=1)))
    assert get(admin, mine.id).start == local("2027-03-10")
    assert get(admin, theirs.id).start == local("2027-03-09")
    student = acting(store, STUDENT)
    book(admin, "Taking part", local("2027-03-11"), students=(STUDENT,))
    with refused(store, NotPermitted):
        student.bulk.apply(MARCH, BulkChange.cancel())
