"""`import ics` of our own `export ics`: the demo centre imports back unchanged, and every
change an import makes (dry run or not) is named by its session."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import Run, Seeded, snapshot

TZ = "Etc/UTC"  # the zone of a machine set to UTC: a series' zone is UTC by another name


def test_the_demo_centre_imports_its_own_export_unchanged(run: Run, fresh_url: str,
                                                          tmp_path: Path) -> None:
    run.ok("init", "--demo", db=fresh_url, tz=TZ)
    cal = tmp_path / "demo.ics"
    run.ok("export", "ics", "-o", str(cal), db=fresh_url, tz=TZ)
    before = snapshot(fresh_url)
    held = len(before["sessions"])
    dry = run.ok("import", "ics", str(cal), "--dry-run", db=fresh_url, tz=TZ)
    assert f"0 sessions would be created; 0 updated, {held} unchanged;" in dry.stdout
    assert "cancelled" not in dry.stdout and "series" not in dry.stdout
    done = run.json("import", "ics", str(cal), db=fresh_url, tz=TZ)
    assert (done["created"], done["updated"], done["cancelled"], done["series"],
            done["unchanged"], done["sessions"]) == (0, 0, 0, 0, held, [])
    after = snapshot(fresh_url)
    for table in ("sessions", "session_students", "series"):
        assert after[table] == before[table], table


def test_every_change_an_import_makes_is_named(seeded: Seeded, tmp_path: Path) -> None:
    """A series' occurrence the file no longer has, a renamed one-off and a new event: the
    dry run and the import list each with its session id, time and title (and what a change
    changes), not only how many."""
    run = seeded.run
    seeded.book("2027-01-05 16:00", students=[seeded.sam],
                         extra=["--repeat", "FREQ=WEEKLY;COUNT=4"])
    trial = seeded.book("2027-01-07 10:00", title="Trial")
    data = run.ok("export", "ics").stdout
    third = [s for s in run.json("session", "list", "--all") if s["title"] == "Algebra"][2]
    changed = data.replace("RRULE:FREQ=WEEKLY;COUNT=4\n",
                           "RRULE:FREQ=WEEKLY;COUNT=4\nEXDATE;TZID=Europe/London:"
                           "20270119T160000\n").replace("SUMMARY:Trial", "SUMMARY:Trial II")
    new = changed.split("BEGIN:VEVENT")[1].split("END:VEVENT")[0] \
        .replace("SUMMARY:Trial II", "SUMMARY:Extra").replace(trial["uid"], "extra-1") \
        .replace("20270107T", "20270108T")
    changed = changed.replace("END:VCALENDAR", f"BEGIN:VEVENT{new}END:VEVENT\nEND:VCALENDAR")
    src = tmp_path / "changed.ics"
    src.write_text(changed, newline="")
    dry = run.ok("import", "ics", str(src), "--dry-run")
    lines = {m.group(1): line for line in dry.stdout.splitlines()
             if (m := re.match(r"\s+(?:\d+\s+)?(create|update|cancel)\s", line))}
    assert "cancel" in lines, dry.stdout
    assert f"#{third['id']}" in lines["cancel"] and "Tue 19 Jan 2027 16:00" in lines["cancel"]
    assert "Algebra" in lines["cancel"]
    assert f"#{trial['id']}" in lines["update"] and "Trial II" in lines["update"]
    assert lines["update"].rstrip().endswith("title")
    assert "Extra" in lines["create"] and "#" not in lines["create"]
    assert "1 session would be created; 1 updated, 3 unchanged; 1 cancelled" in dry.stdout
    done = run.json("import", "ics", str(src))
    by_action = {s["action"]: s for s in done["sessions"]}
    assert (by_action["cancel"]["id"], by_action["cancel"]["title"]) == (third["id"], "Algebra")
    assert (by_action["update"]["id"], by_action["update"]["changed"]) == (trial["id"],
                                                                          ["title"])
    made = [s for s in run.json("session", "list", "--all") if s["title"] == "Extra"]
    assert by_action["create"]["id"] == made[0]["id"]
    assert done["series"] == 1  # the series whose rule lost an occurrence



def test_a_session_in_progress_stays_so_when_its_export_is_imported(seeded: Seeded,
                                                                     tmp_path: Path) -> None:
    """A calendar says only that a session is on (CONFIRMED): importing our own export does
    not put a started session back to scheduled."""
    run = seeded.run
    started = seeded.book("2027-01-07 10:00", title="Started")
    seeded.book("2027-01-08 10:00", title="Waiting")
    run.ok("session", "start", str(started["id"]), "--force")
    cal = tmp_path / "all.ics"
    run.ok("export", "ics", "-o", str(cal))
    dry = run.ok("import", "ics", str(cal), "--dry-run")
    assert "0 sessions would be created; 0 updated, 2 unchanged;" in dry.stdout, dry.stdout
    done = run.json("import", "ics", str(cal))
    assert (done["updated"], done["unchanged"]) == (0, 2)
    statuses = {s["title"]: s["status"] for s in run.json("session", "list", "--all")}
    assert statuses == {"Started": "in_progress", "Waiting": "scheduled"}
