"""`availability off` says which booked sessions the time off leaves without their mentor,
and hands them to another mentor with --reassign-to (conflict-checked, all or none)."""

from __future__ import annotations

from .conftest import Seeded


def test_time_off_lists_the_sessions_it_hits_and_leaves_them_flagged(seeded: Seeded) -> None:
    run = seeded.run
    first = seeded.book("2030-03-04 16:00", students=[seeded.sam])
    second = seeded.book("2030-03-05 16:00", students=[seeded.kim])
    seeded.book("2030-03-09 16:00")  # after the leave
    seeded.book("2030-03-04 10:00", mentor=seeded.bob)  # not Ada's
    result = run.ok("availability", "off", seeded.ada, "--from", "2030-03-04", "--to",
                    "2030-03-06", "--reason", "leave")
    assert "2 sessions already booked then, still with ada@example.org" in result.stdout
    shown = run.json("availability", "off", seeded.ada, "--from", "2030-03-05 15:00", "--to",
                     "2030-03-05 18:00")
    assert [s["id"] for s in shown["sessions"]] == [second["id"]]
    assert shown["reassigned_to"] is None
    assert run.json("session", "show", str(first["id"]))["mentor"] == seeded.ada


def test_reassign_to_is_conflict_checked_and_all_or_none(seeded: Seeded) -> None:
    run = seeded.run
    first = seeded.book("2030-03-04 16:00", students=[seeded.sam])
    second = seeded.book("2030-03-05 16:00")
    busy = seeded.book("2030-03-05 16:30", mentor=seeded.bob)
    refused = run.fails(3, "availability", "off", seeded.ada, "--from", "2030-03-04", "--to",
                        "2030-03-06", "--reassign-to", seeded.bob)
    assert str(busy["id"]) in refused.stderr + refused.stdout
    # nothing written: no time off, both sessions still Ada's
    assert run.json("session", "show", str(second["id"]))["mentor"] == seeded.ada
    run.ok("session", "cancel", str(busy["id"]))
    done = run.json("availability", "off", seeded.ada, "--from", "2030-03-04", "--to",
                    "2030-03-06", "--reassign-to", "Bob Stone")
    assert done["reassigned_to"] == seeded.bob
    assert {s["mentor"] for s in done["sessions"]} == {seeded.bob}
    for session in (first, second):
        assert run.json("session", "show", str(session["id"]))["mentor"] == seeded.bob
    run.fails(3, *("session", "add", "--title", "During", "--mentor", seeded.ada, "--start",
                   "2030-03-05 09:00", "--duration", "30"))
