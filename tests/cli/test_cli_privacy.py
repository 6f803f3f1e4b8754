"""A person's data on request: `person export` holds everything about them, `person erase`
leaves nothing that names them while their sessions, marks and ratings still count."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import create_engine, text

from .conftest import Seeded

PAST = "2024-03-05 16:00"
FUTURE = "2030-12-03 16:00"


def everything(db_url: str) -> str:
    """Every row of every table as text: where a name or an email could hide."""
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            tables = [r[0] for r in conn.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'table'" if engine.dialect.name
                == "sqlite" else "SELECT tablename FROM pg_tables WHERE schemaname = "
                "current_schema()"))]
            return json.dumps({t: [list(map(str, r)) for r in conn.execute(
                text(f'SELECT * FROM "{t}"'))] for t in tables})
    finally:
        engine.dispose()


def history(seeded: Seeded) -> dict[str, Any]:
    run = seeded.run
    run.ok("course", "add", "GCSE Maths")
    run.ok("course", "enrol", "GCSE Maths", seeded.sam)
    held = seeded.book(PAST, students=[seeded.sam, seeded.kim])
    run.ok("attendance", "mark", str(held["id"]), seeded.sam, "late", "--note", "Sam's bus")
    run.ok("feedback", "add", str(held["id"]), "--from", seeded.sam, "--rating", "4",
           "--text", "Sam liked the proofs", as_=seeded.sam)
    return held


def test_export_holds_everything_about_them_and_nothing_of_classmates(seeded: Seeded) -> None:
    held = history(seeded)
    data = seeded.run.json("person", "export", seeded.sam)
    assert data["person"]["email"] == seeded.sam
    assert [s["id"] for s in data["sessions_attended"]] == [held["id"]]
    assert data["sessions_attended"][0]["students"] == [seeded.sam]  # not Kim
    assert [(a["status"], a["note"]) for a in data["attendance"]] == [("late", "Sam's bus")]
    assert [f["text"] for f in data["feedback"]] == ["Sam liked the proofs"]
    assert [(e["course"], e["status"]) for e in data["enrolments"]] == [("GCSE Maths", "active")]
    assert data["changes_made"]  # the feedback they gave
    assert seeded.run.json("person", "export", seeded.sam, as_=seeded.sam)["person"]
    seeded.run.fails(5, "person", "export", seeded.sam, as_=seeded.kim)


def test_erase_leaves_no_name_or_email_but_keeps_the_history(seeded: Seeded,
                                                             db_url: str) -> None:
    run = seeded.run
    held = history(seeded)
    # Ada is no longer available then: taking Sam off must not be judged against it
    future = seeded.book(FUTURE, students=[seeded.sam, seeded.kim])
    run.ok("availability", "set", seeded.ada, "--weekday", "mon", "--from", "08:00",
           "--to", "09:00")
    hosted = seeded.book("2030-12-04 16:00", mentor=seeded.bob, students=[seeded.kim])
    refused = run.fails(2, "person", "erase", seeded.sam, "--yes")
    assert "cannot be erased: 1 session to come" in refused.stderr
    assert "erasing cannot be undone: add --yes" in run.fails(
        2, "person", "erase", seeded.sam).stderr
    erased = run.json("person", "erase", seeded.sam, "--cancel-future", "--yes")
    assert run.json("session", "show", str(hosted["id"]))["status"] == "scheduled"  # not hers
    assert (erased["left"], erased["active"]) == (1, False)
    stand_in = erased["email"]
    dump = everything(db_url)
    for trace in (seeded.sam, "Sam Lee", "Sam's bus", "Sam liked the proofs"):
        assert trace not in dump, trace
    shown = run.json("session", "show", str(held["id"]))
    assert shown["students"] == sorted([stand_in, seeded.kim])
    assert run.json("session", "show", str(future["id"]))["students"] == [seeded.kim]
    # The enrolment stays as history, naming the stand-in, but lets them see nothing more.
    enrolled = run.json("course", "enrolments", "GCSE Maths")
    assert [(e["student"], e["status"]) for e in enrolled] == [(stand_in, "dropped")]
    report = run.json("report", "attendance", "--from", "2024-03-01", "--to", "2024-03-31")
    assert stand_in in json.dumps(report) and "late" in json.dumps(report)


def test_erase_rewrites_mail_to_others_naming_them(seeded: Seeded, db_url: str) -> None:
    """The mentor's attendance summaries list Sam: one still in the outbox, one sent and
    archived with its session. Erasing Sam leaves both to Ada, naming the stand-in instead."""
    run = seeded.run
    held = history(seeded)
    earlier = seeded.book("2024-02-06 16:00", students=[seeded.sam])
    for session in (earlier, held):
        run.ok("session", "complete", str(session["id"]))
        if session is earlier:
            run.ok("archive", "--before", "2024-03-01", "--yes")

    def mail() -> dict[str, str]:
        dump = json.loads(everything(db_url))
        return {t: json.dumps(dump[t]) for t in ("outbox", "archive_outbox")}

    assert all(seeded.sam in rows and "attendance_summary" in rows for rows in mail().values())
    stand_in = run.json("person", "erase", seeded.sam, "--yes")["email"]
    for table, rows in mail().items():
        assert seeded.sam not in rows and "Sam Lee" not in rows, table
        assert stand_in in rows and seeded.ada in rows, table  # still Ada's summary
