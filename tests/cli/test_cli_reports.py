"""`attendance`, `feedback` and `report` from the command line: the happy paths, outputs that
parse back, the HTML report in a real headless browser, and bad input that writes nothing."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import Seeded, parse_json

PAST = "2025-03-04"  # a Tuesday, long gone: sessions there have started
FUTURE = "2031-03-04"


@pytest.fixture
def lessons(seeded: Seeded) -> dict[str, int]:
    """Three past sessions and one to come:
    #1 Ada with Sam and Kim, Tue 16:00-17:00; #2 Bob with Kim and Lee, Wed 10:00-11:30;
    #3 Ada with Lee, Thu 16:00-17:00 (cancelled); #4 Ada with Sam in 2031."""
    run = seeded.run
    one = seeded.book(f"{PAST} 16:00", students=[seeded.sam, seeded.kim],
                      extra=["--subject", "Mathematics"])["id"]
    two = seeded.book("2025-03-05 10:00", mentor=seeded.bob, students=[seeded.kim, seeded.lee],
                      duration=90)["id"]
    three = seeded.book("2025-03-06 16:00", students=[seeded.lee])["id"]
    four = seeded.book(f"{FUTURE} 16:00", students=[seeded.sam])["id"]
    run.ok("session", "cancel", str(three), "--reason", "snow")
    return {"one": one, "two": two, "three": three, "four": four}


# ------------------------------------------------------------------------- attendance
def test_mark_list_and_mark_all(seeded: Seeded, lessons: dict[str, int]) -> None:
    run = seeded.run
    one = str(lessons["one"])
    mark = run.json("attendance", "mark", one, seeded.kim, "late", "--note", "bus",
                    "--check-in", f"{PAST} 16:12")
    assert (mark["status"], mark["note"], mark["check_in"]) == ("late", "bus",
                                                                "2025-03-04T16:12:00+00:00")
    written = run.json("attendance", "mark-all", one, "present")
    assert [m["student"] for m in written] == [seeded.sam]  # Kim's mark is kept
    assert run.json("attendance", "mark-all", one, "absent") == []
    listed = {m["student"]: m["status"] for m in run.json("attendance", "list", one)}
    assert listed == {seeded.sam: "present", seeded.kim: "late"}
    table = run.ok("attendance", "list", one).stdout
    assert "16:12" in table and "bus" in table
    # Marked with no acting person: by the local operator, as `session show` says it.
    assert {m["recorded_by"] for m in run.json("attendance", "list", one)} == {None}
    assert table.count("local operator") == 2


def test_a_session_to_come_is_marked_only_with_force(seeded: Seeded,
                                                     lessons: dict[str, int]) -> None:
    run = seeded.run
    four = str(lessons["four"])
    assert "has not started" in run.fails(2, "attendance", "mark", four, seeded.sam,
                                          "excused").stderr
    assert run.json("attendance", "mark", four, seeded.sam, "excused", "--force")["status"] == (
        "excused")


def test_export_then_import_round_trip(seeded: Seeded, lessons: dict[str, int],
                                       tmp_path: Path) -> None:
    run = seeded.run
    run.ok("attendance", "mark", str(lessons["one"]), seeded.sam, "present")
    run.ok("attendance", "mark", str(lessons["two"]), seeded.lee, "absent", "--note", "ill, again")
    out = tmp_path / "marks.csv"
    run.ok("attendance", "export", "--from", "2025-03-01", "--to", "2025-03-31", "-o", str(out))
    rows = list(csv.DictReader(out.open()))
    assert [(r["session_id"], r["email"], r["status"], r["note"]) for r in rows] == [
        (str(lessons["one"]), seeded.sam, "present", ""),
        (str(lessons["two"]), seeded.lee, "absent", "ill, again")]
    rows[1]["status"] = "excused"
    rows.append({**rows[0], "email": seeded.kim, "status": "late", "session_id": "",
                 "check_in": "", "check_out": ""})  # by uid and start instead of the id
    with out.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    dry = run.json("attendance", "import", str(out), "--dry-run")
    assert (dry["dry_run"], dry["marked"], dry["replaced"]) == (True, 3, 2)
    assert {m["student"] for m in run.json("attendance", "list", str(lessons["one"]))} == {
        seeded.sam}
    run.ok("attendance", "import", str(out))
    assert {m["student"]: m["status"] for m in run.json(
        "attendance", "list", str(lessons["one"]))} == {seeded.sam: "present", seeded.kim: "late"}
    assert run.json("attendance", "list", str(lessons["two"]))[0]["status"] == "excused"


def test_statuses_are_read_in_any_case(seeded: Seeded, lessons: dict[str, int],
                                       tmp_path: Path) -> None:
    run = seeded.run
    one = str(lessons["one"])
    assert run.json("attendance", "mark", one, seeded.sam, "EXCUSED")["status"] == "excused"
    assert [m["status"] for m in run.json("attendance", "mark-all", one, "Present")] == [
        "present"]
    path = tmp_path / "marks.csv"
    path.write_text(f"session_id,email,status\n{one},{seeded.kim},Late\n")
    run.ok("attendance", "import", str(path))
    assert {m["student"]: m["status"] for m in run.json("attendance", "list", one)} == {
        seeded.sam: "excused", seeded.kim: "late"}


def test_a_student_taken_off_a_session_keeps_a_mark_that_counts_nowhere(
        seeded: Seeded, lessons: dict[str, int], tmp_path: Path,
        db_snapshot: Callable[[], dict[str, Any]]) -> None:
    """Session #1 (Ada): Sam present, Kim absent; Kim is taken off it. Every reader leaves
    Kim's mark out alike, the export imports again, and with Kim back the mark is back."""
    run = seeded.run
    one = str(lessons["one"])
    run.ok("attendance", "mark", one, seeded.sam, "present")
    run.ok("attendance", "mark", one, seeded.kim, "absent")
    run.ok("session", "edit", one, "--student", seeded.sam)
    assert len(db_snapshot()["attendance"]) == 2  # kept, not deleted

    def figures() -> tuple[Any, ...]:
        ada = ("--mentor", seeded.ada, *RANGE, "-f", "json")
        mentors = parse_json(run.ok("report", "mentors", *ada))["totals"]
        attendance = parse_json(run.ok("report", "attendance", *ada))["totals"]
        listed = {m["student"]: m["status"] for m in run.json("attendance", "list", one)}
        return (mentors["no_show_rate"], attendance["absent"], attendance["attendance_rate"],
                listed)

    assert figures() == (0.0, 0, 1.0, {seeded.sam: "present"})
    out = tmp_path / "marks.csv"
    run.ok("attendance", "export", *RANGE, "-o", str(out))
    assert [r["email"] for r in csv.DictReader(out.open())] == [seeded.sam]
    assert run.json("attendance", "import", str(out), "--dry-run")["marked"] == 1

    run.ok("session", "edit", one, "--student", seeded.sam, "--student", seeded.kim)
    assert figures() == (0.5, 1, 0.5, {seeded.sam: "present", seeded.kim: "absent"})


def test_attendance_export_takes_the_reports_filters(seeded: Seeded,
                                                     marked: dict[str, int]) -> None:
    run = seeded.run
    run.ok("course", "add", "GCSE Maths", "--subject", "Mathematics")
    run.ok("course", "batch", "GCSE Maths", "Spring")
    run.ok("course", "assign", "GCSE Maths", "Spring", str(marked["two"]))

    def exported(*args: str) -> list[tuple[str, str]]:
        out = run.ok("attendance", "export", *RANGE, *args).stdout
        return [(r["session_id"], r["email"]) for r in csv.DictReader(io.StringIO(out))]

    two = str(marked["two"])
    assert exported("--course", "GCSE Maths") == [(two, seeded.kim), (two, seeded.lee)]
    assert exported("--course", "GCSE Maths", "--student", seeded.lee) == [(two, seeded.lee)]
    assert exported("--subject", "Mathematics") == [
        (str(marked["one"]), seeded.kim), (str(marked["one"]), seeded.sam)]
    assert "Physics" in run.fails(4, "attendance", "export", "--course", "Physics").stderr


def test_feedback_replaces_and_keeps_history(seeded: Seeded, lessons: dict[str, int],
                                             db_snapshot: Callable[[], dict[str, Any]]) -> None:
    run = seeded.run
    one = str(lessons["one"])
    run.ok("feedback", "add", one, "--from", seeded.sam, "--rating", "3")
    item = run.json("feedback", "add", one, "--from", seeded.sam, "--rating", "5",
                    "--category", "clarity=4", "--text", "great")
    assert (item["rating"], item["categories"]) == (5, {"clarity": 4})
    shown = run.json("session", "show", one)
    assert [(f["author"], f["rating"]) for f in shown["feedback"]] == [(seeded.sam, 5)]
    audit = [row for row in db_snapshot()["audit_log"] if "feedback" in row]
    assert len(audit) == 2  # the first is kept in the audit log, before the second


# ---------------------------------------------------------------------------- reports
@pytest.fixture
def marked(seeded: Seeded, lessons: dict[str, int]) -> dict[str, int]:
    run = seeded.run
    for session, student, status in (("one", seeded.sam, "present"), ("one", seeded.kim, "absent"),
                                     ("two", seeded.kim, "late"), ("two", seeded.lee, "excused")):
        run.ok("attendance", "mark", str(lessons[session]), student, status)
    run.ok("session", "complete", str(lessons["one"]), "--force")
    run.ok("feedback", "add", str(lessons["one"]), "--from", seeded.sam, "--rating", "4")
    run.ok("feedback", "add", str(lessons["two"]), "--from", seeded.lee, "--rating", "2")
    return lessons


RANGE = ("--from", "2025-03-01", "--to", "2025-03-09")


def test_report_json_parses_back_with_hand_counted_figures(seeded: Seeded,
                                                           marked: dict[str, int]) -> None:
    run = seeded.run
    attendance = parse_json(run.ok("report", "attendance", *RANGE, "--format", "json"))
    assert attendance["totals"] == {"sessions": 4, "present": 1, "late": 1, "absent": 1,
                                    "excused": 1, "attendance_rate": 0.6667}
    assert {s["student"]: s["attendance_rate"] for s in attendance["student"]} == {
        seeded.sam: 1.0, seeded.kim: 0.5, seeded.lee: None}
    completion = parse_json(run.ok("report", "completion", *RANGE, "-f", "json"))
    # 3 sessions: #1 completed, #2 due but not closed, #3 cancelled
    assert completion["totals"] == {"sessions": 3, "completed": 1, "cancelled": 1, "open": 1,
                                    "completion_rate": 0.3333}
    assert [(w["week"], w["sessions"]) for w in completion["week"]] == [
        ("2025-02-24", 0), ("2025-03-03", 3)]
    mentors = parse_json(run.ok("report", "mentors", *RANGE, "-f", "json"))
    assert {m["mentor"]: (m["held"], m["hours"], m["cancelled"], m["average_rating"])
            for m in mentors["mentor"]} == {seeded.ada: (1, 1.0, 1, 4.0),
                                            seeded.bob: (0, 0.0, 0, 2.0)}
    student = parse_json(run.ok("report", "student", seeded.kim, *RANGE, "-f", "json"))
    assert [(s["id"], s["attendance"]) for s in student["session"]] == [
        (marked["one"], "absent"), (marked["two"], "late")]


def test_report_csv_parses_back(seeded: Seeded, marked: dict[str, int], tmp_path: Path) -> None:
    run = seeded.run
    out = run.ok("report", "completion", *RANGE, "--format", "csv", "--by", "subject").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["subject"]: (r["sessions"], r["completion_rate"]) for r in rows} == {
        "Mathematics": ("1", "1.0"), "(no subject)": ("2", "0.0")}
    path = tmp_path / "attendance.csv"
    run.ok("report", "attendance", *RANGE, "-f", "csv", "-o", str(path))
    assert [r["student"] for r in csv.DictReader(path.open())] == sorted(
        [seeded.kim, seeded.lee, seeded.sam])


def test_courses_batches_and_the_report_by_batch(seeded: Seeded, marked: dict[str, int]) -> None:
    run = seeded.run
    run.ok("course", "add", "GCSE Maths", "--subject", "Mathematics")
    run.ok("course", "batch", "GCSE Maths", "Spring", "--starts", "2025-01-06")
    run.ok("course", "assign", "GCSE Maths", "Spring", str(marked["one"]), str(marked["three"]))
    assert run.json("course", "list")[0]["batches"][0]["name"] == "Spring"
    report = parse_json(run.ok("report", "attendance", *RANGE, "-f", "json"))
    assert {b["batch"]: (b["sessions"], b["attendance_rate"]) for b in report["batch"]} == {
        "GCSE Maths / Spring": (2, 0.5), "(no batch)": (2, 1.0)}
    only = parse_json(run.ok("report", "completion", *RANGE, "--course", "GCSE Maths", "-f",
                             "json"))
    assert only["totals"]["sessions"] == 2  # #1 and the cancelled #3
    assert "Chemistry" in run.fails(4, "course", "add", "Chem", "--subject", "Chemistry").stderr
    assert "Autumn" in run.fails(4, "course", "assign", "GCSE Maths", "Autumn", "1").stderr
    assert "Physics" in run.fails(4, "report", "mentors", "--course", "Physics").stderr
    run.fails(5, "course", "add", "Art", as_=seeded.ada)


def test_report_table_names_the_range_and_the_figures(seeded: Seeded,
                                                      marked: dict[str, int]) -> None:
    out = seeded.run.ok("report", "mentors", *RANGE).stdout
    assert "Mentors" in out and "01 Mar 2025" in out and seeded.ada in out
    assert "Average rating: 3.0" in out


def test_reports_take_json_and_name_their_days(seeded: Seeded, marked: dict[str, int],
                                                tmp_path: Path) -> None:
    run = seeded.run
    as_json = run.json("report", "attendance", *RANGE)  # --json, as every command takes
    as_format = parse_json(run.ok("report", "attendance", *RANGE, "-f", "json"))
    assert {**as_json, "now": None} == {**as_format, "now": None}
    run.fails(2, "report", "attendance", *RANGE, "--json", "-f", "csv")
    table = run.ok("report", "attendance", "--from", "2025-03-01", "--to", "2025-03-31").stdout
    assert "01 Mar 2025 – 31 Mar 2025" in table  # the last day given, not "01 Apr 00:00"
    assert "Student sessions: 4" in table  # each student in each session, not sessions
    # --html alone: the report is in the file, the headline here (not every table again)
    page = tmp_path / "a.html"
    brief = run.ok("report", "attendance", *RANGE, "--html", str(page)).stdout
    assert page.is_file() and "Attendance rate" in brief and seeded.kim not in brief
    assert seeded.kim in run.ok("report", "attendance", *RANGE, "--html", str(page),
                                "-f", "table").stdout


def test_html_report_is_self_contained(seeded: Seeded, marked: dict[str, int],
                                       tmp_path: Path) -> None:
    run = seeded.run
    for kind in ("attendance", "completion", "mentors"):
        path = tmp_path / f"{kind}.html"
        run.ok("report", kind, *RANGE, "--html", str(path))
        html = path.read_text()
        assert html.startswith("<!DOCTYPE html>") and "<svg" in html
        assert "<script" not in html and "https://" not in html
    path = tmp_path / "student.html"
    run.ok("report", "student", seeded.sam, *RANGE, "--html", str(path), "-f", "json")
    assert "Ratings given over time" in path.read_text()


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
def test_html_report_opens_in_headless_chromium(seeded: Seeded, marked: dict[str, int],
                                                tmp_path: Path) -> None:
    path = tmp_path / "attendance.html"
    seeded.run.ok("report", "attendance", *RANGE, "--html", str(path))
    shot = tmp_path / "attendance.png"
    common = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
              f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0"]
    dom = subprocess.run([*common, "--dump-dom", path.as_uri()], capture_output=True,
                         text=True, timeout=120, check=True)
    assert "Attendance by student" in dom.stdout and "<svg" in dom.stdout
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line]
    assert console == [], console
    subprocess.run([*common, "--window-size=1280,1600", f"--screenshot={shot}", path.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert shot.stat().st_size > 10_000


# -------------------------------------------------------------------------- bad input
BAD = [
    (["attendance", "mark", "999", "sam@example.org", "present"], 4, ("session 999",)),
    (["attendance", "mark", "{one}", "ghost@example.org", "present"], 4, ("ghost@example.org",)),
    (["attendance", "mark", "{one}", "sam@example.org", "maybe"], 2, ("maybe",)),
    (["attendance", "mark", "{one}", "lee@example.org", "present"], 2,
     ("lee@example.org", "not a student of session")),
    (["attendance", "mark", "{one}", "ada@example.org", "present"], 2, ("not a student",)),
    (["attendance", "mark", "{three}", "lee@example.org", "present"], 2, ("cancelled",)),
    (["attendance", "mark", "{one}", "sam@example.org", "present", "--check-in", "soon"], 2,
     ("check_in", "soon")),
    (["attendance", "mark-all", "{one}", "late"], 2, ("late",)),
    (["attendance", "mark-all", "{four}", "present"], 2, ("has not started",)),
    (["feedback", "add", "{one}", "--from", "sam@example.org", "--rating", "0"], 2, ("rating",)),
    (["feedback", "add", "{one}", "--from", "sam@example.org", "--rating", "6"], 2, ("rating",)),
    (["feedback", "add", "{one}", "--from", "sam@example.org", "--rating", "4",
      "--category", "pace=9"], 2, ("pace",)),
    (["feedback", "add", "999", "--from", "sam@example.org", "--rating", "4"], 4,
     ("session 999",)),
    (["feedback", "add", "{one}", "--from", "ghost@example.org", "--rating", "4"], 4,
     ("ghost@example.org",)),
    (["feedback", "add", "{one}", "--from", "lee@example.org", "--rating", "4"], 2,
     ("did not take part",)),
    (["report", "student", "ghost@example.org"], 4, ("ghost@example.org",)),
    (["report", "mentors", "--mentor", "ghost@example.org"], 4, ("ghost@example.org",)),
    (["report", "mentors", "--mentor", "sam@example.org"], 2,
     ("--mentor", "Sam Lee <sam@example.org> is a student, not a mentor")),
    (["report", "attendance", "--student", "ada@example.org"], 2,
     ("--student", "Ada Byron <ada@example.org> is a mentor, not a student")),
    (["report", "completion", "--mentor", "kim@example.org"], 2, ("--mentor", "a student")),
    (["report", "student", "desk@example.org"], 2, ("is a staff, not a student",)),
    (["attendance", "export", "--mentor", "lee@example.org"], 2, ("--mentor", "a student")),
    (["attendance", "export", "--from", "2025-03-09", "--to", "2025-03-01"], 2, ("--to",)),
    (["attendance", "mark", "{one}", "sam@example.org", "PRESENTLY"], 2, ("PRESENTLY",)),
    (["report", "completion", "--from", "2025-03-09", "--to", "2025-03-01"], 2, ("--to",)),
    (["report", "attendance", "--from", "someday"], 2, ("someday",)),
    (["report", "attendance", "--group", "planet"], 2, ("planet",)),
    (["report", "completion", "-f", "csv", "--by", "planet"], 2, ("planet",)),
    (["report", "completion", "--format", "xml"], 2, ("xml",)),
]


def test_bad_input_writes_nothing(seeded: Seeded, lessons: dict[str, int],
                                  db_snapshot: Callable[[], dict[str, Any]]) -> None:
    """Each case in turn against one centre (setting a centre up per case is the slow part):
    the exit code, a message naming what is wrong, and not one row changed."""
    before = db_snapshot()
    for args, code, mentions in BAD:
        args = [a.format(**lessons) for a in args]
        result = seeded.run.fails(code, *args)
        for text in mentions:
            assert text in result.stderr, f"{args}: {text!r} not in stderr:\n{result.stderr}"
    assert db_snapshot() == before, "the database changed"


def test_a_bad_import_file_names_every_bad_row_and_writes_nothing(
        seeded: Seeded, lessons: dict[str, int], tmp_path: Path,
        db_snapshot: Callable[[], dict[str, Any]]) -> None:
    path = tmp_path / "bad.csv"
    one, three = lessons["one"], lessons["three"]
    path.write_text("session_id,email,status\n"
                    f"{one},{seeded.sam},present\n"  # fine, but the file as a whole is refused
                    f"{one},{seeded.lee},present\n"  # not in the session
                    f"999,{seeded.sam},present\n"  # no such session
                    f"{three},{seeded.lee},absent\n"  # cancelled
                    f"{one},{seeded.sam},late\n")  # twice
    before = db_snapshot()
    result = seeded.run.fails(2, "attendance", "import", str(path))
    for text in ("row 3", "row 4", "row 5", "row 6", "nothing was written", str(path)):
        assert text in result.stderr, result.stderr
    assert "row 2:" not in result.stderr
    assert db_snapshot() == before
    path.write_text("session,who\n1,x\n")
    assert "missing column" in seeded.run.fails(2, "attendance", "import", str(path)).stderr
    path.write_text(f"session_id,email,status\n{one},{seeded.sam},maybe\n")
    assert "row 2" in seeded.run.fails(2, "attendance", "import", str(path)).stderr
    assert db_snapshot() == before


def test_json_errors_for_reports(seeded: Seeded) -> None:
    result = seeded.run.fails(4, "report", "student", "ghost@example.org", "-f", "json")
    assert json.loads(result.stdout)["kind"] == "student"
