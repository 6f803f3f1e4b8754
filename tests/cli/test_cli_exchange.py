"""`import csv|ics` and `export csv|ics` from the command line: exit codes, output, files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import icalendar
import pytest

from sessionsctl.core.schedule.conflicts import KEPT

from .conftest import Seeded, parse_json

DATA = Path(__file__).parent.parent / "data" / "ics"
CSV = ("title,start,duration,mentor_email,student_emails,room,subject,repeat\n"
       "Algebra,2027-01-05 16:00,60,ada@example.org,sam@example.org,Room 2,Mathematics,\n"
       "Weekly,2027-01-06 16:00,60,bob@example.org,kim@example.org,,,FREQ=WEEKLY;COUNT=3\n")


def test_import_export_csv_round_trip(seeded: Seeded, tmp_path: Path) -> None:
    run = seeded.run
    src = tmp_path / "term.csv"
    src.write_text(CSV)
    out = run.json("import", "csv", str(src))
    assert out["created"] == 4 and out["series"] == 1
    target = tmp_path / "out.csv"
    run.ok("export", "csv", "-o", str(target))
    lines = target.read_text().splitlines()
    assert lines[0].startswith("title,start,end,tz,mentor_email")
    assert len(lines) == 5
    piped = run.ok("export", "csv", "--mentor", "bob@example.org").stdout.splitlines()
    assert len(piped) == 4 and all("bob@example.org" in line for line in piped[1:])


def test_dry_run_shows_and_writes_nothing(seeded: Seeded, tmp_path: Path, db_snapshot) -> None:
    src = tmp_path / "term.csv"
    src.write_text(CSV)
    before = db_snapshot()
    result = seeded.run.ok("import", "csv", str(src), "--dry-run")
    assert "Algebra" in result.stdout and "nothing was written" in result.stdout
    assert db_snapshot() == before


def test_bad_csv_exits_2_naming_file_row_and_column(seeded: Seeded, tmp_path: Path,
                                                    db_snapshot) -> None:
    src = tmp_path / "bad.csv"
    src.write_text(CSV + "Oops,2027-01-99 16:00,60,ada@example.org,,,,\n")
    before = db_snapshot()
    result = seeded.run.fails(2, "import", "csv", str(src))
    assert "bad.csv" in result.stderr and "row 4" in result.stderr and "start" in result.stderr
    assert db_snapshot() == before
    payload = parse_json(seeded.run.fails(2, "import", "csv", str(src), "--json"))
    assert payload["problems"] == [{"row": 4, "column": "start", "message": payload[
        "problems"][0]["message"]}]
    seeded.run.fails(2, "import", "csv", str(tmp_path / "missing.csv"))


def test_conflicts_exit_3_with_rows(seeded: Seeded, tmp_path: Path, db_snapshot) -> None:
    seeded.book("2027-01-05 16:30", mentor=seeded.ada)
    src = tmp_path / "term.csv"
    src.write_text(CSV)
    before = db_snapshot()
    payload = parse_json(seeded.run.fails(3, "import", "csv", str(src), "--json"))
    assert payload["conflicts"][0]["row"] == 2
    assert payload["conflicts"][0]["with"]["title"] == "Algebra"
    assert db_snapshot() == before
    result = seeded.run.fails(3, "import", "csv", str(src))
    assert "row" in result.stderr.lower() and "nothing was written" in result.stderr
    seeded.run.fails(2, "import", "csv", str(src), "--on-conflict", "force")
    out = seeded.run.json("import", "csv", str(src), "--on-conflict", "skip")
    assert out["created"] == 3 and out["skipped"][0]["row"] == 2


def test_many_clashing_rows_are_reported_once_each_capped_and_counted(
        seeded: Seeded, tmp_path: Path, db_snapshot) -> None:
    """300 copies of one row: each clashes with every copy before it (44,850 pairs, three
    conflicts each). Each row is named once, with its first few conflicts and the count of
    each kind; the terminal lists the first rows and counts the rest; --json has every
    row's count and the first conflicts of each."""
    n = 300
    src = tmp_path / "copies.csv"
    src.write_text("title,start,duration,mentor_email,student_emails,room\n"
                   + "Algebra,2027-01-05 16:00,60,ada@example.org,sam@example.org,Room 2\n" * n)
    before = db_snapshot()
    total = 3 * n * (n - 1) // 2
    payload = parse_json(seeded.run.fails(3, "import", "csv", str(src), "--json"))
    assert payload["count"] == total == 134_550
    assert f"{total:,} scheduling conflicts in {n - 1} rows" in payload["message"]
    assert [r["row"] for r in payload["rows"]] == list(range(3, n + 2))
    for k, r in enumerate(payload["rows"], start=1):
        assert r["count"] == 3 * k
        assert r["kinds"] == {"mentor": k, "student": k, "room": k}
    per_row = Counter(c["row"] for c in payload["conflicts"])
    assert per_row == {k + 2: min(3 * k, KEPT) for k in range(1, n)}
    assert all(2 <= c["with_row"] < c["row"] and c["with"]["title"] == "Algebra"
               for c in payload["conflicts"])
    assert db_snapshot() == before

    text = seeded.run.fails(3, "import", "csv", str(src)).stderr
    assert len(text) < 20_000
    assert text.count("Tue 05 Jan 2027 16:00") == 20  # each of the first 20 rows, once
    assert "… and 57 more (60 in all: mentor 20, student 20, room 20)" in text
    rest = sum(3 * k for k in range(21, n))
    assert f"… and {n - 21} more clashing rows with {rest:,} conflicts" in text
    assert f"refused: {total:,} scheduling conflicts" in text

    # Skipped rows hold no slot: each copy then clashes with the first alone.
    out = seeded.run.json("import", "csv", str(src), "--on-conflict", "skip")
    assert out["created"] == 1 and len(out["skipped_rows"]) == n - 1
    assert {r["count"] for r in out["skipped_rows"]} == {3}
    assert {c["with_row"] for c in out["skipped"]} == {2}


def test_ics_export_and_import(seeded: Seeded, tmp_path: Path) -> None:
    run = seeded.run
    seeded.book("2027-01-05 16:00", students=[seeded.sam],
                extra=["--repeat", "FREQ=WEEKLY;COUNT=4", "--passcode", "hush"])
    seeded.book("2027-01-07 10:00", mentor=seeded.bob, title="Trial")
    data = run.ok("export", "ics", "--mentor", seeded.ada).stdout.encode()
    cal = icalendar.Calendar.from_ical(data)
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Algebra"]
    assert b"hush" not in data
    assert b"hush" in run.ok("export", "ics", "--passcodes").stdout.encode()
    google = DATA / "google.ics"
    run.fails(2, "import", "ics", str(google))  # unknown people, named
    out = run.json("import", "ics", str(google), "--create-missing")
    assert out["created"] == 14 and out["closures"][0]["reason"] == "Half-term"
    again = run.json("import", "ics", str(google))
    assert again["created"] == 0 and again["unchanged"] == 14
    bad = tmp_path / "cut.ics"
    bad.write_bytes(google.read_bytes()[:2000])
    result = run.fails(2, "import", "ics", str(bad))
    assert "cut.ics" in result.stderr and "line" in result.stderr


OUT_OF_RANGE = {
    "maxp.csv": ("title,start,duration,mentor_email,max_participants\n"
                 "A,2027-07-05 16:00,60,ada@example.org,99999999999999999999999\n",
                 "row 2", "max_participants"),
    "yr.csv": ("title,start,duration,mentor_email\n"
               "B,2027-07-05 16:00,60,ada@example.org\nB,9999-12-31 23:30,60,ada@example.org\n",
               "row 3", "start"),
    "bigmax.ics": ("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\nUID:u-bigmax\n"
                   "ORGANIZER:mailto:ada@example.org\nSUMMARY:T\nDTSTART:20270901T100000Z\n"
                   "DTEND:20270901T110000Z\nX-SESSIONSCTL-MAX-PARTICIPANTS:99999999999999999999\n"
                   "END:VEVENT\nEND:VCALENDAR\n", "line", "X-SESSIONSCTL-MAX-PARTICIPANTS"),
    "y9999.ics": ("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\nUID:u-y9999\n"
                  "ORGANIZER:mailto:ada@example.org\nSUMMARY:T\nDTSTART:99991231T230000\n"
                  "DTEND:99991231T235900\nEND:VEVENT\nEND:VCALENDAR\n", "line", "DTSTART"),
}


@pytest.mark.parametrize("name", sorted(OUT_OF_RANGE))
def test_values_out_of_range_exit_2_naming_file_place_and_field(
        seeded: Seeded, tmp_path: Path, db_snapshot, name: str) -> None:
    text, where, field = OUT_OF_RANGE[name]
    src = tmp_path / name
    src.write_text(text)
    before = db_snapshot()
    result = seeded.run.fails(2, "import", name.rsplit(".", 1)[1], str(src))
    assert name in result.stderr and where in result.stderr and field in result.stderr
    assert "unexpected" not in result.stderr
    assert db_snapshot() == before


def test_ics_dry_run_speaks_of_lines_and_what_it_would_create(seeded: Seeded,
                                                              db_snapshot) -> None:
    before = db_snapshot()
    result = seeded.run.ok("import", "ics", str(DATA / "google.ics"), "--dry-run",
                           "--create-missing")
    assert "would create mentor" in result.stdout and "; created" not in result.stdout
    assert "Line" in result.stdout and "Row" not in result.stdout
    assert "would be added" in result.stdout
    assert db_snapshot() == before


def test_import_ics_names_a_duplicate_uid_and_books_each_day_of_a_repeating_closure(
        seeded: Seeded, tmp_path: Path, db_snapshot) -> None:
    def event(*lines: str) -> str:
        return "BEGIN:VEVENT\r\n" + "".join(f"{line}\r\n" for line in lines) + "END:VEVENT\r\n"

    lesson = ("SUMMARY:Algebra", "ORGANIZER:mailto:ada@example.org", "DURATION:PT1H")
    closed = event("UID:sat", "SUMMARY:Closed", "DTSTART;VALUE=DATE:20270102",
                   "RRULE:FREQ=WEEKLY;COUNT=3")
    twice = (event("UID:a", "DTSTART:20270105T160000Z", *lesson)
             + event("UID:a", "DTSTART:20270106T160000Z", *lesson))
    src = tmp_path / "cal.ics"
    src.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n" + closed + twice
                   + "END:VCALENDAR\r\n", newline="")
    before = db_snapshot()
    result = seeded.run.fails(2, "import", "ics", str(src))
    assert "line 18, UID: 'a' is also the UID of the event at line 10" in result.stderr
    assert db_snapshot() == before
    src.write_bytes(src.read_bytes().replace(b"UID:a\r\nDTSTART:20270106",
                                             b"UID:b\r\nDTSTART:20270106"))
    assert seeded.run.json("import", "ics", str(src))["created"] == 2
    closures = seeded.run.json("closure", "list")
    assert [c["starts_on"] for c in closures] == ["2027-01-02", "2027-01-09", "2027-01-16"]


def test_import_csv_delete_missing_needs_the_exported_range(run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "empty.csv"
    src.write_text("title,start,duration,mentor_email\n")
    refused = run.fails(2, "import", "csv", str(src), "--delete-missing")
    assert "--from and --to" in refused.stderr
    stray = run.fails(2, "import", "csv", str(src), "--from", "2027-01-01")
    assert "--delete-missing" in stray.stderr
