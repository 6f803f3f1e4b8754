"""A listing's JSON (``sessions_json``) is each session's own ``session_json`` at one instant,
whichever times the sessions share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sessionsctl.core.domain.model import Session, SessionStatus
from sessionsctl.core.domain.serialize import session_json, sessions_json

START = datetime(2026, 10, 24, 14, 0, tzinfo=UTC)  # the day before the clocks go back
NOW = START + timedelta(days=1, minutes=30)


def _sessions() -> list[Session]:
    found = []
    for i in range(12):
        start = START + timedelta(days=i % 3, hours=i % 2)  # shared starts, BST and GMT
        found.append(Session(
            id=i, uid=f"u{i}", title=f"Lesson {i}", mentor="ada@example.org", start=start,
            end=start + timedelta(minutes=45 + 15 * (i % 2)), tz="Europe/London",
            status=SessionStatus.CANCELLED if i == 4 else SessionStatus.SCHEDULED,
            series_id=1 if i % 4 else None,
            recurrence_id=start if i % 4 else None,
            created_at=START - timedelta(days=30)))
    return found


@pytest.mark.parametrize("tz", [ZoneInfo("Europe/London"), ZoneInfo("Asia/Kolkata"), None])
def test_a_listing_is_each_session_s_own_json(tz: ZoneInfo | None) -> None:
    sessions = _sessions()
    listed = sessions_json(sessions, tz, NOW)
    assert listed == [session_json(s, tz, NOW) for s in sessions]
    assert [item["live"] for item in listed].count(True) == 1  # on at NOW; the cancelled one not


def test_times_are_written_in_the_zone_with_their_offset() -> None:
    listed = sessions_json(_sessions(), ZoneInfo("Europe/London"), NOW)
    assert [listed[0]["start"], listed[1]["end"], listed[2]["start"]] == [
        "2026-10-24T15:00:00+01:00", "2026-10-25T16:00:00+00:00", "2026-10-26T14:00:00+00:00"]
    assert listed[1]["recurrence_id"] == "2026-10-25T15:00:00+00:00"
    assert listed[0]["recurrence_id"] is None
