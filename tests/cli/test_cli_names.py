"""People by name, rooms and subjects in any case, from the command line: what each command
accepts, what it refuses (a shared name: exit 2 with the candidates; nobody: exit 4 with
"did you mean"), and names shown where emails were; a bad file's problems said once; the
range of a session's length said as it is kept; and imports that would create an address
that looks a typo of one registered."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Seeded, parse_json

DAY = "2030-12-03"
PAST = "2025-03-04"


def test_session_add_and_edit_take_names_rooms_and_subjects_in_any_case(seeded: Seeded) -> None:
    booked = seeded.run.json(
        "session", "add", "--title", "Algebra", "--mentor", "ada byron", "--student", "Sam Lee",
        "--student", "KIM PARK", "--room", "room 2", "--subject", "mathematics",
        "--start", f"{DAY} 16:00", "--duration", "60")
    assert (booked["mentor"], booked["students"], booked["room"], booked["subject"]) == (
        seeded.ada, [seeded.kim, seeded.sam], "Room 2", "Mathematics")
    edited = seeded.run.json("session", "edit", str(booked["id"]), "--mentor", "Bob Stone",
                             "--room", "HALL")
    assert (edited["mentor"], edited["room"]) == (seeded.bob, "Hall")


def test_a_shared_name_is_refused_with_each_candidate(seeded: Seeded) -> None:
    seeded.run.ok("person", "add", "--name", "Sam Lee", "--email", "sam.lee@example.org",
                  "--role", "student")
    args = ["session", "add", "--title", "Algebra", "--mentor", seeded.ada, "--student",
            "sam lee", "--start", f"{DAY} 16:00", "--duration", "60"]
    result = seeded.run.fails(2, *args)
    assert ("student: 'sam lee' could be Sam Lee <sam.lee@example.org> or Sam Lee "
            "<sam@example.org>: give the one meant by email") in result.stderr
    payload = parse_json(seeded.run.fails(2, *args, "--json"))
    assert payload["error"] == "Ambiguous" and payload["candidates"] == [
        "Sam Lee <sam.lee@example.org>", "Sam Lee <sam@example.org>"]
    assert seeded.run.json("session", "list", "--all") == []


@pytest.mark.parametrize("option, typed, said", [
    ("--mentor", "Ada Byrn", "no mentor Ada Byrn (did you mean Ada Byron <ada@example.org>?)"),
    ("--mentor", "ada@exmaple.org",
     "no mentor ada@exmaple.org (did you mean Ada Byron <ada@example.org>?)"),
    ("--student", "Sam Le", "no student Sam Le (did you mean Sam Lee <sam@example.org>?)"),
    ("--room", "Rom 2", "no room Rom 2 (did you mean Room 2?)"),
    ("--subject", "Maths", "no subject Maths (did you mean Mathematics?)"),
])
def test_nobody_of_that_name_exits_4_with_the_nearest(seeded: Seeded, option: str, typed: str,
                                                      said: str) -> None:
    args = ["session", "add", "--title", "Algebra", "--start", f"{DAY} 16:00", "--duration",
            "60"] + (["--mentor", seeded.ada] if option != "--mentor" else [])
    result = seeded.run.fails(4, *args, option, typed)
    assert said in result.stderr
    payload = parse_json(seeded.run.fails(4, *args, option, typed, "--json"))
    assert payload["suggestions"] and payload["suggestions"][0] in said


def test_show_and_conflicts_name_people(seeded: Seeded) -> None:
    first = seeded.book(f"{DAY} 16:00", students=[seeded.sam])
    shown = seeded.run.ok("session", "show", str(first["id"])).stdout
    assert "Ada Byron <ada@example.org>" in shown and "Sam Lee <sam@example.org>" in shown
    assert parse_json(seeded.run.ok("session", "show", str(first["id"]), "--json"))[
        "mentor"] == seeded.ada  # JSON keeps the emails
    clash = seeded.run.fails(3, "session", "add", "--title", "Geometry", "--mentor", "Ada Byron",
                             "--student", "Sam Lee", "--start", f"{DAY} 16:30",
                             "--duration", "60")
    for said in ("Ada Byron <ada@example.org> is teaching 'Algebra' then",
                 "Sam Lee <sam@example.org> is a student in 'Algebra' then"):
        assert said in clash.stderr, clash.stderr
    explained = seeded.run.fails(3, "session", "explain", "--mentor", "ada byron", "--start",
                                 f"{DAY} 16:30", "--duration", "30")
    assert "Ada Byron <ada@example.org> is teaching 'Algebra' then" in explained.stdout
    free = seeded.run.ok("session", "free", "--mentor", "Ada Byron", "--duration", "60",
                         "--from", DAY, "--count", "1").stdout
    assert "Free slots for Ada Byron <ada@example.org>" in free


def test_lists_exports_reports_marks_and_availability_take_names(seeded: Seeded) -> None:
    run = seeded.run
    lesson = seeded.book(f"{PAST} 16:00", students=[seeded.sam], extra=["--subject",
                                                                        "Mathematics"])
    assert [s["id"] for s in run.json("session", "list", "--all", "--student", "sam lee",
                                      "--subject", "MATHEMATICS")] == [lesson["id"]]
    exported = run.ok("export", "csv", "--mentor", "Ada Byron").stdout.splitlines()
    assert len(exported) == 2 and seeded.ada in exported[1]
    mark = run.json("attendance", "mark", str(lesson["id"]), "Sam Lee", "present")
    assert mark["student"] == seeded.sam
    report = run.json("report", "mentors", "--mentor", "ADA BYRON", "--from", "2025-03-01",
                      "--to", "2025-03-31")
    assert report["filters"] == {"mentor": seeded.ada}
    student = run.json("report", "student", "Sam Lee", "--from", "2025-03-01", "--to",
                       "2025-03-31")
    assert [(s["mentor_name"], s["mentor"]) for s in student["session"]] == [
        ("Ada Byron", seeded.ada)]
    assert "Student: Sam Lee <sam@example.org>" in run.ok(
        "report", "student", "sam lee", "--from", "2025-03-01", "--to", "2025-03-31").stdout
    run.ok("availability", "set", "Bob Stone", "--weekday", "tue", "--from", "15:00",
           "--to", "18:00")
    assert "15:00" in run.ok("availability", "list", "bob stone").stdout


# ----------------------------------------------------------------------------- item 10
def test_a_bad_files_problems_are_printed_once(seeded: Seeded, tmp_path: Path) -> None:
    """Each problem once: in the table, then a line counting them (was: the table, then the
    same problems again in the error line)."""
    src = tmp_path / "bad.csv"
    src.write_text("title,start,duration,mentor_email,room\n"
                   "A,2030-01-07 10:00,30000,ada@example.org,Room 2\n"
                   "B,2030-01-07 12:00,60,ada@exmaple.org,Room 2\n"
                   "C,2030-01-07 14:00,60,ada@example.org,Attic\n")
    result = seeded.run.fails(2, "import", "csv", str(src))
    for problem in ("must be 1 to 20160 minutes (14 days), not 30000",
                    "no mentor 'ada@exmaple.org' (did you mean ada@example.org?",
                    "no room 'Attic'"):
        assert result.stderr.count(problem) == 1, result.stderr
    assert f"error: {src}: 3 problems (above); nothing was written" in result.stderr
    one = tmp_path / "one.csv"
    one.write_text("title,start,duration,mentor_email\nA,2030-01-07 10:00,30000,ada@example.org\n")
    result = seeded.run.fails(2, "import", "csv", str(one))
    assert result.stderr.count("not 30000") == 1 and "row 2, duration" in result.stderr
    payload = parse_json(seeded.run.fails(2, "import", "csv", str(src), "--json"))
    assert [p["row"] for p in payload["problems"]] == [2, 3, 4]


def test_create_missing_asks_before_creating_a_lookalike_address(
        seeded: Seeded, tmp_path: Path, db_snapshot) -> None:
    src = tmp_path / "term.csv"
    src.write_text("title,start,duration,mentor_email,student_emails\n"
                   "Algebra,2030-01-07 10:00,60,ada@exmaple.org,sam@example.org\n")
    before = db_snapshot()
    result = seeded.run.fails(2, "import", "csv", str(src), "--create-missing")
    assert "term.csv: row 2, mentor_email: no mentor 'ada@exmaple.org', but ada@example.org " \
           "is registered: a typo?" in result.stderr
    assert "--allow-similar" in result.stderr
    assert db_snapshot() == before
    out = seeded.run.json("import", "csv", str(src), "--create-missing", "--allow-similar")
    assert out["created"] == 1 and out["created_references"] == ["mentor ada@exmaple.org"]


@pytest.mark.parametrize("minutes, code", [("20160", 0), ("20161", 2), ("30000", 2)])
def test_the_length_said_is_the_length_kept(seeded: Seeded, tmp_path: Path, minutes: str,
                                            code: int) -> None:
    src = tmp_path / "long.csv"
    src.write_text(f"title,start,duration,mentor_email\nLong,2030-01-07 00:00,{minutes},"
                   "ada@example.org\n")
    result = seeded.run("import", "csv", str(src))
    assert result.exit_code == code, result.stderr
    added = seeded.run("session", "add", "--title", "Long", "--mentor", seeded.ada, "--start",
                       "2030-02-07 00:00", "--duration", minutes)
    assert added.exit_code == code, added.stderr
    if code:
        for refused in (result, added):
            assert f"must be 1 to 20160 minutes (14 days), not {minutes}" in refused.stderr
    help_text = seeded.run.ok("session", "add", "--help").stdout
    assert "20160 minutes (14 days)" in " ".join(help_text.replace("│", "").split())
