"""Dated availability windows: a day with windows of its own follows them instead of the
weekly pattern, for booking and free slots alike; adding or removing them lists the
sessions they leave outside the mentor's availability."""

from __future__ import annotations

from .conftest import Seeded

MONDAY = "2030-03-04"  # Ada teaches Mondays 15:00-19:00 (set below)


def test_dated_windows_replace_the_weekly_pattern_on_their_days(seeded: Seeded) -> None:
    run, ada = seeded.run, seeded.ada
    run.ok("availability", "set", ada, "--weekday", "mon", "--from", "15:00", "--to", "19:00")
    run.fails(3, "session", "add", "--title", "Sat", "--mentor", ada, "--start",
              "2030-03-09 10:00", "--duration", "60")  # a Saturday: outside the pattern
    added = run.json("availability", "add", ada, "--on", "2030-03-09", "--from", "10:00",
                     "--to", "13:00")
    assert [w["day"] for w in added["windows"]] == ["2030-03-09"] and added["outside"] == []
    seeded.book("2030-03-09 10:00", title="Sat")  # now inside
    run.fails(3, "session", "add", "--title", "Late", "--mentor", ada, "--start",
              "2030-03-09 13:00", "--duration", "60")
    free = run.json("session", "free", "--mentor", ada, "--duration", "60", "--from",
                    "2030-03-09", "--to", "2030-03-10")
    assert [s["start"][11:16] for s in free] == ["11:00"]
    # a Monday booked in the weekly window, then that Monday given a morning of its own
    monday = seeded.book(f"{MONDAY} 16:00", students=[seeded.sam])
    run_of_days = run.json("availability", "add", ada, "--on", MONDAY, "--until", "2030-03-05",
                           "--from", "09:00", "--to", "12:00")
    assert len(run_of_days["windows"]) == 2
    assert [s["id"] for s in run_of_days["outside"]] == [monday["id"]]
    text = run.ok("availability", "remove", ada, "--on", MONDAY).stdout
    assert "Removed 1 dated window" in text and "outside" not in text
    listed = run.json("availability", "list", ada, "--dated")
    assert [w["day"] for w in listed] == ["2030-03-05", "2030-03-09"]
    run.fails(2, "availability", "add", ada, "--on", MONDAY, "--from", "12:00", "--to", "09:00")
    run.fails(5, "availability", "add", ada, "--on", MONDAY, "--from", "09:00", "--to", "12:00",
              as_=seeded.bob)


def test_a_window_change_hands_the_sessions_it_leaves_outside_on(seeded: Seeded) -> None:
    run, ada = seeded.run, seeded.ada
    run.ok("availability", "set", ada, "--weekday", "mon", "--from", "15:00", "--to", "19:00")
    monday = seeded.book(f"{MONDAY} 16:00", students=[seeded.sam])
    busy = seeded.book(f"{MONDAY} 16:30", mentor=seeded.bob)
    refused = run.fails(3, "availability", "add", ada, "--on", MONDAY, "--from", "09:00",
                        "--to", "12:00", "--reassign-to", seeded.bob)
    assert str(busy["id"]) in refused.stderr + refused.stdout
    assert run.json("availability", "list", ada, "--dated") == []  # nothing written
    run.ok("session", "cancel", str(busy["id"]))
    done = run.json("availability", "add", ada, "--on", MONDAY, "--from", "09:00", "--to",
                    "12:00", "--reassign-to", seeded.bob)
    assert [s["id"] for s in done["reassigned"]] == [monday["id"]] and done["outside"] == []
    assert run.json("session", "show", str(monday["id"]))["mentor"] == seeded.bob
    # the Monday morning booked for Ada, then its dated window removed: handed to Bob too
    morning = seeded.book(f"{MONDAY} 10:00")
    gone = run.json("availability", "remove", ada, "--on", MONDAY, "--reassign-to",
                    seeded.bob)
    assert gone["removed"] == 1 and [s["id"] for s in gone["reassigned"]] == [morning["id"]]
