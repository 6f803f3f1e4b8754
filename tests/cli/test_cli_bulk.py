"""`session cancel|move|reassign` over a filter (docs/CLI.md, "Bulk changes"): the plan shown,
confirmation asked (or --yes), --dry-run writing nothing, all or nothing when one session would
clash, --closure choosing the sessions on closed days, and --json. Dates in 2030 (the future);
the runner's zone is Europe/London."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sessionsctl.cli import bulk

from .conftest import Seeded, assert_clean_exit, parse_json

PLAN_KEYS = {"action", "change", "dry_run", "applied", "count", "skipped", "conflict_count",
             "sessions"}
ROW_KEYS = {"id", "title", "action", "reason", "before", "after", "conflicts",
            "conflict_count"}


def ids(plan: dict[str, Any], action: str | None = None) -> list[int]:
    return [r["id"] for r in plan["sessions"] if action is None or r["action"] == action]


def show(seeded: Seeded, session_id: int) -> dict[str, Any]:
    return seeded.run.json("session", "show", str(session_id))


@pytest.fixture
def week(seeded: Seeded) -> dict[str, int]:
    """Ada on Monday and Tuesday, Bob on Tuesday, a completed one on Monday morning."""
    made = {
        "mon": seeded.book("2030-10-14 16:00", title="Mon", students=(seeded.sam,),
                           extra=("--room", seeded.room))["id"],
        "tue": seeded.book("2030-10-15 16:00", title="Tue", students=(seeded.kim,))["id"],
        "bob": seeded.book("2030-10-15 16:00", title="Bob's", mentor=seeded.bob)["id"],
        "done": seeded.book("2030-10-14 09:00", title="Done")["id"],
    }
    seeded.run.ok("session", "complete", str(made["done"]), "--force")
    return made


def test_dry_run_shows_the_plan_and_writes_nothing(
        seeded: Seeded, week: dict[str, int], db_snapshot: Callable[[], Any]) -> None:
    before = db_snapshot()
    result = seeded.run.ok("session", "move", "--mentor", "Ada Byron", "--from", "2030-10-14",
                           "--to", "2030-10-15", "--by", "+1d", "--dry-run")
    out = result.stdout
    assert "Move: move by +1d" in out
    assert "→ Tue 15 Oct 2030 16:00 BST" in out and "→ Wed 16 Oct 2030 16:00 BST" in out
    assert "left: already completed" in out
    assert "2 sessions to move, 1 left as they are" in out
    assert "Dry run: nothing was written." in out
    plan = seeded.run.json("session", "move", "--mentor", seeded.ada, "--from", "2030-10-14",
                           "--to", "2030-10-15", "--by", "+1d", "--dry-run")
    assert set(plan) == PLAN_KEYS and (plan["dry_run"], plan["applied"]) == (True, False)
    assert (plan["count"], plan["skipped"], plan["conflict_count"]) == (2, 1, 0)
    assert ids(plan) == [week["done"], week["mon"], week["tue"]]
    done_row, mon_row = plan["sessions"][0], plan["sessions"][1]
    assert set(mon_row) == ROW_KEYS
    assert (done_row["action"], done_row["reason"], done_row["after"]) == (
        "skip", "already completed", None)
    assert mon_row["action"] == "move" and mon_row["after"]["start"] == "2030-10-15T16:00:00+01:00"
    assert db_snapshot() == before


def test_move_is_all_or_nothing_when_one_session_clashes(
        seeded: Seeded, week: dict[str, int], db_snapshot: Callable[[], Any]) -> None:
    # Bob is busy the next day at 16:30: his session cannot follow; Ada's could.
    blocker = seeded.book("2030-10-16 16:30", title="Busy", mentor=seeded.bob)["id"]
    before = db_snapshot()
    args = ("session", "move", "--from", "2030-10-15", "--to", "2030-10-15", "--by", "+1d",
            "--yes")
    result = seeded.run.fails(3, *args)
    assert "refused: 1 scheduling conflict in 1 of 2 sessions; nothing was written" \
        in result.stderr
    assert f"#{blocker}" in result.stderr
    assert db_snapshot() == before
    plan = parse_json(seeded.run.fails(3, *args, "--json"))
    assert plan["conflict_count"] == 1 and plan["applied"] is False
    clashing = [r for r in plan["sessions"] if r["conflicts"]]
    assert [r["id"] for r in clashing] == [week["bob"]]
    assert clashing[0]["conflicts"][0]["with"]["id"] == blocker
    assert db_snapshot() == before
    # Without Bob's, it goes ahead.
    done = seeded.run.json(*args, "--mentor", seeded.ada)
    assert done["applied"] and ids(done, "move") == [week["tue"]]
    assert show(seeded, week["tue"])["start"] == "2030-10-16T16:00:00+01:00"


def test_closure_chooses_the_sessions_on_closed_days(seeded: Seeded, week: dict[str, int]) -> None:
    seeded.run.ok("closure", "add", "2030-10-15", "--reason", "boiler")
    plan = seeded.run.json("session", "cancel", "--closure", "--reason", "boiler", "--yes")
    assert plan["applied"] and sorted(ids(plan, "cancel")) == sorted([week["tue"], week["bob"]])
    for key in ("tue", "bob"):
        s = show(seeded, week[key])
        assert (s["status"], s["cancel_reason"]) == ("cancelled", "boiler")
    assert show(seeded, week["mon"])["status"] == "scheduled"
    outbox = seeded.run.json("mail", "outbox")
    assert {(m["recipient"], m["session_id"]) for m in outbox if m["kind"] == "cancelled"} == {
        (seeded.ada, week["tue"]), (seeded.kim, week["tue"]), (seeded.bob, week["bob"])}
    # Again: nothing is left to change, said so, exit 0.
    again = seeded.run.ok("session", "cancel", "--closure", "--yes").stdout
    assert "left: already cancelled" in again and "Nothing to change." in again


def test_without_yes_and_no_terminal_it_is_refused(
        seeded: Seeded, week: dict[str, int], db_snapshot: Callable[[], Any]) -> None:
    before = db_snapshot()
    result = seeded.run.fails(2, "session", "cancel", "--mentor", seeded.bob)
    assert "add --yes to confirm" in result.stderr
    assert db_snapshot() == before


def test_at_a_terminal_it_asks_first(seeded: Seeded, week: dict[str, int],
                                     db_snapshot: Callable[[], Any],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "can_ask", lambda: True)
    before = db_snapshot()
    no = seeded.run("session", "reassign", "--mentor", seeded.bob, "--new-room", "hall",
                    input="n\n")
    assert no.exit_code == 1 and "Reassign 1 session?" in no.stderr
    assert db_snapshot() == before
    yes = seeded.run.ok("session", "reassign", "--mentor", seeded.bob, "--new-room", "hall",
                        input="y\n")
    assert "Reassigned 1 session." in yes.stdout
    assert show(seeded, week["bob"])["room"] == seeded.hall


def test_reassign_a_room_and_none(seeded: Seeded, week: dict[str, int]) -> None:
    plan = seeded.run.json("session", "reassign", str(week["mon"]), "--new-room", "hall",
                           "--yes")
    assert plan["sessions"][0]["after"]["room"] == seeded.hall
    seeded.run.json("session", "reassign", str(week["mon"]), "--new-room", "", "--yes")
    assert show(seeded, week["mon"])["room"] is None
    seeded.run.fails(4, "session", "reassign", str(week["mon"]), "--new-room", "Nowhere",
                     "--yes")
    seeded.run.fails(2, "session", "reassign", str(week["mon"]), "--yes")


def test_nothing_matching_says_so(seeded: Seeded, week: dict[str, int]) -> None:
    out = seeded.run.ok("session", "cancel", "--from", "2031-01-01", "--yes").stdout
    assert "No session matches these filters; nothing to do." in out
    plan = seeded.run.json("session", "move", "--from", "2031-01-01", "--by", "+1w")
    assert (plan["count"], plan["sessions"]) == (0, [])


@pytest.mark.parametrize(("args", "field"), [
    (("session", "cancel", "--yes"), "filter"),
    (("session", "move", "--mentor", "ada@example.org", "--by", "soon"), "--by"),
    (("session", "move", "--mentor", "ada@example.org"), "--by"),
    (("session", "move", "--mentor", "ada@example.org", "--by", "+1d", "--on", "monday"),
     "--by"),
    (("session", "cancel", "1", "--scope", "all", "--mentor", "ada@example.org"), "scope"),
])
def test_bad_bulk_input_is_exit_2(seeded: Seeded, week: dict[str, int], args: tuple[str, ...],
                                  field: str, db_snapshot: Callable[[], Any]) -> None:
    before = db_snapshot()
    result = seeded.run.fails(2, *args, "--json")
    assert parse_json(result)["field"] == field
    assert db_snapshot() == before


def test_a_mentor_bulk_changes_only_their_own(seeded: Seeded, week: dict[str, int]) -> None:
    plan = seeded.run.json("session", "cancel", "--from", "2030-10-15", "--to", "2030-10-15",
                           "--yes", as_=seeded.ada)
    assert ids(plan, "cancel") == [week["tue"]]
    assert show(seeded, week["bob"])["status"] == "scheduled"
    result = seeded.run("session", "reassign", str(week["mon"]), "--new-mentor", seeded.bob,
                        "--yes", as_=seeded.ada)
    assert_clean_exit(result, 5)


def test_the_single_id_cancel_is_as_it_was(seeded: Seeded, week: dict[str, int]) -> None:
    cancelled = seeded.run.json("session", "cancel", str(week["mon"]), "--reason", "ill")
    assert [s["id"] for s in cancelled] == [week["mon"]]
    assert cancelled[0]["cancel_reason"] == "ill"
