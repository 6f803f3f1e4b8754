"""Pushing each mentor's sessions to their calendar on a CalDAV server, only what changed.

A mentor's calendar holds one resource per series (its master with every exception) and one
per one-off, exactly the events `export ics --mentor E` writes (the same UIDs and SEQUENCE):
the export is read back and cut by UID. What was sent is remembered per server, calendar and
UID as a digest of the resource (its DTSTAMP aside, which changes with every export), so a
second run sends nothing, and a run the server cut short sends the rest the next time.
Cancelled sessions stay in the export with ``STATUS:CANCELLED``, so they are cancelled
there too; a resource we no longer export for the mentor (the session went to another mentor)
is deleted from their calendar.

The server is reached only through :class:`CalendarServer` (the ``caldav`` library's adapter
is at the edge, as SMTP is for mail).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from ..access import Action, require
from ..domain.drafts import SessionQuery
from ..domain.errors import SessionsctlError
from ..domain.model import Role
from ..names import Names
from . import ics

if TYPE_CHECKING:
    from ..context import Context
    from .exporting import Exporter

_STAMP = re.compile(rb"^DTSTAMP[;:][^\r\n]*\r?\n", re.MULTILINE)
CALENDAR_PREFIX = "sessionsctl-"


class ServerUnavailable(SessionsctlError):
    """The CalDAV server could not be reached or refused a request: nothing it did not take
    is recorded as sent, so the next run sends it (exit 1)."""

    exit_code = 1


class CalendarServer(Protocol):
    """One CalDAV account: calendars by id, resources by UID."""

    def ensure(self, calendar: str, name: str) -> None:
        """Make the calendar ``calendar`` (with the display name ``name``) if it is missing."""
        ...
    def put(self, calendar: str, uid: str, data: bytes) -> None:
        """Create or replace the resource of ``uid`` (one VCALENDAR) in ``calendar``."""
        ...
    def delete(self, calendar: str, uid: str) -> None:
        """Remove the resource of ``uid`` from ``calendar`` (none there is no error)."""
        ...
    def close(self) -> None: ...


@dataclass(slots=True)
class MentorSync:
    """What a run sends to (or would send to) one mentor's calendar."""

    mentor: str
    calendar: str
    sent: list[str] = field(default_factory=list)  # UIDs created or replaced
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    error: str | None = None


@dataclass(frozen=True, slots=True)
class SyncReport:
    server: str
    dry_run: bool
    mentors: list[MentorSync]

    @property
    def ok(self) -> bool:
        return all(m.error is None for m in self.mentors)


def calendar_id(mentor: str) -> str:
    """The id of a mentor's calendar: stable, and safe in a URL path."""
    return CALENDAR_PREFIX + re.sub(r"[^a-z0-9]+", "-", mentor.lower()).strip("-")


def resources(data: bytes) -> dict[str, bytes]:
    """An export cut into one VCALENDAR per UID (a series with its exceptions, a one-off)."""
    from icalendar import Calendar

    by_uid: dict[str, list[object]] = {}
    for event in Calendar.from_ical(data).walk("VEVENT"):
        by_uid.setdefault(str(event["UID"]), []).append(event)
    return {uid: ics.to_bytes(ics.calendar(events))  # type: ignore[arg-type]
            for uid, events in by_uid.items()}


def digest(resource: bytes) -> str:
    return hashlib.sha256(_STAMP.sub(b"", resource)).hexdigest()


class CalDavSync:
    """`sync caldav`: each mentor's sessions to their calendar, only what changed."""

    def __init__(self, ctx: Context, exporter: Exporter) -> None:
        self.ctx = ctx
        self.exporter = exporter

    def mentors(self, mentor: str | None) -> list[str]:
        """The mentors a run is for: ``mentor``, or every active mentor (None)."""
        with self.ctx.read() as uow:
            if mentor is not None:
                mentor = Names(uow).person(mentor, "mentor", field="--mentor").email
                require(uow.actor, Action.SYNC_CALENDAR, mentor=mentor)
                return [mentor]
            require(uow.actor, Action.SEE_ALL_SESSIONS)
            require(uow.actor, Action.SYNC_CALENDAR)
            return sorted(p.email for p in uow.people.all()
                          if p.role is Role.MENTOR and p.active)

    def sync(self, server: CalendarServer | None, url: str, mentors: Sequence[str], *,
             dry_run: bool = False) -> SyncReport:
        """Send what changed in each of ``mentors``' calendars on the server at ``url``
        (``server`` may be None for a dry run, which only compares with what was sent).

        A server that fails stops the run for that mentor and the ones after it; what it took
        before is recorded, the rest is sent next time (:class:`SyncReport` ``ok`` False)."""
        done: list[MentorSync] = []
        failed: str | None = None
        with self.ctx.read() as uow:
            names = {p.email: p.name for p in uow.people.all()}
        for mentor in mentors:
            result = MentorSync(mentor, calendar_id(mentor))
            done.append(result)
            if failed is not None:
                result.error = failed
                continue
            wanted = self._wanted(mentor)
            with self.ctx.read() as uow:
                held = uow.caldav.sent(url, result.calendar)
            changed = {uid: d for uid, (_, d) in wanted.items() if held.get(uid) != d}
            result.unchanged = len(wanted) - len(changed)
            gone = sorted(set(held) - set(wanted))
            if dry_run or server is None:
                result.sent, result.deleted = sorted(changed), gone
                continue
            if not changed and not gone:
                continue
            try:
                self._push(server, url, result, wanted, changed, gone,
                           names.get(mentor, mentor))
            except ServerUnavailable as exc:
                failed = result.error = exc.message
        return SyncReport(url, dry_run, done)

    def _wanted(self, mentor: str) -> dict[str, tuple[bytes, str]]:
        sink = io.BytesIO()
        self.exporter.export_ics(SessionQuery(mentor=mentor), sink)
        return {uid: (data, digest(data)) for uid, data in resources(sink.getvalue()).items()}

    def _push(self, server: CalendarServer, url: str, result: MentorSync,
              wanted: dict[str, tuple[bytes, str]], changed: dict[str, str],
              gone: Iterable[str], name: str) -> None:
        """Send ``changed`` and delete ``gone``, recording each as the server takes it."""
        sent: dict[str, str] = {}
        deleted: list[str] = []
        try:
            server.ensure(result.calendar, f"Sessions: {name}")
            for uid in sorted(changed):
                server.put(result.calendar, uid, wanted[uid][0])
                sent[uid] = changed[uid]
            for uid in gone:
                server.delete(result.calendar, uid)
                deleted.append(uid)
        finally:
            result.sent, result.deleted = sorted(sent), deleted
            with self.ctx.write() as uow:
                uow.caldav.record(url, result.calendar, sent, self.ctx.clock())
                uow.caldav.forget(url, result.calendar, deleted)
