"""Two reminder runs at once (cron overlapping itself) tell each student left waiting when a
session starts exactly once, on both backends: the session is held, the outbox asked."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft
from sessionsctl.core.domain.model import Role, SessionType
from sessionsctl.core.schedule.registration import MISSED
from sessionsctl.store import open_store
from sessionsctl.store.engine import SqlStore

START = datetime(2030, 5, 6, 16, 0, tzinfo=UTC)
WAITING = [f"w{i}@centre.test" for i in range(4)]


def test_two_runs_at_once_tell_each_one_waiting_once(store: SqlStore) -> None:
    before = Centre(store, clock=lambda: START - timedelta(days=1))
    before.people.add_person("Ada", "ada@centre.test", Role.MENTOR)
    for n, email in enumerate(["seat@centre.test", *WAITING]):
        before.people.add_person(f"Student {n}", email, Role.STUDENT)
    sid = before.sessions.book(SessionDraft(
        title="Workshop", mentor="ada@centre.test", start=START,
        end=START + timedelta(hours=1), tz="UTC", type=SessionType.WORKSHOP)).session.id
    before.registration.open(sid, seats=1)
    for email in ["seat@centre.test", *WAITING]:
        before.registration.register(sid, email)
    assert [e for e, _ in before.registration.waitlist(sid).waiting] == WAITING

    after = START + timedelta(minutes=5)
    told: list[int] = []
    gate = threading.Barrier(2)

    def run() -> None:
        other = open_store(store.url)
        try:
            gate.wait()
            told.append(Centre(other, clock=lambda: after).mail.queue_reminders(
                timedelta(minutes=1)).told_missed)
        finally:
            other.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(told) == 4  # however the two runs shared them
    queued = [m.recipient for m in before.mail.outbox() if m.template == MISSED]
    assert sorted(queued) == WAITING
    # and again later: nothing more
    again = Centre(store, clock=lambda: after + timedelta(hours=1))
    assert again.mail.queue_reminders(timedelta(minutes=1)).told_missed == 0
