"""The audit trail through the command line, as each role: `audit list|show|revert` (issue 14).

Who may read it (staff and admins all of it, a mentor their own sessions', a student none),
the readable diff in the viewer's zone, undoing each kind of change through the use cases
(reopen, reinstate, put back, restore a mark, cancel a booking), refused when a later change
touched the same record unless forced with a reason, and audited itself. Passcodes are never
kept in the log."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import create_engine, select

from sessionsctl.store.schema import audit_table

from .conftest import Run, Seeded

FUTURE = "2030-01-07 10:00"  # a Monday, GMT in London
PAST = "2025-03-03 10:00"


def _last(run: Run, *args: str, as_: str | None = None) -> dict[str, Any]:
    """The newest change that `audit list ARGS` shows."""
    found = run.json("audit", "list", *args, as_=as_)
    assert found, "no change listed"
    return found[0]


def _status(run: Run, session_id: int) -> str:
    return run.json("session", "show", str(session_id))["status"]


def _audit_text(db_url: str) -> str:
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            return json.dumps([[r.before, r.after] for r in conn.execute(select(audit_table))])
    finally:
        engine.dispose()


# ------------------------------------------------------------------------------ reading
def test_staff_see_every_change_a_mentor_their_own_sessions_a_student_none(
        seeded: Seeded) -> None:
    run = seeded.run
    mine = seeded.book(FUTURE, students=[seeded.sam])["id"]
    theirs = seeded.book("2030-01-08 10:00", mentor=seeded.bob)["id"]
    everything = run.json("audit", "list", as_=seeded.desk)
    assert {mine, theirs} <= {int(e["entity_id"]) for e in everything if e["entity"] == "session"}
    assert any(e["entity"] == "person" for e in everything)
    adas = run.json("audit", "list", as_=seeded.ada)
    assert {int(e["entity_id"]) for e in adas} == {mine}
    run.fails(5, "audit", "list", "--session", str(theirs), as_=seeded.ada)
    theirs_change = _last(run, "--session", str(theirs))["id"]
    assert "may not read the change history of session" in run.fails(
        5, "audit", "show", str(theirs_change), as_=seeded.ada).stderr
    run.fails(5, "audit", "list", as_=seeded.sam)
    run.fails(5, "audit", "show", str(theirs_change), as_=seeded.sam)
    run.fails(4, "audit", "show", "99999")


def test_list_filters_by_session_person_action_and_day(seeded: Seeded) -> None:
    run = seeded.run
    a = seeded.book(FUTURE)["id"]
    b = seeded.book("2030-01-08 10:00", as_=seeded.desk)["id"]
    run.ok("session", "cancel", str(b), "--reason", "ill", as_=seeded.desk)
    by_desk = run.json("audit", "list", "--person", "Dee Desk")
    assert {(e["action"], e["entity_id"]) for e in by_desk} == {("book", str(b)),
                                                                ("cancelled", str(b))}
    assert all(e["actor"] == seeded.desk for e in by_desk)
    assert [e["action"] for e in run.json("audit", "list", "--session", str(a))] == ["book"]
    assert [e["entity_id"] for e in run.json("audit", "list", "--action", "cancelled")] == [str(b)]
    assert run.json("audit", "list", "--since", "2999-01-01") == []
    assert len(run.json("audit", "list", "--limit", "2")) == 2


def test_show_lists_each_changed_field_before_and_after_in_the_viewers_zone(
        seeded: Seeded) -> None:
    run = seeded.run
    sid = seeded.book(FUTURE)["id"]
    run.ok("session", "edit", str(sid), "--start", "2030-01-07 11:30", "--title", "Geometry",
           as_=seeded.ada)
    change = _last(run, "--session", str(sid))
    shown = run.ok("audit", "show", str(change["id"]), tz="America/New_York").stdout
    assert "edit session" in shown and seeded.ada in shown
    assert "Mon 07 Jan 2030 05:00" in shown and "Mon 07 Jan 2030 06:30" in shown  # New York
    assert "Algebra" in shown and "Geometry" in shown
    assert "sequence" not in shown
    data = run.json("audit", "show", str(change["id"]))
    fields = {c["field"]: (c["before"], c["after"]) for c in data["changes"]}
    assert fields["start"] == ("Mon 07 Jan 2030 10:00", "Mon 07 Jan 2030 11:30")
    assert fields["title"] == ("Algebra", "Geometry")
    assert data["actor"] == seeded.ada and data["login"] is None


def test_a_passcode_is_never_kept_in_the_audit_log(seeded: Seeded, db_url: str) -> None:
    run = seeded.run
    sid = seeded.book(FUTURE, extra=["--link", "https://meet.example.org/x",
                                     "--passcode", "s3cret-one"])["id"]
    run.ok("session", "edit", str(sid), "--passcode", "s3cret-two")
    run.ok("session", "cancel", str(sid))
    text = _audit_text(db_url)
    assert "s3cret" not in text and "[redacted]" in text
    assert run.json("session", "show", str(sid))["passcode"] == "s3cret-two"  # the session keeps it
    edit = run.json("audit", "list", "--session", str(sid), "--action", "edit")[0]
    assert "s3cret" not in run.ok("audit", "show", str(edit["id"])).stdout
    # Only the passcode changed: nothing that can be put back from the log.
    said = run.fails(2, "audit", "revert", str(edit["id"]), "--force", "--reason", "x").stderr
    assert "passcode is not kept" in said


# ------------------------------------------------------------------------------- undoing
def test_a_session_completed_by_mistake_is_reopened(seeded: Seeded) -> None:
    run = seeded.run
    sid = seeded.book(PAST, students=[seeded.sam])["id"]
    run.ok("session", "complete", str(sid), as_=seeded.ada)
    completed = _last(run, "--session", str(sid), "--action", "completed")
    out = run.ok("audit", "revert", str(completed["id"]), as_=seeded.ada).stdout
    assert "reopened" in out
    assert _status(run, sid) == "in_progress"
    revert = _last(run, "--session", str(sid), "--action", "revert")
    assert revert["after"]["reverts"] == completed["id"] and revert["actor"] == seeded.ada
    # Undone once: undoing it again is refused, naming the later change.
    said = run.fails(2, "audit", "revert", str(completed["id"]), as_=seeded.ada).stderr
    assert "was followed by" in said and "reopen" in said
    # Another mentor may not; a student may not.
    run.fails(5, "audit", "revert", str(completed["id"]), "--force", "--reason", "x",
              as_=seeded.bob)
    run.fails(5, "audit", "revert", str(completed["id"]), as_=seeded.sam)


def test_a_cancelled_session_is_reinstated_unless_its_slot_was_taken(seeded: Seeded) -> None:
    run = seeded.run
    sid = seeded.book(FUTURE, students=[seeded.sam])["id"]
    run.ok("session", "cancel", str(sid), "--reason", "ill", as_=seeded.desk)
    cancelled = _last(run, "--session", str(sid))
    run.ok("audit", "revert", str(cancelled["id"]), as_=seeded.desk)
    shown = run.json("session", "show", str(sid))
    assert shown["status"] == "scheduled" and shown["cancel_reason"] is None
    # Cancelled again, and the slot taken by another booking of the same mentor:
    run.ok("session", "cancel", str(sid), as_=seeded.desk)
    again = _last(run, "--session", str(sid))
    seeded.book(FUTURE, title="Other")
    said = run.fails(3, "audit", "revert", str(again["id"]), as_=seeded.desk)
    assert "ada@example.org" in said.output
    assert _status(run, sid) == "cancelled"


def test_a_moved_session_is_put_back_and_a_later_change_needs_force_with_a_reason(
        seeded: Seeded) -> None:
    run = seeded.run
    sid = seeded.book(FUTURE)["id"]
    run.ok("session", "edit", str(sid), "--start", "2030-01-08 14:00")
    moved = _last(run, "--session", str(sid))
    run.ok("session", "edit", str(sid), "--title", "Renamed")
    said = run.fails(2, "audit", "revert", str(moved["id"])).stderr
    assert f"change {moved['id']} was followed by 1 change" in said and "edit by" in said
    assert "reason" in run.fails(2, "audit", "revert", str(moved["id"]), "--force").stderr
    run.ok("audit", "revert", str(moved["id"]), "--force", "--reason", "wrong day")
    shown = run.json("session", "show", str(sid))
    assert shown["start"] == "2030-01-07T10:00:00+00:00" and shown["title"] == "Renamed"
    revert = _last(run, "--action", "revert")
    assert revert["after"]["reason"] == "wrong day"


def test_a_replaced_mark_is_restored_and_a_first_mark_taken_away(seeded: Seeded) -> None:
    run = seeded.run
    sid = seeded.book(PAST, students=[seeded.sam])["id"]
    run.ok("attendance", "mark", str(sid), seeded.sam, "present", as_=seeded.ada)
    first = _last(run, "--session", str(sid))
    run.ok("attendance", "mark", str(sid), seeded.sam, "absent", as_=seeded.ada)
    replaced = _last(run, "--session", str(sid))
    run.fails(2, "audit", "revert", str(first["id"]), as_=seeded.ada)  # marked again since
    out = run.ok("audit", "revert", str(replaced["id"]), as_=seeded.ada).stdout
    assert "back to present" in out
    assert [m["status"] for m in run.json("attendance", "list", str(sid))] == ["present"]
    run.ok("audit", "revert", str(first["id"]), "--force", "--reason", "not here", as_=seeded.ada)
    assert run.json("attendance", "list", str(sid)) == []


def test_a_booking_is_undone_by_cancelling_it_and_others_are_refused(seeded: Seeded) -> None:
    run = seeded.run
    sid = seeded.book(FUTURE)["id"]
    booked = _last(run, "--session", str(sid))
    run.ok("audit", "revert", str(booked["id"]))
    assert _status(run, sid) == "cancelled"
    run.ok("session", "note", str(sid), "call parents")
    note = _last(run, "--session", str(sid), "--action", "note")
    assert "cannot be undone" in run.fails(2, "audit", "revert", str(note["id"])).stderr
    person = next(e for e in run.json("audit", "list") if e["entity"] == "person")
    assert "cannot be undone" in run.fails(2, "audit", "revert", str(person["id"])).stderr


def test_a_change_recorded_as_a_list_is_listed_and_shown(seeded: Seeded) -> None:
    """A mentor's availability is recorded as the list of its windows, not one object."""
    run = seeded.run
    run.ok("availability", "set", seeded.ada, "--weekday", "mon", "--weekday", "wed",
           "--from", "15:00", "--to", "19:30")
    [entry, *_] = run.json("audit", "list")
    assert entry["action"] == "availability"
    shown = run.ok("audit", "show", str(entry["id"])).stdout
    assert "items" in shown and "15:00" in shown
