"""Enrolment through the command line: `course enrol|unenrol|enrolments`, what an enrolment
shows a student, the enrolment manager's rights, mail to a course and reports by batch."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from .conftest import Run, Seeded, parse_json
from .test_cli_mail import Sink, sink, soon  # noqa: F401  (sink: the fixture)

MGR = "meg@example.org"
COURSE = "GCSE Maths"


@pytest.fixture
def course(seeded: Seeded) -> dict[str, int]:
    """A course with two batches, an enrolment manager, and three sessions of the course
    (one per batch and one unbatched) that no student takes part in, with staff notes; and
    one session Sam takes part in with Kim, outside the course."""
    run = seeded.run
    run.ok("person", "add", "--name", "Meg Roll", "--email", MGR, "--role", "enrolment")
    run.ok("course", "add", COURSE, "--subject", "Mathematics")
    run.ok("course", "batch", COURSE, "Autumn")
    run.ok("course", "batch", COURSE, "Spring")
    run.ok("course", "add", "Art")
    run.ok("course", "batch", "Art", "Autumn")
    made = {name: seeded.book(soon(24 * day), title=name, extra=["--notes", f"notes {name}"])["id"]
            for day, name in ((2, "autumn"), (3, "spring"), (4, "whole"))}
    made["own"] = seeded.book(soon(24 * 5), title="own", students=[seeded.sam, seeded.kim],
                              extra=["--notes", "notes own"])["id"]
    run.ok("course", "assign", COURSE, "Autumn", str(made["autumn"]))
    run.ok("course", "assign", COURSE, "Spring", str(made["spring"]))
    run.ok("course", "assign", COURSE, "-", str(made["whole"]))
    return made


def titles(run: Run, who: str) -> list[str]:
    return [s["title"] for s in run.json("session", "list", "--all", as_=who)]


def test_enrol_lists_and_unenrol_keeps_the_row(seeded: Seeded, course: dict[str, int]) -> None:
    run = seeded.run
    done = run.json("course", "enrol", COURSE, seeded.sam, "Kim Park", "--batch", "Autumn")
    assert [(e["student"], e["batch"], e["status"]) for e in done] == [
        (seeded.kim, "Autumn", "active"), (seeded.sam, "Autumn", "active")]
    # Enrolling again changes the one enrolment: the status alone keeps the batch, a batch
    # alone keeps the status, '-' takes them out of any batch.
    run.ok("course", "enrol", COURSE, seeded.sam, "--status", "paused")
    run.ok("course", "enrol", COURSE, seeded.kim, "--batch", "Spring")
    run.ok("course", "enrol", COURSE, seeded.lee, "--batch", "-")
    listed = run.json("course", "enrolments", COURSE)
    assert [(e["student"], e["batch"], e["status"]) for e in listed] == [
        (seeded.kim, "Spring", "active"), (seeded.lee, None, "active"),
        (seeded.sam, "Autumn", "paused")]
    dropped = run.json("course", "unenrol", COURSE, seeded.kim)
    assert [(e["student"], e["batch"], e["status"]) for e in dropped] == [
        (seeded.kim, "Spring", "dropped")]
    assert [e["student"] for e in run.json("course", "enrolments", COURSE, "--status",
                                           "active")] == [seeded.lee]
    assert len(run.json("course", "enrolments", COURSE)) == 3  # the dropped row is kept
    table = run.ok("course", "enrolments", COURSE).stdout
    assert "Kim Park" in table and "dropped" in table and "Spring" in table
    assert "No completed enrolments." in run.ok("course", "enrolments", COURSE, "--status",
                                                "completed").stdout


def test_enrol_refusals_name_what_is_wrong(seeded: Seeded, course: dict[str, int]) -> None:
    run = seeded.run
    # A batch of another course is not one of this course's.
    assert "GCSE Maths / Winter" in run.fails(4, "course", "enrol", COURSE, seeded.sam,
                                              "--batch", "Winter").stderr
    run.ok("course", "enrol", "Art", seeded.sam, "--batch", "Autumn")
    assert "not a student" in run.fails(2, "course", "enrol", COURSE, seeded.ada).stderr
    assert "Nope" in run.fails(4, "course", "enrol", "Nope", seeded.sam).stderr
    assert "not enrolled in GCSE Maths" in run.fails(2, "course", "unenrol", COURSE,
                                                     seeded.lee).stderr
    run.fails(2, "course", "enrolments", COURSE, "--status", "nope")
    assert run.json("course", "enrolments", COURSE) == []


def test_a_student_sees_the_sessions_of_an_active_enrolment_without_notes_or_classmates(
        seeded: Seeded, course: dict[str, int]) -> None:
    run = seeded.run
    assert titles(run, seeded.sam) == ["own"]
    run.ok("course", "enrol", COURSE, seeded.sam, "--batch", "Autumn")
    run.ok("course", "enrol", COURSE, seeded.lee)  # no batch: the unbatched sessions
    assert titles(run, seeded.sam) == ["autumn", "own"]
    assert titles(run, seeded.lee) == ["whole"]
    # Shown, as one not taking part: no staff notes, no students.
    shown = run.json("session", "show", str(course["autumn"]), as_=seeded.sam)
    assert shown["title"] == "autumn" and shown["notes"] is None and shown["students"] == []
    assert run.json("session", "show", str(course["own"]), as_=seeded.sam)["students"] == [
        seeded.sam]
    assert run.json("attendance", "list", str(course["own"]), as_=seeded.sam) == []
    # Not another batch's session, and nothing to feed back on or change.
    run.fails(5, "session", "show", str(course["spring"]), as_=seeded.sam)
    run.fails(5, "session", "note", str(course["autumn"]), "hi", as_=seeded.sam)
    exported = run.ok("export", "csv", as_=seeded.sam).stdout
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert sorted(r["title"] for r in rows) == ["autumn", "own"]
    assert all(not r.get("notes") for r in rows)
    # A paused enrolment shows nothing of the course; an active one again does.
    run.ok("course", "enrol", COURSE, seeded.sam, "--status", "paused")
    assert titles(run, seeded.sam) == ["own"]
    run.fails(5, "session", "show", str(course["autumn"]), as_=seeded.sam)
    run.ok("course", "enrol", COURSE, seeded.sam, "--status", "active")
    assert titles(run, seeded.sam) == ["autumn", "own"]
    run.ok("course", "unenrol", COURSE, seeded.sam)
    assert titles(run, seeded.sam) == ["own"]
    # A mentor still sees only their own sessions: enrolments are students'.
    assert titles(run, seeded.bob) == []


def test_the_enrolment_manager_manages_enrolments_and_people_and_sees_all(
        seeded: Seeded, course: dict[str, int]) -> None:
    run = seeded.run
    assert len(run.json("session", "list", "--all", as_=MGR)) == 4
    shown = run.json("session", "show", str(course["own"]), as_=MGR)
    assert shown["notes"] == "notes own" and shown["students"] == [seeded.kim, seeded.sam]
    run.ok("course", "enrol", COURSE, seeded.sam, "--batch", "Autumn", as_=MGR)
    assert len(run.json("course", "enrolments", COURSE, as_=MGR)) == 1
    run.ok("course", "unenrol", COURSE, seeded.sam, as_=MGR)
    run.ok("person", "add", "--name", "New Kid", "--email", "new@example.org", "--role",
           "student", as_=MGR)
    run.ok("person", "add", "--name", "New Tutor", "--email", "tutor@example.org", "--role",
           "mentor", as_=MGR)
    # Not staff, not another enrolment manager; no booking, no change to sessions.
    refused = run.fails(5, "person", "add", "--name", "Boss", "--email", "boss@example.org",
                        "--role", "staff", as_=MGR)
    assert "enrolment manager" in refused.stderr
    run.fails(5, "person", "add", "--name", "Other", "--email", "other@example.org",
              "--role", "enrolment", as_=MGR)
    run.fails(5, "session", "add", "--title", "x", "--mentor", seeded.ada, "--start",
              soon(24 * 9), "--duration", "60", as_=MGR)
    run.fails(5, "session", "cancel", str(course["own"]), as_=MGR)
    run.fails(5, "session", "note", str(course["own"]), "hi", as_=MGR)
    run.fails(5, "course", "add", "Music", as_=MGR)
    # Nor is an enrolment manager anyone's mentor.
    assert "not a mentor" in run.fails(2, "session", "add", "--title", "x", "--mentor", MGR,
                                       "--start", soon(24 * 9), "--duration", "60").stderr
    # Mentors and students neither enrol nor list enrolments.
    run.fails(5, "course", "enrol", COURSE, seeded.sam, as_=seeded.ada)
    run.fails(5, "course", "enrolments", COURSE, as_=seeded.sam)
    run.ok("course", "enrol", COURSE, seeded.kim, as_=seeded.desk)  # staff may
    staff_added = run.fails(5, "person", "add", "--name", "Two", "--email", "two@example.org",
                            "--role", "enrolment", as_=seeded.desk)
    assert "an enrolment manager" in staff_added.stderr


def test_mail_to_a_course_reaches_active_enrolments_only(seeded: Seeded, course: dict[str, int],
                                                          sink: Sink) -> None:  # noqa: F811
    run = seeded.run
    run.ok("course", "enrol", COURSE, seeded.sam, seeded.kim, seeded.lee, "--batch", "Autumn")
    run.ok("course", "enrol", COURSE, seeded.kim, "--status", "paused")
    run.ok("course", "unenrol", COURSE, seeded.lee)
    run.ok("course", "enrol", "Art", seeded.lee)
    run.ok("mail", "send", "--to", "course", COURSE, "--template", "custom",
           "--message", "Bring a calculator.", "--yes", env=sink.env())
    told = sorted(r for rcpts, msg in sink.messages for r in rcpts
                  if "calculator" in msg.get_body(("plain",)).get_content())
    assert told == [seeded.sam]


def test_reports_by_course_take_unbatched_sessions_and_by_batch_one_batch(
        seeded: Seeded, course: dict[str, int]) -> None:
    run = seeded.run

    def sessions(*args: str) -> Any:
        report = parse_json(run.ok("report", "completion", "--from", "today", "--to",
                                   soon(24 * 8).split()[0], *args, "-f", "json"))
        return report["totals"]["sessions"]

    assert sessions() == 4
    assert sessions("--course", COURSE) == 3
    assert sessions("--course", COURSE, "--batch", "Spring") == 1
    assert "GCSE Maths / Winter" in run.fails(4, "report", "completion", "--course", COURSE,
                                              "--batch", "Winter").stderr
    assert "--batch" in run.fails(2, "report", "completion", "--batch", "Spring").stderr
    # Out of the course altogether.
    run.ok("course", "assign", "-", "-", str(course["whole"]))
    assert sessions("--course", COURSE) == 2
