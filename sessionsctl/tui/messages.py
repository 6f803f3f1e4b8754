"""App-wide messages: what one screen tells the others (widget-local ones live in the widget)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual.message import Message

from ..core.domain.model import Person
from ..core.reports.stats import Dashboard
from ..core.schedule.conflicts import Conflict
from ..core.schedule.slots import Slot


@dataclass
class SessionSaved(Message):
    """Something was written (booked, edited, cancelled, completed, marked): views re-read."""

    session_ids: tuple[int, ...]
    verb: str = "saved"


@dataclass
class DataChanged(Message):
    """The database changed since the views last read it (this or another terminal)."""


@dataclass
class OpenSession(Message):
    """Show a session's details."""

    session_id: int


@dataclass
class OpenAttendance(Message):
    """Show a session's roster for marking."""

    session_id: int


@dataclass
class WriteRequested(Message):
    """Run ``write`` (a core use case) off the UI thread; say ``done`` when it is written, why
    not when core refuses, and tell every view. The app does it, so a screen that asks
    needs nothing of the app, and the write outlives the screen."""

    write: Callable[[], Any]
    done: str


@dataclass
class WorkFailed(Message):
    """A worker of a screen or widget failed: the app reports it and carries on."""

    error: BaseException | None


@dataclass
class CalendarShown(Message):
    """The calendar's first days are on screen: what can wait (the dashboard) is read now."""


@dataclass
class ConflictsFound(Message):
    """The live check of a draft in the booking form: its conflicts and the next free slots."""

    token: int  # which revision of the form was checked (older answers are dropped)
    conflicts: list[Conflict]
    slots: list[Slot] = field(default_factory=list)
    problem: str | None = None  # a reference the check could not resolve (unknown mentor...)
    problem_field: str | None = None
    series: bool = False  # every occurrence of a new series was checked...
    occurrences: int | None = None  # ...this many of them


@dataclass
class DashboardLoaded(Message):
    figures: Dashboard


@dataclass
class ReferenceDataLoaded(Message):
    """People, rooms and subjects were (re)read into the app context."""


@dataclass
class ShowPerson(Message):
    """Show a person's sessions (the list, filtered by them)."""

    person: Person
