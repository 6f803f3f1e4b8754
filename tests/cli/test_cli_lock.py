"""The calendar lock through the command line (issue 14): `lock --before DAY` freezes the
sessions and attendance marks before it to everyone but admins, on every path that writes
them; `lock show`; an earlier day (or `lock clear`) reopens."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Seeded

HELD = "2025-03-03 10:00"  # before the lock
LOCK = "2025-06-01"
LATER = "2030-01-07 10:00"


@pytest.fixture
def locked(seeded: Seeded) -> dict[str, int]:
    """A session held before the lock (Sam in it, marked present), one to come, the lock."""
    run = seeded.run
    run.ok("person", "add", "--name", "Ann Admin", "--email", "ann@example.org", "--role", "admin")
    held = seeded.book(HELD, students=[seeded.sam])["id"]
    run.ok("attendance", "mark", str(held), seeded.sam, "present")
    later = seeded.book(LATER, students=[seeded.kim])["id"]
    run.ok("lock", "--before", LOCK, as_="ann@example.org")
    return {"held": held, "later": later}


def test_only_an_admin_locks_and_anyone_may_see_where_it_stands(seeded: Seeded) -> None:
    run = seeded.run
    assert run.json("lock", "show") == {"locked_before": None}
    run.fails(5, "lock", "--before", LOCK, as_=seeded.desk)
    run.fails(5, "lock", "--before", LOCK, as_=seeded.ada)
    run.fails(5, "lock", "clear", as_=seeded.desk)
    assert run.json("lock", "show", as_=seeded.sam) == {"locked_before": None}
    run.ok("lock", "--before", LOCK)
    assert "locked before Sun 01 Jun 2025" in run.ok("lock", "show", as_=seeded.sam).stdout
    change = run.json("audit", "list", "--action", "lock")[0]
    assert (change["before"], change["after"]) == ({"before": None}, {"before": LOCK})
    run.fails(2, "lock", "--before", "someday")


def test_a_lock_on_days_to_come_is_meant_or_refused(seeded: Seeded) -> None:
    """A lock is for the past: a day after tomorrow would freeze sessions still to come, so it
    is refused, saying so, unless --future says it is meant."""
    run = seeded.run
    refused = run.fails(2, "lock", "--before", "2099-01-05")
    assert "would freeze sessions still to come" in refused.stderr
    assert "--future" in refused.stderr
    assert run.json("lock", "show") == {"locked_before": None}  # nothing was written
    run.ok("lock", "--before", "2099-01-05", "--future")
    assert run.json("lock", "show") == {"locked_before": "2099-01-05"}


@pytest.mark.parametrize("args", [
    ("session", "edit", "{held}", "--title", "Renamed"),
    ("session", "cancel", "{held}"),
    ("session", "complete", "{held}"),
    ("session", "note", "{held}", "late bus"),
    ("attendance", "mark", "{held}", "sam@example.org", "absent"),
    ("session", "edit", "{later}", "--start", "2025-04-01 10:00", "--past"),
    ("session", "add", "--title", "Late entry", "--mentor", "ada@example.org", "--start",
     "2025-04-02 10:00", "--duration", "60", "--past"),
    ("session", "cancel", "--from", "2025-01-01", "--to", "2025-12-31", "--past", "--yes"),
])
def test_what_the_lock_froze_is_refused_to_staff_and_mentors(
        seeded: Seeded, locked: dict[str, int], args: tuple[str, ...]) -> None:
    run = seeded.run
    line = [a.format(**locked) for a in args]
    before = run.json("session", "show", str(locked["held"]))
    for who in (seeded.desk, seeded.ada):
        said = run.fails(5, *line, as_=who).stderr
        assert "the calendar is locked before Sun 01 Jun 2025" in said
    assert run.json("session", "show", str(locked["held"])) == before
    assert run.json("attendance", "list", str(locked["held"]))[0]["status"] == "present"
    run.ok(*line, as_="ann@example.org")  # an admin may


def test_sessions_after_the_lock_are_changed_as_ever(seeded: Seeded,
                                                     locked: dict[str, int]) -> None:
    run = seeded.run
    run.ok("session", "edit", str(locked["later"]), "--title", "Still open", as_=seeded.desk)
    run.ok("session", "cancel", str(locked["later"]), as_=seeded.ada)


def test_an_attendance_file_touching_a_frozen_session_writes_nothing(
        seeded: Seeded, locked: dict[str, int], tmp_path: Path) -> None:
    path = tmp_path / "marks.csv"
    path.write_text(f"session_id,email,status\n{locked['held']},{seeded.sam},late\n")
    seeded.run.fails(5, "attendance", "import", str(path), as_=seeded.desk)
    assert seeded.run.json("attendance", "list", str(locked["held"]))[0]["status"] == "present"


def test_an_undo_is_held_to_the_lock(seeded: Seeded, locked: dict[str, int]) -> None:
    run = seeded.run
    mark = run.json("audit", "list", "--session", str(locked["held"]),
                    "--action", "attendance")[0]
    run.fails(5, "audit", "revert", str(mark["id"]), as_=seeded.desk)
    run.ok("audit", "revert", str(mark["id"]), as_="ann@example.org")
    assert run.json("attendance", "list", str(locked["held"])) == []


def test_an_earlier_day_or_clear_reopens(seeded: Seeded, locked: dict[str, int]) -> None:
    run = seeded.run
    run.ok("lock", "--before", "2025-01-01")
    run.ok("session", "edit", str(locked["held"]), "--title", "Reopened", as_=seeded.desk)
    run.ok("lock", "--before", LOCK)
    run.fails(5, "session", "edit", str(locked["held"]), "--title", "Again", as_=seeded.desk)
    assert run.json("lock", "clear") == {"locked_before": None}
    run.ok("session", "edit", str(locked["held"]), "--title", "Again", as_=seeded.desk)
