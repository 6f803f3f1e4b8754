"""Importing our own iCalendar export again: what is unchanged is neither judged nor written,
what changes is judged as ``session edit`` judges it, and every change is named."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft, SessionQuery
from sessionsctl.core.domain.errors import ConflictError
from sessionsctl.core.domain.model import Role, SessionStatus
from sessionsctl.store.engine import SqlStore

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


@pytest.fixture
def desk(store: SqlStore) -> Centre:
    centre = Centre(store, clock=lambda: NOW)
    centre.people.add_person("Ada Byron", "ada@example.org", Role.MENTOR)
    centre.people.add_person("Sam Lee", "sam@example.org", Role.STUDENT)
    centre.people.add_person("Kim Park", "kim@example.org", Role.STUDENT)
    return centre


def _draft(start: datetime, tz: str = "Europe/London", **kw: object) -> SessionDraft:
    return SessionDraft(title=str(kw.pop("title", "Algebra")), mentor="ada@example.org",
                        start=start, end=start + timedelta(hours=1), tz=tz, **kw)  # type: ignore[arg-type]


def _export(centre: Centre, **kw: bool) -> bytes:
    sink = io.BytesIO()
    centre.exchange.export_ics(SessionQuery(), sink, **kw)
    return sink.getvalue()


def _import(centre: Centre, data: bytes, **kw: object):  # type: ignore[no-untyped-def]
    return centre.exchange.import_ics(io.BytesIO(data), "ours.ics", default_tz="UTC", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("tz", ["Etc/UTC", "Europe/London"])
def test_our_export_without_passcodes_imports_back_unchanged(desk: Centre, tz: str) -> None:
    """A series (in a zone that is UTC by another name, or not), a completed session and a
    one-off, with passcodes the export leaves out: imported again, nothing changes, nothing
    is judged, no series is rewritten, and the passcodes are kept."""
    series = desk.series.create(_draft(datetime(2026, 11, 2, 16, tzinfo=UTC), tz,
                                       students=("sam@example.org",), passcode="hush"),
                                "FREQ=WEEKLY;COUNT=6", past=True)
    done = series.booked[0]
    desk.sessions.complete(done.id, force=True)
    desk.sessions.book(_draft(datetime(2026, 12, 1, 10, tzinfo=UTC), tz, title="Trial",
                              passcode="s3cret"))
    before = {s.id: s for s in desk.sessions.find(SessionQuery())}
    data = _export(desk)
    assert b"hush" not in data and b"s3cret" not in data
    for dry_run in (True, False):
        result = _import(desk, data, dry_run=dry_run)
        assert (result.created, result.updated, result.removed, result.series) == (0, 0, 0, 0)
        assert result.unchanged == len(before) and result.planned == []
    after = {s.id: s for s in desk.sessions.find(SessionQuery())}
    assert {i: (s.passcode, s.tz, s.status, s.sequence) for i, s in after.items()} == {
        i: (s.passcode, s.tz, s.status, s.sequence) for i, s in before.items()}
    assert desk.sessions.show(done.id).session.status is SessionStatus.COMPLETED


def _retime(data: bytes, title: str, start: str, end: str) -> bytes:
    """The file with the event called ``title`` moved to ``start``-``end`` (London wall times)."""
    events = data.split(b"BEGIN:VEVENT")
    (at,) = [i for i, e in enumerate(events) if f"SUMMARY:{title}\r\n".encode() in e]
    lines = [line for line in events[at].split(b"\r\n")
             if not line.startswith((b"DTSTART", b"DTEND"))]
    lines.insert(1, f"DTSTART;TZID=Europe/London:{start}\r\nDTEND;TZID=Europe/London:{end}"
                 .encode())
    events[at] = b"\r\n".join(lines)
    return b"BEGIN:VEVENT".join(events)


def test_a_change_of_notes_is_not_judged_and_a_move_is_judged_without_itself(
        desk: Centre) -> None:
    """Two sessions of Ada's forced over each other: a file changing only the description of
    one is taken (as ``session edit`` takes it) and it stays forced; a move is judged as an
    edit is, against everything but itself."""
    start = datetime(2026, 12, 1, 10, tzinfo=UTC)
    first = desk.sessions.book(_draft(start, title="First")).session
    second = desk.sessions.book(_draft(start, title="Second"), force_reason="cover").session
    third = desk.sessions.book(_draft(start + timedelta(hours=4), title="Third")).session
    data = _export(desk)
    noted = data.replace(b"SUMMARY:Second\r\n",
                         b"SUMMARY:Second\r\nDESCRIPTION:Bring a calculator\r\n")
    assert noted != data
    result = _import(desk, noted)
    assert (result.updated, result.unchanged) == (1, 2)
    (listed,) = result.planned
    assert (listed.action, listed.session_id, listed.changed) == (
        "update", second.id, ("description",))
    kept = desk.sessions.show(second.id).session
    assert kept.description == "Bring a calculator" and kept.force_reason == "cover"
    # Second moved by half an hour still meets First: refused, as an edit would be.
    with pytest.raises(ConflictError):
        _import(desk, _retime(noted, "Second", "20261201T103000", "20261201T113000"))
    # Third moved by half an hour, over its own old time: nothing else there, taken.
    result = _import(desk, _retime(noted, "Third", "20261201T143000", "20261201T153000"))
    assert [(p.action, p.session_id, p.changed) for p in result.planned] == [
        ("update", third.id, ("start", "end"))]
    assert desk.sessions.show(third.id).session.start == start + timedelta(hours=4, minutes=30)
    assert desk.sessions.show(first.id).session.start == start
