"""A booked session its mentor is left with after `availability off` or a dated window
change is flagged "mentor unavailable" in `session show` and `session list` (`--flagged`
lists them) until it is reassigned, moved or the availability restored."""

from __future__ import annotations

from .conftest import Seeded

FIRST, SECOND = "2030-06-03 16:00", "2030-06-10 16:00"


def _flagged(seeded: Seeded) -> list[int]:
    return [s["id"] for s in seeded.run.json("session", "list", "--flagged")]


def test_sessions_left_to_an_unavailable_mentor_are_flagged_until_resolved(
        seeded: Seeded) -> None:
    run = seeded.run
    first = seeded.book(FIRST, students=[seeded.sam], extra=["--no-notify"])["id"]
    second = seeded.book(SECOND, students=[seeded.kim], extra=["--no-notify"])["id"]
    assert _flagged(seeded) == []
    assert run.json("session", "show", str(first))["flags"] == []

    # Leave over the first, the sessions left with her: flagged, everywhere.
    run.ok("availability", "off", seeded.ada, "--from", "2030-06-03", "--to", "2030-06-04",
           "--reason", "leave")
    assert _flagged(seeded) == [first]
    shown = run.json("session", "show", str(first))
    assert shown["flags"] == ["mentor unavailable: ada@example.org is on time "
                              "off: leave"]
    assert "mentor unavailable" in run.ok("session", "show", str(first)).stdout
    listed = run.json("session", "list", "--all")
    assert {s["id"]: s.get("flags") for s in listed} == {
        first: shown["flags"], second: None}  # only a flagged session carries flags
    assert "mentor unavailable" in run.ok("session", "list", "--all").stdout
    # Reassigned: resolved.
    run.ok("session", "edit", str(first), "--mentor", seeded.bob, "--no-notify")
    assert _flagged(seeded) == []

    # A dated window that leaves the second outside: flagged; moved inside it: resolved;
    # moved back out and the window removed (the weekly pattern, none: any time): resolved.
    run.ok("availability", "add", seeded.ada, "--on", "2030-06-10", "--from", "09:00",
           "--to", "12:00")
    assert _flagged(seeded) == [second]
    assert "not available then" in run.json("session", "show", str(second))["flags"][0]
    run.ok("session", "edit", str(second), "--start", "2030-06-10 10:00", "--no-notify")
    assert _flagged(seeded) == []
    run.ok("session", "edit", str(second), "--start", "2030-06-10 16:00", "--no-notify",
           "--force", "--reason", "agreed")
    assert _flagged(seeded) == [second]
    run.ok("availability", "remove", seeded.ada, "--on", "2030-06-10")
    assert _flagged(seeded) == []
    # Only sessions still to end are flagged, and a student sees only their own.
    assert run.json("session", "list", "--flagged", as_=seeded.sam) == []
