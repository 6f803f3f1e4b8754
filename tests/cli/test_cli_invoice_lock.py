"""The invoice lock from the command line, on either backend: every path that would change
an invoiced session's amount (status changes, the roster, bulk moves, scoped edits, undo,
an import by id) is refused naming the session and the invoice, until the invoice is void;
what has no bearing on the amount stays free to change."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.errors import InvalidInput
from sessionsctl.core.domain.model import Attendance, AttendanceStatus

from .conftest import Seeded
from .test_cli_billing import billed  # noqa: F401  (the fixture)

PERIOD = ("--from", "2025-03-01", "--to", "2025-03-31")


def refused(seeded: Seeded, session_id: int, *args: str) -> str:
    result = seeded.run.fails(2, *args)
    assert f"session {session_id} is on invoice 1" in result.stderr, result.stderr
    return result.stderr


def became(seeded: Seeded, session_id: str, status: str) -> list[dict[str, Any]]:
    """The audit entries of the session's change to ``status``."""
    return [e for e in seeded.run.json("audit", "list")
            if e["entity"] == "session" and str(e["entity_id"]) == session_id
            and (e["after"] or {}).get("status") == status
            and (e["before"] or {}).get("status") != status]


def test_every_path_to_an_invoiced_sessions_amount_waits_for_the_void(
        seeded: Seeded, billed: dict[str, int], tmp_path: Path) -> None:  # noqa: F811
    run = seeded.run
    four = str(billed["four"])
    run.ok("session", "cancel", four, "--reason", "ill", "--by", "student")  # late: billed
    run.ok("invoice", "make", "--student", seeded.sam, *PERIOD, "--dir", str(tmp_path))
    one = billed["one"]  # Sam's place in it is on invoice 1 (Kim's is not invoiced)
    s = str(one)
    completed = became(seeded, s, "completed")
    assert "status" in refused(seeded, one, "audit", "revert", str(completed[0]["id"]))
    cancelled = became(seeded, four, "cancelled")
    assert "status" in refused(seeded, billed["four"], "audit", "revert",
                               str(cancelled[0]["id"]))  # reinstating it
    exported = run.ok("export", "csv", *PERIOD).stdout
    rows = list(csv.DictReader(io.StringIO(exported)))
    for row in rows:
        if row["id"] == s:
            row["cost"] = "5.00"
    sheet = tmp_path / "back.csv"
    with sheet.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    imported = run(*("import", "csv", str(sheet)))
    assert imported.exit_code == 2 and "invoice 1" in imported.stderr, imported.stderr
    # no bearing on the amount: the description, a note
    run.ok("session", "edit", s, "--description", "Chapter 3")
    run.ok("session", "note", s, "went well")
    kept = run.json("session", "show", s)
    assert (kept["status"], kept["description"], kept["cost"]) == (
        "completed", "Chapter 3", None)
    run.ok("invoice", "void", "1", "--reason", "to be redone")
    run.ok("audit", "revert", str(completed[0]["id"]), "--force", "--reason", "reopened")
    run.ok("audit", "revert", str(cancelled[0]["id"]))
    assert [run.json("session", "show", i)["status"] for i in (s, four)] == [
        "in_progress", "scheduled"]  # reopened (its time has passed), reinstated


def test_a_scoped_edit_leaves_an_invoiced_occurrence_as_invoiced(
        seeded: Seeded, tmp_path: Path) -> None:
    run = seeded.run
    run.ok("rate", "set", "30", "--subject", "mathematics", "--per", "session")
    made = run.json("session", "add", "--title", "Weekly", "--mentor", seeded.ada,
                    "--start", "2025-03-03 16:00", "--past", "--duration", "60",
                    "--student", seeded.sam, "--subject", seeded.subject,
                    "--repeat", "FREQ=WEEKLY;COUNT=3")
    ids = [str(o["id"]) for o in run.json("session", "list", *PERIOD)]
    assert len(ids) == 3, made
    first, second, _ = ids
    run.ok("session", "complete", first)
    run.ok("invoice", "make", "--student", seeded.sam, *PERIOD, "--dir", str(tmp_path))
    # the invoiced occurrence is left as it was: the invoice still adds up
    run.ok("session", "edit", second, "--cost", "5.00", "--scope", "all")
    assert [run.json("session", "show", i)["cost"] for i in ids] == [None, "5.00", "5.00"]
    assert [i["total"] for i in run.json("invoice", "list")] == ["30.00"]


def test_the_repository_refuses_every_write_to_an_invoiced_place(
        seeded: Seeded, billed: dict[str, int], centre: Centre,  # noqa: F811
        tmp_path: Path) -> None:
    """The roster, course and deletion writes (which the status rules already keep off a
    completed session in the commands) are held by the unit of work itself."""
    seeded.run.ok("invoice", "make", "--student", seeded.sam, *PERIOD, "--dir", str(tmp_path))
    one = billed["one"]
    for write, what in (
            (lambda uow: uow.sessions.drop_student(one, seeded.sam), "students"),
            (lambda uow: uow.sessions.delete([one]), "be deleted"),
            (lambda uow: uow.sessions.set_course([one], 99, None), "course_id")):
        with pytest.raises(InvalidInput, match=f"session {one} is on invoice 1.*{what}"), \
                centre.ctx.write() as uow:
            write(uow)
    with centre.ctx.write() as uow:  # Kim's place is not invoiced; an unchanged course
        uow.sessions.set_course([one], None, None)
        uow.sessions.drop_student(one, seeded.kim)
    with centre.ctx.read() as uow:
        after = uow.sessions.get(one)
    assert after is not None and after.students == (seeded.sam,)


def test_an_invoiced_places_mark_keeps_whether_it_is_charged(
        seeded: Seeded, billed: dict[str, int], centre: Centre,  # noqa: F811
        tmp_path: Path) -> None:
    """Kim was absent from #one (charged 30.00) and is invoiced for it: excusing the absence
    would take 30.00 off invoice 1, so it is refused (by the command, and at the unit of work
    for every other mark write) until the invoice is void; a mark that keeps the place
    charged (absent -> late) is free, and so is Sam's, who is not on an invoice."""
    run = seeded.run
    run.ok("invoice", "make", "--student", seeded.kim, *PERIOD, "--dir", str(tmp_path))
    one = billed["one"]
    result = run.fails(2, "attendance", "mark", str(one), seeded.kim, "excused")
    assert (f"session {one} is on invoice 1: {seeded.kim}'s mark cannot change from absent "
            "to excused") in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    excused = Attendance(one, seeded.kim, AttendanceStatus.EXCUSED)
    with pytest.raises(InvalidInput, match=f"session {one} is on invoice 1.*to excused"), \
            centre.ctx.write() as uow:
        uow.attendance.set_mark(excused)
    with centre.ctx.write() as uow:  # a mark there already: add_mark keeps it, unrefused
        assert not uow.attendance.add_mark(excused)
        uow.attendance.remove_mark(one, seeded.kim)  # unmarked is charged too
        with pytest.raises(InvalidInput, match="from unmarked to excused"):
            uow.attendance.add_mark(excused)
        uow.attendance.set_mark(Attendance(one, seeded.kim, AttendanceStatus.ABSENT))
    run.ok("attendance", "mark", str(one), seeded.kim, "late")  # still charged
    run.ok("attendance", "mark", str(one), seeded.sam, "excused")  # not invoiced
    marks = {m["student"]: m["status"] for m in run.json("attendance", "list", str(one))}
    assert marks == {seeded.kim: "late", seeded.sam: "excused"}
    assert run.json("invoice", "list")[0]["total"] == "60.00"
    run.ok("invoice", "void", "1", "--reason", "Kim was excused")
    run.ok("attendance", "mark", str(one), seeded.kim, "excused")
    again = run.json("invoice", "make", "--student", seeded.kim, *PERIOD,
                     "--dir", str(tmp_path))
    assert (again["number"], again["total"]) == (2, "30.00")  # #three alone
