"""`session enrol|unenrol`: students put on a session and taken off it one or several at a
time, each judged on their own clashes and the seats, all or nothing, only they mailed."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .conftest import Seeded

FUTURE = "2030-10-15 16:00"
SNAPSHOT = Callable[[], dict[str, list[tuple[Any, ...]]]]


def _outbox(seeded: Seeded) -> list[tuple[str, str]]:
    return [(m["kind"], m["recipient"]) for m in seeded.run.json("mail", "outbox")]


def test_enrol_keeps_the_roster_and_mails_only_those_added(seeded: Seeded) -> None:
    run = seeded.run
    s = seeded.book(FUTURE, title="Workshop", students=[seeded.sam], extra=["--max", "3"])
    assert s["seats"] == "1/3"
    mailed = len(_outbox(seeded))
    out = run.json("session", "enrol", str(s["id"]), seeded.kim, "Lee Chen")
    assert out["students"] == sorted([seeded.sam, seeded.kim, seeded.lee])
    assert out["added"] == [seeded.kim, seeded.lee] and out["seats"] == "3/3"
    assert _outbox(seeded)[mailed:] == [("booked", seeded.kim), ("booked", seeded.lee)]
    shown = run.ok("session", "show", str(s["id"])).stdout
    assert "Seats" in shown and "3/3" in shown
    listed = run.json("session", "list", "--all")
    assert listed[0]["seats"] == "3/3"

    out = run.json("session", "unenrol", str(s["id"]), seeded.sam, seeded.lee)
    assert out["students"] == [seeded.kim] and out["removed"] == [seeded.sam, seeded.lee]
    assert _outbox(seeded)[mailed + 2:] == [("cancelled", seeded.sam),
                                            ("cancelled", seeded.lee)]
    history = run.json("audit", "list", "--session", str(s["id"]))
    assert [e["action"] for e in history][:2] == ["unenrol", "enrol"]


def test_enrol_is_all_or_nothing_and_names_each_clash(seeded: Seeded,
                                                      db_snapshot: SNAPSHOT) -> None:
    run = seeded.run
    s = seeded.book(FUTURE, title="Workshop", extra=["--max", "5"])
    seeded.book("2030-10-15 16:30", title="Chemistry", mentor=seeded.bob, students=[seeded.lee])
    before = db_snapshot()
    refused = run.fails(3, "session", "enrol", str(s["id"]), seeded.sam, seeded.lee)
    assert "Lee Chen" in refused.stderr and "Chemistry" in refused.stderr
    assert "Sam Lee" not in refused.stderr  # only the one busy is named
    assert db_snapshot() == before
    conflicts = run.fails(3, "session", "enrol", str(s["id"]), seeded.lee, "--json")
    assert [c["kind"] for c in json.loads(conflicts.stdout)["conflicts"]] \
        == ["student"]
    # Forced with a reason: written, the clash said and the reason kept in the audit log.
    out = run.json("session", "enrol", str(s["id"]), seeded.sam, seeded.lee, "--force",
                   "--reason", "leaves early")
    assert out["added"] == [seeded.sam, seeded.lee]
    assert [c["kind"] for c in out["forced_over"]] == ["student"]
    entry = run.json("audit", "list", "--session", str(s["id"]))[0]
    assert entry["after"]["force_reason"] == "leaves early"


def test_the_seats_hold_the_roster_to_the_session_and_the_room(seeded: Seeded,
                                                                db_snapshot: SNAPSHOT) -> None:
    run = seeded.run
    s = seeded.book(FUTURE, students=[seeded.sam], extra=["--max", "2"])
    before = db_snapshot()
    refused = run.fails(3, "session", "enrol", str(s["id"]), seeded.kim, seeded.lee)
    assert "3 students but at most 2 allowed" in refused.stderr
    assert db_snapshot() == before
    in_room = seeded.book("2030-10-16 16:00", extra=["--room", seeded.room])  # 2 seats
    run.ok("session", "enrol", str(in_room["id"]), seeded.sam, seeded.kim)
    refused = run.fails(3, "session", "enrol", str(in_room["id"]), seeded.lee)
    assert "room Room 2 seats 2" in refused.stderr


def test_roster_refusals_name_the_student_and_the_session(seeded: Seeded,
                                                          db_snapshot: SNAPSHOT) -> None:
    run = seeded.run
    s = seeded.book(FUTURE, students=[seeded.sam], extra=["--max", "5"])
    sid = str(s["id"])
    before = db_snapshot()
    assert f"sam@example.org is on session {sid} already" in run.fails(
        2, "session", "enrol", sid, seeded.kim, seeded.sam).stderr
    assert f"kim@example.org is not on session {sid}" in run.fails(
        2, "session", "unenrol", sid, seeded.sam, seeded.kim).stderr
    assert "is a mentor, not a student" in run.fails(
        2, "session", "enrol", sid, seeded.bob).stderr
    run.fails(4, "session", "enrol", sid, "nobody@example.org")
    run.fails(4, "session", "enrol", "999", seeded.kim)
    run.fails(2, "session", "enrol", sid, seeded.kim, "--force")  # no reason
    # A mentor changes the rosters of their own sessions only; a student none.
    run.fails(5, "session", "enrol", sid, seeded.kim, as_=seeded.bob)
    run.fails(5, "session", "unenrol", sid, seeded.sam, as_=seeded.sam)
    run.ok("session", "cancel", sid, "--no-notify")
    cancelled = db_snapshot()
    assert "cancelled" in run.fails(2, "session", "enrol", sid, seeded.kim).stderr
    assert db_snapshot() == cancelled
    assert before != cancelled


def test_a_mentor_enrols_in_their_own_session_and_the_undo_puts_the_roster_back(
        seeded: Seeded) -> None:
    run = seeded.run
    s = seeded.book(FUTURE, students=[seeded.sam], extra=["--max", "5"])
    run.ok("session", "enrol", str(s["id"]), seeded.kim, as_=seeded.ada)
    entry = run.json("audit", "list", "--session", str(s["id"]))[0]
    assert entry["action"] == "enrol"
    run.ok("audit", "revert", str(entry["id"]))
    assert run.json("session", "show", str(s["id"]))["students"] == [seeded.sam]
