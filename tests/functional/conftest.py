"""Fixtures for the TUI tests: a small fixed centre, a frozen clock, and the app over them.

The centre is built through the core use cases on the backend under test (SQLite, or
PostgreSQL when SESSIONSCTL_TEST_DB is set), so ids and data are the same on both and the
snapshots match. The clock is frozen at Tuesday 10 November 2026, 16:10 in London, ten
minutes into the ten-student "Group maths" session (#1).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input
from textual.worker import WorkerCancelled, WorkerFailed

from sessionsctl.config import Settings
from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft
from sessionsctl.core.domain.model import AttendanceStatus, Role, SessionType
from sessionsctl.store.engine import SqlStore
from sessionsctl.tui.app import SessionsApp, make_app

NOW = datetime(2026, 11, 10, 16, 10, tzinfo=UTC)  # London is on GMT in November
TZ = "Europe/London"
SIZE = (120, 40)

ADA, ALAN = "ada@centre.test", "alan@centre.test"
STUDENT_NAMES = ("Amelia Ahmed", "Bilal Brown", "Chloe Clarke", "Dev Desai", "Esme Evans",
                 "Finn Foster", "Grace Green", "Hana Hughes", "Isla Irving", "Jack Jones",
                 "Kofi Kamara", "Leila Lewis")
STUDENTS = tuple(f"{n.split()[0].lower()}@centre.test" for n in STUDENT_NAMES)
STUDY, HALL = "Study Room", "Hall"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant in November 2026 (London wall time = UTC then)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def lesson(title: str, start: datetime, minutes: int = 60, **fields: Any) -> SessionDraft:
    fields.setdefault("mentor", ADA)
    fields.setdefault("tz", TZ)
    return SessionDraft(title=title, start=start, end=start + timedelta(minutes=minutes),
                        **fields)


def build_centre(centre: Centre) -> None:
    """The fixed centre every TUI test starts from (ids in booking order)."""
    centre.people.add_person("Ada Lovelace", ADA, Role.MENTOR)
    centre.people.add_person("Alan Turing", ALAN, Role.MENTOR)
    for name, email in zip(STUDENT_NAMES, STUDENTS, strict=True):
        centre.people.add_person(name, email, Role.STUDENT)
    centre.people.add_room(STUDY, 2)
    centre.people.add_room(HALL, 30)
    centre.people.add_subject("Mathematics")
    centre.people.add_subject("Physics")
    # 1: today, running now, ten students
    centre.sessions.book(lesson("Group maths", at(10, 16), students=STUDENTS[:10], room=HALL,
                       subject="Mathematics", type=SessionType.GROUP))
    # 2: later today
    centre.sessions.book(lesson("Physics 1:1", at(10, 17, 30), mentor=ALAN, students=(STUDENTS[10],),
                       room=STUDY, subject="Physics"))
    # 3: yesterday, completed, attended
    done = centre.sessions.book(lesson("Maths 1:1", at(9, 16), students=(STUDENTS[10],), room=STUDY,
                              subject="Mathematics"), past=True).session
    centre.attendance.mark(done.id, STUDENTS[10], AttendanceStatus.PRESENT)
    centre.sessions.complete(done.id, force=True)
    # 4: tomorrow, cancelled
    off = centre.sessions.book(lesson("Physics revision", at(11, 15), mentor=ALAN,
                             students=(STUDENTS[11],), subject="Physics")).session
    centre.sessions.cancel(off.id, "mentor ill")
    # 5: Friday workshop
    centre.sessions.book(lesson("Exam workshop", at(13, 10), 90, students=STUDENTS[:5], room=HALL,
                       subject="Mathematics", type=SessionType.WORKSHOP))
    # 6-9: a weekly series on Thursdays
    centre.series.create(lesson("Weekly physics", at(12, 17), mentor=ALAN,
                                students=(STUDENTS[11],), room=STUDY, subject="Physics"),
                         "FREQ=WEEKLY;COUNT=4")
    # 10: next week
    centre.sessions.book(lesson("Trial lesson", at(17, 11), students=(STUDENTS[9],), room=STUDY,
                       subject="Mathematics"))


def scenario(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async Pilot scenario as a plain test (fixtures still come by name)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


@pytest.fixture
def tui_centre(store: SqlStore, monkeypatch: pytest.MonkeyPatch) -> Centre:
    # The store stamps rows (created, changed, audit) with its own clock; freeze it too, so
    # the details screen shows the same times in every run.
    monkeypatch.setattr("sessionsctl.store.clock.now", lambda: NOW)
    centre = Centre(store, clock=lambda: NOW)
    build_centre(centre)
    return centre


@pytest.fixture
def other_terminal(store: SqlStore) -> Iterator[Centre]:
    """The same database as another user would reach it: a separate store."""
    from sessionsctl.store import open_store

    other = open_store(store.url)
    yield Centre(other, clock=lambda: NOW)
    other.close()


def make_test_app(centre: Centre, *, refresh_every: float | None = None) -> SessionsApp:
    return make_app(centre, Settings(tz=TZ), now=NOW, refresh_every=refresh_every,
                    db_label="sqlite:///centre.db")


@pytest.fixture
def app(tui_centre: Centre) -> SessionsApp:
    return make_test_app(tui_centre)


@dataclass
class Recorder:
    """The messages the app handled (``message_hook``), for asserting what was said."""

    messages: list[Message] = field(default_factory=list)

    def __call__(self, message: Message) -> None:
        self.messages.append(message)

    def of(self, kind: type[Message]) -> list[Any]:
        return [m for m in self.messages if isinstance(m, kind)]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


async def settle(pilot: Pilot[Any], rounds: int = 3) -> None:
    """Wait until the debounce timers have fired and every worker (and what its results
    started) has finished."""
    app = pilot.app

    async def workers_done() -> None:
        try:
            await app.workers.wait_for_complete()
        except (WorkerCancelled, WorkerFailed):
            pass  # superseded (exclusive) or failed on purpose: the app reports those

    for _ in range(rounds):
        await pilot.pause(0.05)
        await workers_done()
        await pilot.pause()
    while any(w.is_running for w in app.workers):
        await workers_done()
        await pilot.pause()


async def settle_form(pilot: Pilot[Any]) -> None:
    """Past the booking form's debounce, then settled."""
    await pilot.pause(0.45)
    await settle(pilot)


async def type_ahead(pilot: Pilot[Any], *keys: str) -> None:
    """Send ``keys`` as a terminal does while the app is busy: all at once, each read only
    after the ones before (Pilot's ``press`` waits for the app between keys), then settle."""
    from textual import events
    from textual.keys import _character_to_key

    app = pilot.app
    assert app._driver is not None
    for key in keys:
        char = key if len(key) == 1 else None
        event = events.Key(_character_to_key(key) if char and not key.isalnum() else key, char)
        event.set_sender(app)
        app._driver.send_message(event)
    await settle_form(pilot)


def no_blink(app: SessionsApp) -> None:
    for widget in app.screen.query(Input):
        widget.cursor_blink = False


SnapBefore = Callable[[Pilot[Any]], Awaitable[None]]
