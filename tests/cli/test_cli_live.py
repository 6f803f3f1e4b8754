"""Status follows the clock: a scheduled session whose start has passed and whose end has
not is shown as live (list, show, JSON), with no job to move it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from .conftest import VIEWER_TZ, Seeded


def _at(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).astimezone(ZoneInfo(VIEWER_TZ)).strftime("%Y-%m-%d %H:%M")


def test_a_session_under_way_is_live_and_one_to_come_or_over_is_not(seeded: Seeded) -> None:
    run = seeded.run
    on = seeded.book(_at(-timedelta(minutes=20)), title="Now", extra=["--no-notify"])
    later = seeded.book(_at(timedelta(hours=3)), title="Later", extra=["--no-notify"])
    over = seeded.book(_at(-timedelta(hours=3)), title="Over", duration=30,
                       extra=["--no-notify"])
    listed = {s["title"]: s for s in run.json("session", "list", "--all")}
    assert listed["Now"]["live"] is True and listed["Now"]["status"] == "scheduled"
    assert listed["Later"]["live"] is False and listed["Over"]["live"] is False
    assert run.json("session", "show", str(on["id"]))["live"] is True
    shown = run.ok("session", "show", str(on["id"])).stdout
    assert "live" in shown
    assert "live" not in run.ok("session", "show", str(later["id"])).stdout
    run.ok("session", "cancel", str(on["id"]), "--no-notify")
    assert run.json("session", "show", str(on["id"]))["live"] is False
    assert over["id"] != later["id"]


def test_completing_or_starting_before_the_start_needs_force(seeded: Seeded) -> None:
    run = seeded.run
    ahead = seeded.book(_at(timedelta(days=4)), title="Ahead", extra=["--no-notify"])
    sid = str(ahead["id"])
    for verb in ("complete", "start"):
        said = run.fails(2, "session", verb, sid).stderr
        assert f"session {sid} starts" in said and "--force" in said
    assert run.json("session", "show", sid)["status"] == "scheduled"
    assert run.json("session", "start", sid, "--force")["status"] == "in_progress"
    assert run.json("session", "complete", sid, "--force")["status"] == "completed"
    on = seeded.book(_at(-timedelta(minutes=5)), title="On", extra=["--no-notify"])
    assert run.json("session", "complete", str(on["id"]))["status"] == "completed"
