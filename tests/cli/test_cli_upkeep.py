"""People, rooms and subjects can be corrected and taken out of use; terms and closures removed.

A deactivated person, a retired room or subject stays on the sessions that name it but cannot
be booked; taking one out of use is refused while sessions to come still need it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from .conftest import Seeded, book_args

FUTURE = "2030-12-03 16:00"
PAST = "2024-03-05 16:00"
NEXT_WEEK = f"{date.today() + timedelta(days=7)} 16:00"  # an open-ended rule books from now


def test_a_misspelt_email_is_corrected_and_sessions_and_series_follow(seeded: Seeded) -> None:
    run = seeded.run
    run.ok("person", "add", "--name", "Ada Lovelace", "--email", "ada@exmaple.org",
           "--role", "mentor")
    one = seeded.book(FUTURE, mentor="ada@exmaple.org", students=[seeded.sam])
    series = seeded.book("2030-12-04 16:00", mentor="ada@exmaple.org",
                         extra=["--repeat", "FREQ=WEEKLY;COUNT=3"])
    fixed = run.json("person", "edit", "ada@exmaple.org", "--email", "ada.l@example.org",
                     "--name", "Ada King")
    assert (fixed["email"], fixed["name"], fixed["active"]) == ("ada.l@example.org", "Ada King",
                                                                True)
    assert run.json("session", "show", str(one["id"]))["mentor"] == "ada.l@example.org"
    shown = run.json("series", "show", str(series["series"]["id"]))
    assert shown["template"]["mentor"] == "ada.l@example.org"
    run.fails(4, "person", "edit", "ada@exmaple.org", "--name", "x")  # the old email is gone
    # the series goes on with the corrected person: extending or editing it finds them
    run.ok("session", "edit", str(shown["occurrences"][0]["id"]), "--title", "Logic",
           "--scope", "all")


def test_an_email_someone_else_has_is_refused_and_nothing_changes(
        seeded: Seeded, db_snapshot: Callable[[], Any]) -> None:
    before = db_snapshot()
    result = seeded.run.fails(2, "person", "edit", seeded.sam, "--email", seeded.kim)
    assert "kim@example.org is already registered" in result.stderr
    assert db_snapshot() == before


def test_a_deactivated_person_is_kept_on_past_sessions_but_cannot_be_booked(
        seeded: Seeded) -> None:
    run = seeded.run
    held = seeded.book(PAST, students=[seeded.sam])
    gone = run.json("person", "deactivate", "Sam Lee")
    assert gone["active"] is False
    assert run.json("session", "show", str(held["id"]))["students"] == [seeded.sam]
    refused = run.fails(2, *book_args(FUTURE, students=[seeded.sam]))
    assert "Sam Lee <sam@example.org> is deactivated and cannot be booked" in refused.stderr
    # history may still be recorded with them, after the fact
    seeded.book("2024-03-12 16:00", students=[seeded.sam])
    listed = [p["email"] for p in run.json("person", "list")]
    assert seeded.sam not in listed and seeded.kim in listed
    assert seeded.sam in [p["email"] for p in run.json("person", "list", "--all")]
    assert run.json("person", "edit", seeded.sam, "--active")["active"] is True
    seeded.book(FUTURE, students=[seeded.sam])


def test_deactivating_someone_sessions_to_come_still_name_is_refused(
        seeded: Seeded, db_snapshot: Callable[[], Any]) -> None:
    booked = seeded.book(FUTURE, students=[seeded.sam])
    before = db_snapshot()
    result = seeded.run.fails(2, "person", "deactivate", seeded.ada)
    assert "cannot be deactivated: 1 session to come" in result.stderr
    assert f"#{booked['id']}" in result.stderr
    result = seeded.run.fails(2, "person", "edit", seeded.sam, "--role", "mentor")
    assert "cannot be made a mentor" in result.stderr
    assert db_snapshot() == before
    seeded.run.ok("session", "cancel", str(booked["id"]), "--reason", "leaving")
    seeded.run.ok("person", "deactivate", seeded.ada)


def test_an_open_ended_series_keeps_its_mentor_in_use(seeded: Seeded) -> None:
    run = seeded.run
    made = seeded.book(NEXT_WEEK, extra=["--repeat", "FREQ=WEEKLY"])
    # every occurrence booked so far given to another mentor: the rule still books Ada
    run.ok("session", "reassign", "--mentor", seeded.ada, "--new-mentor", seeded.bob, "--yes")
    result = run.fails(2, "person", "deactivate", seeded.ada)
    assert f"1 open-ended series (#{made['series']['id']}) still books them" in result.stderr


def test_a_room_renamed_and_retired(seeded: Seeded) -> None:
    run = seeded.run
    held = seeded.book(PAST, extra=["--room", "room 2"])
    series = seeded.book("2030-12-04 16:00", extra=["--room", "Room 2", "--repeat",
                                                    "FREQ=WEEKLY;COUNT=2"])
    room = run.json("room", "edit", "room 2", "--name", "Study Room", "--capacity", "3")
    assert (room["name"], room["capacity"]) == ("Study Room", 3)
    assert run.json("session", "show", str(held["id"]))["room"] == "Study Room"
    shown = run.json("series", "show", str(series["series"]["id"]))
    assert shown["template"]["room"] == "Study Room"
    assert "retire" in run.fails(2, "room", "retire", "Study Room").stderr  # still booked
    run.ok("session", "cancel", str(shown["occurrences"][0]["id"]), "--scope", "all",
           "--reason", "moved")
    assert run.json("room", "retire", "study room")["active"] is False
    refused = run.fails(2, *book_args(FUTURE, extra=["--room", "Study Room"]))
    assert "room 'Study Room' is retired" in refused.stderr
    assert "(retired)" in run.ok("room", "list").stdout
    run.fails(2, "room", "edit", "Study Room", "--name", "hall")  # Hall exists, in any case
    run.ok("room", "edit", "Study Room", "--active")
    seeded.book(FUTURE, extra=["--room", "Study Room"])


def test_a_subject_renamed_and_retired(seeded: Seeded) -> None:
    run = seeded.run
    held = seeded.book(PAST, extra=["--subject", "Mathematics"])
    assert run.json("subject", "edit", "mathematics", "--name", "Maths")["name"] == "Maths"
    assert run.json("session", "show", str(held["id"]))["subject"] == "Maths"
    run.ok("subject", "retire", "Maths")
    refused = run.fails(2, *book_args(FUTURE, extra=["--subject", "Maths"]))
    assert "subject 'Maths' is retired" in refused.stderr


def test_only_staff_change_people_and_staff_only_juniors(seeded: Seeded) -> None:
    run = seeded.run
    run.ok("person", "add", "--name", "Al Admin", "--email", "al@example.org", "--role", "admin")
    run.fails(5, "person", "edit", seeded.kim, "--name", "K", as_=seeded.sam)
    run.fails(5, "room", "retire", "Hall", as_=seeded.ada)
    run.fails(5, "person", "edit", "al@example.org", "--name", "Al", as_=seeded.desk)
    run.fails(5, "person", "edit", seeded.sam, "--role", "staff", as_=seeded.desk)
    assert run.json("person", "edit", seeded.sam, "--name", "Sam Lea",
                    as_=seeded.desk)["name"] == "Sam Lea"


def test_a_term_and_a_closure_are_removed(seeded: Seeded) -> None:
    run = seeded.run
    run.ok("term", "add", "Spring 2031", "--from", "2031-01-06", "--to", "2031-03-28")
    run.ok("closure", "add", "2031-02-17", "--to", "2031-02-21", "--reason", "half-term")
    assert "the centre is closed: half-term" in run.fails(3, *book_args("2031-02-18 16:00")).stderr
    removed = run.json("closure", "remove", "2031-02-19")
    assert [(c["starts_on"], c["ends_on"]) for c in removed] == [("2031-02-17", "2031-02-21")]
    seeded.book("2031-02-18 16:00")
    run.fails(4, "closure", "remove", "2031-02-19")
    # two closures on one day: which one is asked, and only that one goes
    one = run.json("closure", "add", "2031-04-01", "--to", "2031-04-04", "--reason", "Easter")
    two = run.json("closure", "add", "2031-04-02", "--reason", "boiler")
    refused = run.fails(2, "closure", "remove", "2031-04-02")
    assert "2 closures cover 2031-04-02" in refused.stderr and "--id" in refused.stderr
    run.ok("closure", "remove", "2031-04-02", "--id", str(two["closure"]["id"]))
    assert [c["id"] for c in run.json("closure", "list")] == [one["closure"]["id"]]
    assert run.json("term", "remove", "Spring 2031")["name"] == "Spring 2031"
    assert run.json("term", "list") == []
    run.fails(4, "term", "remove", "Spring 2031")
