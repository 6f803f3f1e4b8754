"""The CalDAV sync's core: who may sync which calendar, and a run the server cuts short
part-way (what it took is kept as sent, the rest goes next time)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft, SessionQuery
from sessionsctl.core.domain.errors import NotPermitted
from sessionsctl.core.domain.model import Role
from sessionsctl.core.exchange.caldav_sync import ServerUnavailable, calendar_id
from sessionsctl.store.engine import SqlStore

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
URL = "https://dav.example.org/"
ADMIN, ADA, BOB = "admin@example.org", "ada@example.org", "bob@example.org"


class Flaky:
    """A CalendarServer in memory that stops answering after ``works`` requests."""

    def __init__(self, works: int = 1_000) -> None:
        self.works = works
        self.held: dict[tuple[str, str], bytes] = {}
        self.calendars: set[str] = set()

    def _answer(self) -> None:
        if self.works <= 0:
            raise ServerUnavailable("connection refused")
        self.works -= 1

    def ensure(self, calendar: str, name: str) -> None:
        self.calendars.add(calendar)

    def put(self, calendar: str, uid: str, data: bytes) -> None:
        self._answer()
        self.held[calendar, uid] = data

    def delete(self, calendar: str, uid: str) -> None:
        self._answer()
        self.held.pop((calendar, uid), None)

    def close(self) -> None:
        pass


def acting(store: SqlStore, email: str) -> Centre:
    return Centre(store, actor=email, clock=lambda: NOW)


@pytest.fixture
def centre(store: SqlStore) -> Centre:
    local = Centre(store)
    for email, role in ((ADMIN, Role.ADMIN), (ADA, Role.MENTOR), (BOB, Role.MENTOR)):
        local.people.add_person(email.split("@")[0].title(), email, role)
    admin = acting(store, ADMIN)
    for n in range(3):
        start = datetime(2027, 1, 4 + n, 10, tzinfo=UTC)
        admin.sessions.book(SessionDraft(title=f"Lesson {n}", mentor=ADA, start=start,
                                         end=start + timedelta(hours=1), tz="Europe/London"))
    return admin


def test_a_mentor_syncs_their_own_calendar_only(centre: Centre, store: SqlStore) -> None:
    ada = acting(store, ADA)
    assert ada.caldav.mentors(ADA) == [ADA]
    assert ada.caldav.mentors("Ada") == [ADA]  # a name names them too
    for other in (BOB, None):
        with pytest.raises(NotPermitted):
            ada.caldav.mentors(other)
    assert centre.caldav.mentors(None) == [ADA, BOB]


def test_a_run_cut_short_keeps_what_was_taken_and_sends_the_rest_next(
        centre: Centre) -> None:
    server = Flaky(works=2)
    cut = centre.caldav.sync(server, URL, [ADA, BOB])
    (ada, bob) = cut.mentors
    assert not cut.ok and len(ada.sent) == 2 and ada.error and bob.error
    assert server.calendars == {calendar_id(ADA)}  # Bob's turn never came
    server.works = 1_000
    rest = centre.caldav.sync(server, URL, [ADA, BOB])
    assert rest.ok and len(rest.mentors[0].sent) == 1 and rest.mentors[0].unchanged == 2
    assert len(server.held) == 3
    assert [m.sent for m in centre.caldav.sync(server, URL, [ADA, BOB]).mentors] == [[], []]
    # The same calendars on another server are another matter.
    assert len(centre.caldav.sync(None, "https://other.example.org/", [ADA],
                                  dry_run=True).mentors[0].sent) == 3


def test_a_session_given_to_another_mentor_leaves_the_first_calendar(centre: Centre) -> None:
    server = Flaky()
    centre.caldav.sync(server, URL, [ADA, BOB])
    moved = centre.sessions.find(SessionQuery(mentor=ADA))[0]
    centre.sessions.edit_scoped(moved.id, {"mentor": BOB})
    (ada, bob) = centre.caldav.sync(server, URL, [ADA, BOB]).mentors
    assert ada.deleted == [moved.uid] and bob.sent == [moved.uid]
    assert (calendar_id(ADA), moved.uid) not in server.held
    assert (calendar_id(BOB), moved.uid) in server.held
