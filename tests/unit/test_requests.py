"""Mentorship requests through core, on the backend under test: every transition (open ->
claimed -> scheduled -> completed; open -> expired; claimed -> released; cancelled), what
never reopens, who may do what, the feedback asked once, and the claim race between
processes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.errors import ConflictError, InvalidInput, NotPermitted, Taken
from sessionsctl.core.domain.model import Role
from sessionsctl.core.requests.model import Preference, RequestDraft, RequestStatus, Urgency
from sessionsctl.store.engine import SqlStore

CLAIMER = Path(__file__).with_name("_claimer.py")
STAFF, ADA, BOB, SAM, KIM = ("desk@centre.test", "ada@centre.test", "bob@centre.test",
                             "sam@centre.test", "kim@centre.test")
PEOPLE = {STAFF: Role.STAFF, ADA: Role.MENTOR, BOB: Role.MENTOR, SAM: Role.STUDENT,
          KIM: Role.STUDENT}
T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # a Monday morning


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def as_(store: SqlStore, clock: Clock):  # type: ignore[no-untyped-def]
    local = Centre(store)
    for email, role in PEOPLE.items():
        local.people.add_person(email.split("@")[0].title(), email, role)
    return lambda email: Centre(store, actor=email, clock=clock)


def ask(centre: Centre, title: str = "Quadratics", *, student: str = "", minutes: int = 45,
        urgency: Urgency = Urgency.NORMAL, prefer: tuple[Preference, ...] = ()):  # type: ignore[no-untyped-def]
    return centre.requests.add(RequestDraft(title, student, minutes, "Europe/London", urgency,
                                            preferences=prefer, tags=("Algebra",)))


def test_open_claimed_scheduled_completed_and_feedback_asked_once(as_, clock) -> None:  # type: ignore[no-untyped-def]
    day = date(2027, 3, 2)
    made = ask(as_(SAM), prefer=(Preference(day, datetime.min.time().replace(hour=15),
                                            datetime.min.time().replace(hour=17)),))
    assert made.status is RequestStatus.OPEN and made.student == SAM and made.tags == ("algebra",)
    claimed = as_(ADA).requests.claim(made.id)
    assert claimed.status is RequestStatus.CLAIMED and claimed.mentor == ADA
    # Ada is busy at 15:00 that day: the first slot offered is after it, inside the hours asked
    as_(STAFF).sessions.book(_draft(ADA, datetime(2027, 3, 2, 15, 0, tzinfo=UTC)))
    slots = as_(ADA).requests.suggest(made.id)
    assert slots and slots[0].start == datetime(2027, 3, 2, 16, 0, tzinfo=UTC)
    assert all(s.end <= datetime(2027, 3, 2, 17, 0, tzinfo=UTC) for s in slots)
    with pytest.raises(ConflictError):  # the normal conflict check
        as_(ADA).requests.schedule(made.id, datetime(2027, 3, 2, 15, 30, tzinfo=UTC))
    session = as_(ADA).requests.schedule(made.id, slots[0].start)
    assert session.students == (SAM,) and session.mentor == ADA
    assert session.end - session.start == timedelta(minutes=45)
    shown = as_(SAM).requests.show(made.id)
    assert shown.status is RequestStatus.SCHEDULED and shown.session_id == session.id
    with as_(STAFF).ctx.read() as uow:
        queued = [(m.template, m.recipient) for m in uow.outbox.messages()]
    assert sorted(q for q in queued if q[0] == "request_scheduled") == [
        ("request_scheduled", ADA), ("request_scheduled", SAM)]
    with pytest.raises(InvalidInput, match="cancel that session"):
        as_(SAM).requests.cancel(made.id)
    clock.now = datetime(2027, 3, 2, 17, 0, tzinfo=UTC)
    as_(ADA).sessions.complete(session.id)
    assert as_(SAM).requests.show(made.id).status is RequestStatus.COMPLETED
    for _ in range(2):  # the sweep after it finds nothing more to ask
        swept = as_(STAFF).requests.sweep()
        assert swept.completed == []
    with as_(STAFF).ctx.read() as uow:
        asks = [m for m in uow.outbox.messages() if m.template == "request_feedback"]
    assert [(m.recipient, m.session_id) for m in asks] == [(SAM, session.id)]


def _draft(mentor: str, start: datetime):  # type: ignore[no-untyped-def]
    from sessionsctl.core.domain.drafts import SessionDraft

    return SessionDraft("Busy", mentor, start, start + timedelta(hours=1), "Europe/London")


def test_open_requests_expire_claims_lapse_and_final_ones_never_reopen(as_, clock) -> None:  # type: ignore[no-untyped-def]
    old = ask(as_(SAM), "Old")
    held = ask(as_(SAM), "Held")
    gone = ask(as_(SAM), "Gone")
    as_(SAM).requests.cancel(gone.id)
    as_(ADA).requests.claim(held.id)
    clock.now = T0 + timedelta(days=3)
    fresh = ask(as_(KIM), "Fresh")
    swept = as_(STAFF).requests.sweep(expire_after=timedelta(days=7),
                                      release_after=timedelta(days=2))
    assert [r.id for r in swept.reopened] == [held.id] and swept.expired == []
    assert as_(STAFF).requests.show(held.id).mentor is None
    clock.now = T0 + timedelta(days=8)
    swept = as_(STAFF).requests.sweep()
    # the reopened claim is as old as its request: it expires too
    assert sorted(r.id for r in swept.expired) == [old.id, held.id]
    assert as_(STAFF).requests.sweep().expired == []  # idempotent
    statuses = {r.id: r.status for r in as_(STAFF).requests.find()}
    assert statuses == {old.id: RequestStatus.EXPIRED, held.id: RequestStatus.EXPIRED,
                        gone.id: RequestStatus.CANCELLED, fresh.id: RequestStatus.OPEN}
    with as_(STAFF).ctx.read() as uow:
        told = sorted(m.payload["request"]["id"] for m in uow.outbox.messages()
                      if m.template == "request_expired")
    assert told == sorted([old.id, held.id])
    for request_id in (old.id, gone.id):
        with pytest.raises(Taken, match=f"request {request_id} is (expired|cancelled)"):
            as_(ADA).requests.claim(request_id)
    with pytest.raises(NotPermitted):
        as_(ADA).requests.sweep()


def test_who_may_ask_see_claim_and_release(as_) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotPermitted):
        ask(as_(ADA), student=SAM)  # a mentor does not ask on a student's behalf
    with pytest.raises(NotPermitted):
        ask(as_(KIM), student=SAM)
    with pytest.raises(InvalidInput, match="not a student"):
        ask(as_(STAFF), student=ADA)
    mine = ask(as_(STAFF), student=SAM, urgency=Urgency.LOW)
    assert mine.created_by == STAFF
    urgent = ask(as_(KIM), urgency=Urgency.HIGH)
    assert [r.id for r in as_(ADA).requests.find(which="open")] == [urgent.id, mine.id]
    assert [r.id for r in as_(SAM).requests.find()] == [mine.id]
    with pytest.raises(NotPermitted):
        as_(SAM).requests.show(urgent.id)
    with pytest.raises(NotPermitted):
        as_(SAM).requests.claim(mine.id)
    as_(BOB).requests.claim(mine.id)
    with pytest.raises(Taken, match=f"claimed by {BOB}"):
        as_(ADA).requests.claim(mine.id)
    with pytest.raises(NotPermitted):
        as_(ADA).requests.release(mine.id)
    assert mine.id not in [r.id for r in as_(ADA).requests.find()]  # off Ada's queue
    released = as_(BOB).requests.release(mine.id)
    assert released.status is RequestStatus.OPEN and released.mentor is None
    with pytest.raises(InvalidInput, match="claim it first"):
        as_(BOB).requests.suggest(mine.id)
    assert as_(STAFF).requests.claim(mine.id, ADA).mentor == ADA
    with pytest.raises(InvalidInput, match="30 to 60 minutes"):
        ask(as_(SAM), minutes=90)


def test_exactly_one_of_racing_mentors_claims_each_request(as_, db_url: str,
                                                           tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mentors = [f"m{i}@centre.test" for i in range(6)]
    staff = as_(STAFF)
    for email in mentors:
        staff.people.add_person(email.split("@")[0], email, Role.MENTOR)
    ids = [str(ask(as_(SAM), f"Race {n}").id) for n in range(4)]
    ready = [tmp_path / f"ready-{i}" for i in range(len(mentors))]
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, str(CLAIMER), db_url, email, str(ready[i]),
                               str(go), *ids], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for i, email in enumerate(mentors)]
    deadline = time.monotonic() + 60
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert [r["errors"] for r in results] == [[] for _ in results]
    for request_id in map(int, ids):
        winners = [r["mentor"] for r in results if request_id in r["won"]]
        assert len(winners) == 1, (request_id, results)
        assert sum(request_id in r["lost"] for r in results) == len(mentors) - 1
        assert staff.requests.show(request_id).mentor == winners[0]


def test_scheduling_as_a_changed_draft_keeps_the_request_s_mentor_and_student(as_) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    made = ask(as_(SAM))
    as_(ADA).requests.claim(made.id)
    start = datetime(2027, 3, 3, 14, 0, tzinfo=UTC)
    draft = replace(_draft(ADA, start), title="Quadratics, with past papers",
                    students=(SAM,), room=None)
    with pytest.raises(InvalidInput, match="claimed by ada@centre.test") as wrong:
        as_(STAFF).requests.schedule_as(made.id, replace(draft, mentor=BOB))
    assert wrong.value.field == "mentor"
    with pytest.raises(InvalidInput, match="keep them among the students"):
        as_(ADA).requests.schedule_as(made.id, replace(draft, students=(KIM,)))
    as_(STAFF).sessions.book(_draft(ADA, start))  # Ada is busy then: refused, or said why
    with pytest.raises(ConflictError):
        as_(ADA).requests.schedule_as(made.id, draft)
    assert as_(ADA).requests.show(made.id).status is RequestStatus.CLAIMED
    session = as_(ADA).requests.schedule_as(made.id, draft, force_reason="exam next week")
    assert session.title == "Quadratics, with past papers" and session.end - start == \
        timedelta(hours=1)
    shown = as_(SAM).requests.show(made.id)
    assert shown.status is RequestStatus.SCHEDULED and shown.session_id == session.id
    with as_(STAFF).ctx.read() as uow:
        queued = sorted(m.recipient for m in uow.outbox.messages()
                        if m.template == "request_scheduled")
    assert queued == [ADA, SAM]
