"""`session close-ended` from the command line (issue 21)."""

from __future__ import annotations

from .conftest import Run


def test_close_ended_completes_past_sessions_and_marks_absent(run: Run) -> None:
    run.ok("person", "add", "--name", "Ada", "--email", "ada@example.org", "--role", "mentor")
    run.ok("person", "add", "--name", "Sam", "--email", "sam@example.org", "--role", "student")
    held = run.json("session", "add", "--title", "Held", "--mentor", "ada@example.org",
                    "--student", "sam@example.org", "--start", "2026-01-05 16:00",
                    "--duration", "60", "--past")
    dry = run.json("session", "close-ended", "--after", "2h", "--dry-run")
    assert [(c["session"]["id"], c["absent"]) for c in dry] == [(held["id"], ["sam@example.org"])]
    done = run.json("session", "close-ended")
    assert [c["session"]["status"] for c in done] == ["completed"]
    marks = run.json("attendance", "list", str(held["id"]))
    assert [(m["student"], m["status"]) for m in marks] == [("sam@example.org", "absent")]
    again = run.ok("session", "close-ended")
    assert "Completed 0 sessions." in again.stdout
    run.fails(2, "session", "close-ended", "--unmarked", "maybe")


def test_attendance_warnings_from_the_command_line(run: Run) -> None:
    run.ok("person", "add", "--name", "Ada", "--email", "ada@example.org", "--role", "mentor")
    run.ok("person", "add", "--name", "Sam", "--email", "sam@example.org", "--role", "student")
    held = run.json("session", "add", "--title", "Held", "--mentor", "ada@example.org",
                    "--student", "sam@example.org", "--start", "2026-01-05 16:00",
                    "--duration", "60", "--past")
    run.ok("attendance", "mark", str(held["id"]), "sam@example.org", "absent", "--force")
    found = run.json("attendance", "warnings", "--window", "4000d", "--threshold", "50%")
    assert [(w["student"], w["rate"]) for w in found] == [("sam@example.org", 0.0)]
    assert run.json("attendance", "warnings", "--window", "1d") == []
    run.fails(2, "attendance", "warnings", "--threshold", "lots")
