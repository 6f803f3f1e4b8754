"""The scheduling commands through the in-process runner: `session add --repeat`, edit and
cancel scopes, `session free` and `session explain`, `series`, `term`, `closure` and
`availability` (docs/CLI.md; ARCHITECTURE.md decisions 1-3).

The runner's viewer zone is Europe/London. Dates are in 2030, far enough ahead to stay in the
future: London falls back on Sunday 27 October 2030, New York on Sunday 3 November 2030.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sessionsctl.core.schedule.conflicts import KEPT

from .conftest import VIEWER_TZ, Run, Seeded, assert_clean_exit, book_args, parse_json

# The element of `session list --json`, exactly as docs/CLI.md gives it.
SESSION_KEYS = {"id", "uid", "series_id", "recurrence_id", "title", "status", "start", "end",
                "tz", "mentor", "students", "room", "subject", "type", "location", "link",
                "seats", "live"}
SERIES_RESULT_KEYS = {"series", "booked", "changed", "kept", "removed", "skipped", "closed",
                      "conflicts", "conflict_count"}
CONFLICT_KEYS = {"kind", "start", "detail", "with"}

FIRST = "2030-10-15"  # a Tuesday, BST
WEEKLY4 = "FREQ=WEEKLY;BYDAY=TU;COUNT=4"  # 15, 22, 29 Oct (GMT from 27 Oct), 5 Nov


def series_add(seeded: Seeded, start: str = f"{FIRST} 16:00", repeat: str = WEEKLY4, *,
               students: tuple[str, ...] = (), extra: tuple[str, ...] = (),
               title: str = "Algebra", mentor: str | None = None, tz: str | None = VIEWER_TZ,
               duration: int = 60) -> dict[str, Any]:
    return seeded.run.json(*book_args(start, title=title, mentor=mentor or seeded.ada,
                                      students=students, duration=duration,
                                      extra=("--repeat", repeat, *extra)), tz=tz)


def listed(run: Run, *args: str, tz: str | None = VIEWER_TZ) -> list[dict[str, Any]]:
    return run.json("session", "list", "--all", *args, tz=tz)


def series_show(run: Run, series_id: int, **kwargs: Any) -> dict[str, Any]:
    return run.json("series", "show", str(series_id), **kwargs)


def starts(sessions: list[dict[str, Any]]) -> list[str]:
    return [s["start"] for s in sessions]


def local_today(offset: int = 0) -> datetime:
    return datetime.now(ZoneInfo(VIEWER_TZ)) + timedelta(days=offset)


# ============================================================== session add --repeat

def test_series_add_json_shape(seeded: Seeded) -> None:
    result = series_add(seeded, students=(seeded.sam,), extra=("--room", seeded.hall))
    assert set(result) == SERIES_RESULT_KEYS
    series = result["series"]
    assert set(series) == {"id", "uid", "rule", "tz"}
    assert (series["rule"], series["tz"]) == (f"RRULE:{WEEKLY4}", VIEWER_TZ)
    assert (result["changed"], result["kept"], result["removed"], result["skipped"],
            result["closed"], result["conflicts"]) == ([], [], 0, [], [], [])
    booked = result["booked"]
    assert len(booked) == 4
    for s in booked:
        assert set(s) == SESSION_KEYS
        assert (s["series_id"], s["uid"], s["recurrence_id"]) == (
            series["id"], series["uid"], s["start"])
        assert (s["mentor"], s["students"], s["room"], s["status"]) == (
            seeded.ada, [seeded.sam], seeded.hall, "scheduled")
    assert starts(booked) == ["2030-10-15T16:00:00+01:00", "2030-10-22T16:00:00+01:00",
                              "2030-10-29T16:00:00+00:00", "2030-11-05T16:00:00+00:00"]
    # what the database holds, read back
    assert listed(seeded.run) == booked


def test_series_add_text(seeded: Seeded) -> None:
    out = seeded.run.ok(*book_args(f"{FIRST} 16:00", extra=("--repeat", WEEKLY4))).stdout
    assert "Booked series #1 (weekly on Tuesday, 4 times): 4 booked" in out
    assert "from Tue 15 Oct 2030 16:00 BST to Tue 05 Nov 2030 16:00 GMT" in out


def test_a_title_is_printed_as_written_emoji_codes_too(seeded: Seeded) -> None:
    out = seeded.run.ok(*book_args(f"{FIRST} 16:00", title=":fire: drills :smile:")).stdout
    assert "':fire: drills :smile:'" in out
    listed = seeded.run.ok("session", "list", "--from", FIRST, "--to", "2030-10-16").stdout
    assert ":fire: drills :smile:" in listed


@pytest.mark.parametrize(("tz", "offsets", "utc_hours"), [
    ("Europe/London", ["+01:00", "+01:00", "+00:00", "+00:00"], [15, 15, 16, 16]),
    ("America/New_York", ["-04:00", "-04:00", "-04:00", "-05:00"], [20, 20, 20, 21]),
])
def test_a_weekly_series_keeps_its_local_time_across_the_clock_change(
        seeded: Seeded, tz: str, offsets: list[str], utc_hours: list[int]) -> None:
    result = series_add(seeded, extra=("--tz", tz))
    assert result["series"]["tz"] == tz
    in_zone = listed(seeded.run, tz=tz)
    assert [s["start"][11:16] for s in in_zone] == ["16:00"] * 4
    assert [s["start"][19:] for s in in_zone] == offsets
    assert [s["start"][:10] for s in in_zone] == [
        "2030-10-15", "2030-10-22", "2030-10-29", "2030-11-05"]
    assert {s["tz"] for s in in_zone} == {tz}
    in_utc = listed(seeded.run, tz="UTC")
    assert [int(s["start"][11:13]) for s in in_utc] == utc_hours
    assert [s["recurrence_id"] for s in in_utc] == [s["start"] for s in in_utc]


def test_series_add_with_a_term_and_a_time_only_start(seeded: Seeded) -> None:
    run = seeded.run
    term = run.json("term", "add", "Autumn 2030", "--from", "2030-09-02", "--to", "2030-10-25")
    assert term == {"id": 1, "name": "Autumn 2030", "starts_on": "2030-09-02",
                    "ends_on": "2030-10-25"}
    assert run.json("term", "list") == [term]
    assert "Autumn 2030" in run.ok("term", "list").stdout
    result = series_add(seeded, start="16:00", repeat="FREQ=WEEKLY;BYDAY=TU",
                        extra=("--term", "Autumn 2030"))
    assert [s["start"][:10] for s in result["booked"]] == [
        "2030-09-03", "2030-09-10", "2030-09-17", "2030-09-24", "2030-10-01", "2030-10-08",
        "2030-10-15", "2030-10-22"]
    assert all(s["start"][11:16] == "16:00" for s in result["booked"])
    assert "UNTIL=20301022T160000" in result["series"]["rule"]  # its last lesson in the term
    assert starts(listed(run)) == starts(result["booked"])


def test_term_add_text_and_duplicates(seeded: Seeded,
                                      db_snapshot: Callable[[], Any]) -> None:
    run = seeded.run
    assert "Added term Spring 2031: 2031-01-06 to 2031-03-28" in run.ok(
        "term", "add", "Spring 2031", "--from", "2031-01-06", "--to", "2031-03-28").stdout
    before = db_snapshot()
    result = run.fails(2, "term", "add", "Spring 2031", "--from", "2031-01-06", "--to",
                       "2031-03-28")
    assert "exists already" in result.stderr
    run.fails(2, "term", "add", "Summer", "--from", "2031-07-01", "--to", "2031-04-01")
    assert db_snapshot() == before


@pytest.mark.parametrize("extra", [("--term", "Autumn 2030"), ("--skip-conflicts",)],
                         ids=["term", "skip-conflicts"])
def test_series_only_options_need_repeat(seeded: Seeded, db_snapshot: Callable[[], Any],
                                         extra: tuple[str, ...]) -> None:
    before = db_snapshot()
    result = seeded.run.fails(2, *book_args(f"{FIRST} 16:00", extra=extra))
    assert "--repeat" in result.stderr
    assert db_snapshot() == before


def test_series_add_with_an_unknown_term_is_not_found(seeded: Seeded,
                                                      db_snapshot: Callable[[], Any]) -> None:
    before = db_snapshot()
    result = seeded.run.fails(4, *book_args("16:00", extra=("--repeat", WEEKLY4,
                                                            "--term", "Nope")))
    assert "Nope" in result.stderr
    assert db_snapshot() == before


def _block(seeded: Seeded) -> tuple[dict[str, Any], dict[str, Any]]:
    """Bob teaches Sam 16:30 on 22 Oct; Hall taken at 15:30 on 5 Nov."""
    sam_busy = seeded.book("2030-10-22 16:30", title="Physics", mentor=seeded.bob,
                           students=[seeded.sam])
    hall_busy = seeded.book("2030-11-05 15:30", title="Assembly", mentor=seeded.bob,
                            extra=["--room", seeded.hall])
    return sam_busy, hall_busy


def test_a_booking_with_many_conflicts_lists_the_first_and_counts_every_one(
        seeded: Seeded, db_snapshot: Callable[[], Any]) -> None:
    """A group clashing with a group of the same twelve students: fourteen conflicts (the
    mentor, each student, the hall); the first KEPT are listed, and all are counted."""
    students = [f"pupil{i}@example.org" for i in range(12)]
    for email in students:
        seeded.run.ok("person", "add", "--name", email.split("@")[0].title(), "--email", email,
                      "--role", "student")
    group = ["--room", seeded.hall, "--type", "group"]
    seeded.book(f"{FIRST} 16:00", students=students, extra=group)
    before = db_snapshot()
    args = book_args(f"{FIRST} 16:30", students=students, extra=group)
    payload = parse_json(seeded.run.fails(3, *args, "--json"))
    assert payload["count"] == 14 and len(payload["conflicts"]) == KEPT
    assert [c["kind"] for c in payload["conflicts"][:2]] == ["mentor", "student"]
    text = seeded.run.fails(3, *args).stderr
    assert f"… and {14 - KEPT} more conflicts" in text
    assert "refused: 14 scheduling conflicts" in text
    assert db_snapshot() == before


def test_a_clashing_series_is_refused_with_every_clash(seeded: Seeded,
                                                       db_snapshot: Callable[[], Any]) -> None:
    sam_busy, hall_busy = _block(seeded)
    before = db_snapshot()
    args = book_args(f"{FIRST} 16:00", students=[seeded.sam],
                     extra=("--room", seeded.hall, "--repeat", WEEKLY4))
    result = seeded.run.fails(3, *args, "--json")
    conflicts = parse_json(result)["conflicts"]
    assert [set(c) for c in conflicts] == [CONFLICT_KEYS] * 2
    assert [(c["start"], c["kind"], c["with"]["id"]) for c in conflicts] == [
        ("2030-10-22T16:00:00+01:00", "student", sam_busy["id"]),
        ("2030-11-05T16:00:00+00:00", "room", hall_busy["id"])]
    assert set(conflicts[0]["with"]) == SESSION_KEYS
    text = seeded.run.fails(3, *args)
    assert "student" in text.stderr and "room" in text.stderr
    assert f"#{sam_busy['id']}" in text.stderr and f"#{hall_busy['id']}" in text.stderr
    assert "nothing was written" in text.stderr
    assert db_snapshot() == before


def test_skip_conflicts_books_the_free_ones(seeded: Seeded) -> None:
    sam_busy, hall_busy = _block(seeded)
    result = series_add(seeded, students=(seeded.sam,),
                        extra=("--room", seeded.hall, "--skip-conflicts"))
    assert result["skipped"] == ["2030-10-22T16:00:00+01:00", "2030-11-05T16:00:00+00:00"]
    assert [(c["kind"], c["with"]["id"]) for c in result["conflicts"]] == [
        ("student", sam_busy["id"]), ("room", hall_busy["id"])]
    assert starts(result["booked"]) == ["2030-10-15T16:00:00+01:00",
                                        "2030-10-29T16:00:00+00:00"]
    series = series_show(seeded.run, result["series"]["id"])
    assert starts(series["occurrences"]) == starts(result["booked"])
    assert "EXDATE:20301022T160000,20301105T160000" in series["rule"]


def test_skip_conflicts_text_lists_the_skipped(seeded: Seeded) -> None:
    _block(seeded)
    out = seeded.run.ok(*book_args(f"{FIRST} 16:00", students=[seeded.sam],
                                   extra=("--repeat", WEEKLY4, "--skip-conflicts"))).stdout
    assert "3 booked" in out
    assert "skipped 1 clashing occurrence:" in out
    assert "Physics" in out


def test_force_with_reason_books_all_and_records_it(seeded: Seeded) -> None:
    _block(seeded)
    result = series_add(seeded, students=(seeded.sam,),
                        extra=("--force", "--reason", "parents agreed"))
    assert len(result["booked"]) == 4
    assert [c["kind"] for c in result["conflicts"]] == ["student"]
    reasons = {s["start"][:10]: seeded.run.json("session", "show", str(s["id"]))["force_reason"]
               for s in result["booked"]}
    assert reasons == {"2030-10-15": None, "2030-10-22": "parents agreed",
                       "2030-10-29": None, "2030-11-05": None}


def test_force_without_reason_is_refused(seeded: Seeded,
                                         db_snapshot: Callable[[], Any]) -> None:
    _block(seeded)
    before = db_snapshot()
    result = seeded.run.fails(2, *book_args(f"{FIRST} 16:00", students=[seeded.sam],
                                            extra=("--repeat", WEEKLY4, "--force")))
    assert "--reason" in result.stderr
    assert db_snapshot() == before


# ====================================================================== closures

def test_closure_add_lists_the_sessions_to_move(seeded: Seeded,
                                                db_snapshot: Callable[[], Any]) -> None:
    run = seeded.run
    booked = series_add(seeded)["booked"]
    before = db_snapshot()
    result = run.json("closure", "add", "2030-10-21", "--to", "2030-10-25", "--reason",
                      "half-term")
    assert result["closure"] == {"id": 1, "starts_on": "2030-10-21", "ends_on": "2030-10-25",
                                 "reason": "half-term"}
    assert result["sessions_to_move"] == [booked[1]]
    assert set(result["sessions_to_move"][0]) == SESSION_KEYS
    after = db_snapshot()
    assert after["sessions"] == before["sessions"]  # not moved or cancelled here
    assert run.json("closure", "list") == [result["closure"]]
    out = run.ok("closure", "add", "2030-10-29", "--reason", "inset day").stdout
    assert "Closed 2030-10-29: inset day" in out
    assert "1 session already booked then" in out and "Algebra" in out
    assert "session move --closure --from 2030-10-29 --to 2030-10-29 --by +1w" in out
    assert "half-term" in run.ok("closure", "list").stdout


def test_closure_add_without_reason_is_refused(seeded: Seeded,
                                               db_snapshot: Callable[[], Any]) -> None:
    before = db_snapshot()
    result = seeded.run.fails(2, "closure", "add", "2030-10-21")
    assert "reason" in result.stderr
    assert db_snapshot() == before


def test_a_series_skips_closed_days(seeded: Seeded) -> None:
    seeded.run.ok("closure", "add", "2030-10-21", "--to", "2030-10-25", "--reason", "half-term")
    result = series_add(seeded)
    assert result["closed"] == [{"start": "2030-10-22T16:00:00+01:00", "reason": "half-term"}]
    assert [s["start"][:10] for s in result["booked"]] == [
        "2030-10-15", "2030-10-29", "2030-11-05"]
    assert "EXDATE:20301022T160000" in result["series"]["rule"]
    out = seeded.run.ok(*book_args(f"{FIRST} 18:00", extra=("--repeat", WEEKLY4))).stdout
    assert "skipped Tue 22 Oct 2030 18:00 BST: closed (half-term)" in out


# ================================================================== availability

def test_availability_set_list_and_clear(seeded: Seeded) -> None:
    run = seeded.run
    windows = run.json("availability", "set", seeded.ada, "--weekday", "tue", "--weekday",
                       "Thursday", "--from", "15:00", "--to", "18:30")
    assert windows == [
        {"mentor": seeded.ada, "weekday": 1, "start": "15:00:00", "end": "18:30:00",
         "tz": VIEWER_TZ},
        {"mentor": seeded.ada, "weekday": 3, "start": "15:00:00", "end": "18:30:00",
         "tz": VIEWER_TZ}]
    assert run.json("availability", "list", seeded.ada) == windows
    out = run.ok("availability", "list", seeded.ada).stdout
    assert "Tuesday" in out and "Thursday" in out and "15:00" in out and "18:30" in out
    assert run.json("availability", "set", seeded.ada, "--weekday", "thu",
                    "--clear") == windows[:1]
    run.json("availability", "set", seeded.ada, "--weekday", "tue", "--clear")
    assert "no availability set (available at any time)" in run.ok(
        "availability", "list", seeded.ada).stdout
    assert run.json("availability", "list", seeded.bob) == []


def test_availability_set_in_another_zone(seeded: Seeded) -> None:
    [window] = seeded.run.json("availability", "set", seeded.bob, "--weekday", "mon",
                               "--from", "09:00", "--to", "12:00", "--tz", "America/New_York")
    assert (window["start"], window["tz"]) == ("09:00:00", "America/New_York")


@pytest.mark.parametrize(("args", "code", "mentions"), [
    (["--weekday", "tue", "--from", "15:00"], 2, ("--from",)),
    (["--weekday", "someday", "--from", "15:00", "--to", "18:00"], 2, ("someday",)),
    (["--weekday", "tue", "--from", "teatime", "--to", "18:00"], 2, ("teatime",)),
    (["--weekday", "tue", "--from", "18:00", "--to", "15:00"], 2, ("to",)),
], ids=["no-to", "bad-weekday", "bad-time", "backwards"])
def test_availability_set_bad_input(seeded: Seeded, db_snapshot: Callable[[], Any],
                                    args: list[str], code: int,
                                    mentions: tuple[str, ...]) -> None:
    before = db_snapshot()
    result = seeded.run.fails(code, "availability", "set", seeded.ada, *args)
    for text in mentions:
        assert text in result.stderr
    assert db_snapshot() == before


def test_availability_for_an_unknown_person_is_not_found(seeded: Seeded) -> None:
    seeded.run.fails(4, "availability", "list", "ghost@example.org")
    seeded.run.fails(4, "availability", "set", "ghost@example.org", "--weekday", "tue",
                     "--from", "15:00", "--to", "18:00")


def test_availability_off_blocks_bookings(seeded: Seeded,
                                          db_snapshot: Callable[[], Any]) -> None:
    run = seeded.run
    item = run.json("availability", "off", seeded.ada, "--from", "2030-12-02", "--to",
                    "2030-12-03", "--reason", "conference")
    assert item == {"mentor": seeded.ada, "start": "2030-12-02T00:00:00+00:00",
                    "end": "2030-12-04T00:00:00+00:00", "reason": "conference",
                    "sessions": [], "reassigned_to": None}  # none booked then
    out = run.ok("availability", "off", seeded.bob, "--from", "2030-12-02 09:00", "--to",
                 "2030-12-02 12:00").stdout
    assert "Time off for bob@example.org" in out
    before = db_snapshot()
    result = run.fails(3, *book_args("2030-12-03 16:00"), "--json")
    [conflict] = parse_json(result)["conflicts"]
    assert (conflict["kind"], conflict["with"]) == ("availability", None)
    assert "conference" in conflict["detail"]
    assert db_snapshot() == before
    seeded.book("2030-12-04 00:00")  # time off ends where the day ends: half-open


def test_a_booking_outside_the_weekly_window_is_refused(seeded: Seeded,
                                                        db_snapshot: Callable[[], Any]) -> None:
    run = seeded.run
    run.ok("availability", "set", seeded.ada, "--weekday", "tue", "--from", "15:00", "--to",
           "18:00")
    seeded.book("2030-12-03 17:00")  # ends at 18:00: inside
    before = db_snapshot()
    result = run.fails(3, *book_args("2030-12-03 18:00"), "--json")
    assert [c["kind"] for c in parse_json(result)["conflicts"]] == ["availability"]
    assert db_snapshot() == before
    # a mentor with no availability set is free at any time
    seeded.book("2030-12-03 23:00", mentor=seeded.bob)


# ============================================================ session free / explain

def test_session_free_json_avoids_busy_sessions(seeded: Seeded) -> None:
    run = seeded.run
    seeded.book("2030-12-03 10:00")
    slots = run.json("session", "free", "--mentor", seeded.ada, "--duration", "60",
                     "--from", "2030-12-03 09:00", "--to", "2030-12-03", "--step", "30",
                     "--count", "4")
    # each free stretch once: 08:00-09:00 at the time asked for, then from 11:00 on
    assert slots == [
        {"start": "2030-12-03T09:00:00+00:00", "end": "2030-12-03T10:00:00+00:00",
         "room": None},
        {"start": "2030-12-03T11:00:00+00:00", "end": "2030-12-03T12:00:00+00:00",
         "room": None}]


def test_session_free_respects_availability_closures_and_students(seeded: Seeded) -> None:
    run = seeded.run
    run.ok("availability", "set", seeded.ada, "--weekday", "tue", "--from", "15:00", "--to",
           "17:00")
    run.ok("closure", "add", "2030-12-03", "--reason", "inset day")
    seeded.book("2030-12-10 15:00", mentor=seeded.bob, students=[seeded.sam])
    slots = run.json("session", "free", "--mentor", seeded.ada, "--student", seeded.sam,
                     "--duration", "60", "--from", "2030-12-02", "--to", "2030-12-20",
                     "--step", "60")
    assert [s["start"] for s in slots] == [
        "2030-12-10T16:00:00+00:00", "2030-12-17T15:00:00+00:00"]  # 15:00-17:00 free: once
    out = run.ok("session", "free", "--mentor", seeded.ada, "--duration", "60", "--from",
                 "2030-12-02", "--to", "2030-12-20", "--step", "60").stdout
    assert "Free slots for Ada Byron <ada@example.org>" in out and "Tue 10 Dec 2030 15:00 GMT" in out


def test_session_free_offers_another_room_when_only_the_room_is_taken(seeded: Seeded) -> None:
    run = seeded.run
    rooms = {r["name"]: r for r in run.json("room", "list")}
    room, other = sorted(rooms)[:2]
    seeded.book("2030-12-03 10:00", mentor=seeded.bob, extra=("--room", room))
    slots = run.json("session", "free", "--mentor", seeded.ada, "--duration", "60",
                     "--room", room, "--from", "2030-12-03 10:00", "--to", "2030-12-03",
                     "--step", "60")
    assert {"start": "2030-12-03T10:00:00+00:00", "end": "2030-12-03T11:00:00+00:00",
            "room": other} in slots
    table = run.ok("session", "free", "--mentor", seeded.ada, "--duration", "60", "--room",
                   room, "--from", "2030-12-03 10:00", "--to", "2030-12-03", "--step", "60")
    assert "Room" in table.stdout and other in table.stdout


def test_session_free_finds_nothing(seeded: Seeded) -> None:
    run = seeded.run
    run.ok("availability", "set", seeded.ada, "--weekday", "tue", "--from", "15:00", "--to",
           "16:00")
    args = ("session", "free", "--mentor", seeded.ada, "--duration", "90", "--from",
            "2030-12-02", "--to", "2030-12-20")
    assert run.json(*args) == []
    assert "No free slot found in that range." in run.ok(*args).stdout


def test_session_free_rejects_a_bad_step(seeded: Seeded) -> None:
    seeded.run.fails(2, "session", "free", "--mentor", seeded.ada, "--duration", "60",
                     "--step", "0")


def test_session_explain_a_free_slot(seeded: Seeded) -> None:
    args = ("session", "explain", "--mentor", seeded.ada, "--start", "2030-12-03 16:00",
            "--duration", "60")
    out = seeded.run.ok(*args).stdout
    assert "Free: Tue 03 Dec 2030 16:00 GMT–17:00 can be booked." in out
    assert seeded.run.json(*args) == {"free": True, "conflicts": []}


def test_session_explain_prints_the_reasons_and_exits_3(seeded: Seeded,
                                                        db_snapshot: Callable[[], Any]) -> None:
    run = seeded.run
    busy = seeded.book("2030-12-03 16:30", students=[seeded.sam])
    run.ok("closure", "add", "2030-12-03", "--reason", "inset day")
    before = db_snapshot()
    args = ("session", "explain", "--mentor", seeded.ada, "--start", "2030-12-03 16:00",
            "--duration", "60", "--student", seeded.sam, "--student", seeded.kim,
            "--student", seeded.lee, "--room", seeded.room)
    result = run.fails(3, *args)
    for text in ("mentor", "student", "capacity", "closure", "inset day", "seats 2",
                 f"#{busy['id']}"):
        assert text in result.stdout, text
    assert db_snapshot() == before


def test_session_explain_json_shape(seeded: Seeded) -> None:
    busy = seeded.book("2030-12-03 16:30", students=[seeded.sam])
    result = seeded.run("session", "explain", "--mentor", seeded.bob, "--start",
                        "2030-12-03 16:00", "--duration", "60", "--student", seeded.sam,
                        "--student", seeded.kim, "--max", "1", "--json")
    data = parse_json(result)
    assert set(data) == {"free", "conflicts"} and data["free"] is False
    assert [set(c) for c in data["conflicts"]] == [CONFLICT_KEYS] * 2
    by_kind = {c["kind"]: c for c in data["conflicts"]}
    assert set(by_kind) == {"student", "capacity"}
    assert by_kind["student"]["with"]["id"] == busy["id"]
    assert by_kind["capacity"]["with"] is None
    assert by_kind["student"]["start"] == "2030-12-03T16:00:00+00:00"


def test_session_explain_json_exits_3_when_not_free(seeded: Seeded) -> None:
    seeded.book("2030-12-03 16:30")
    result = seeded.run("session", "explain", "--mentor", seeded.ada, "--start",
                        "2030-12-03 16:00", "--duration", "60", "--json")
    assert_clean_exit(result, 3)


# ======================================================================== series

def test_series_list_and_show(seeded: Seeded) -> None:
    run = seeded.run
    first = series_add(seeded, students=(seeded.sam,))
    second = series_add(seeded, start="2030-10-16 09:00", repeat="FREQ=DAILY;COUNT=2",
                        title="Phonics", mentor=seeded.bob, tz="America/New_York")
    assert run.json("series", "list") == [
        {"id": first["series"]["id"], "uid": first["series"]["uid"],
         "rule": f"RRULE:{WEEKLY4}", "tz": VIEWER_TZ, "dtstart": "2030-10-15T16:00:00",
         "title": "Algebra", "mentor": seeded.ada, "expanded_until": None},
        {"id": second["series"]["id"], "uid": second["series"]["uid"],
         "rule": "RRULE:FREQ=DAILY;COUNT=2", "tz": "America/New_York",
         "dtstart": "2030-10-16T09:00:00", "title": "Phonics", "mentor": seeded.bob,
         "expanded_until": None}]
    out = run.ok("series", "list").stdout
    assert "weekly on Tuesday, 4 times" in out and "daily, 2 times" in out
    assert "Phonics" in out and "America/New_York" in out

    shown = series_show(run, first["series"]["id"])
    assert set(shown) == {"id", "uid", "rule", "tz", "dtstart", "template", "origin_id",
                          "parts", "occurrences"}
    assert (shown["origin_id"], shown["parts"]) == (None, [first["series"]["id"]])
    assert shown["occurrences"] == first["booked"]
    assert shown["template"]["title"] == "Algebra"
    assert shown["template"]["students"] == [seeded.sam]
    text = run.ok("series", "show", str(first["series"]["id"])).stdout
    assert "Series #1: 'Algebra', weekly on Tuesday, 4 times, at 16:00 Europe/London" in text
    assert "4 sessions" in text


def test_series_show_unknown_is_not_found(seeded: Seeded) -> None:
    seeded.run.fails(4, "series", "show", "99")


def test_series_extend(seeded: Seeded, db_snapshot: Callable[[], Any]) -> None:
    run = seeded.run
    tomorrow = local_today(1)
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[tomorrow.weekday()]
    result = series_add(seeded, start=f"{tomorrow:%Y-%m-%d} 16:00",
                        repeat=f"FREQ=WEEKLY;BYDAY={weekday}")
    series_id = result["series"]["id"]
    count = len(result["booked"])
    assert 25 <= count <= 27  # six months of weeks
    listing = run.json("series", "list")
    assert listing[0]["expanded_until"] is not None

    # Straight away there is (next to) nothing to book up to the default horizon.
    [again] = run.json("series", "extend") or [{"series": series_id, "booked": 0,
                                               "skipped": [], "closed": []}]
    assert again == {"series": series_id, "booked": 0, "skipped": [], "closed": []}

    # Four weeks further: four more occurrences, and running again books none.
    [more] = run.json("series", "extend", "--days", str(182 + 28))
    assert set(more) == {"series", "booked", "skipped", "closed"}
    # (4 weekly occurrences in 28 days; one more or less only if the clocks change then)
    assert more["series"] == series_id and 3 <= more["booked"] <= 5
    held = series_show(run, series_id)["occurrences"]
    assert len(held) == count + more["booked"]
    assert len({s["recurrence_id"] for s in held}) == len(held)
    before = db_snapshot()
    repeat = run.json("series", "extend", "--days", str(182 + 28))
    assert sum(r["booked"] for r in repeat) == 0
    assert before["sessions"] == db_snapshot()["sessions"]
    out = run.ok("series", "extend", "--days", str(182 + 35)).stdout
    assert re.search(rf"Series #{series_id}: [012] booked, 0 skipped for conflicts, "
                     r"0 for closures", out), out


def test_series_extend_with_nothing_open_ended(seeded: Seeded) -> None:
    series_add(seeded)
    assert seeded.run.json("series", "extend") == []
    assert "Every series is booked up to the horizon already." in seeded.run.ok(
        "series", "extend").stdout


# ================================================================== edit scopes

@pytest.fixture
def weekly(seeded: Seeded) -> list[dict[str, Any]]:
    """Four Tuesdays at 16:00 London with Sam: 15, 22, 29 Oct (GMT from 27 Oct), 5 Nov."""
    return series_add(seeded, students=(seeded.sam,))["booked"]


def test_edit_scope_this(seeded: Seeded, weekly: list[dict[str, Any]]) -> None:
    run = seeded.run
    target = weekly[1]
    changed = run.json("session", "edit", str(target["id"]), "--start", "2030-10-22 17:00",
                       "--scope", "this")
    assert changed["start"] == "2030-10-22T17:00:00+01:00"
    assert (changed["series_id"], changed["uid"], changed["recurrence_id"]) == (
        target["series_id"], target["uid"], target["recurrence_id"])
    now = listed(run)
    assert [s for s in now if s["id"] != target["id"]] == [
        s for s in weekly if s["id"] != target["id"]]
    assert [s for s in now if s["id"] == target["id"]] == [
        {**target, "start": "2030-10-22T17:00:00+01:00", "end": "2030-10-22T18:00:00+01:00"}]


def test_edit_scope_following_splits_the_series(seeded: Seeded,
                                                weekly: list[dict[str, Any]]) -> None:
    run = seeded.run
    pivot = weekly[1]
    result = run.json("session", "edit", str(pivot["id"]), "--start", "2030-10-22 17:30",
                      "--scope", "following")
    assert set(result) == SERIES_RESULT_KEYS
    new = result["series"]
    assert new["id"] != pivot["series_id"] and new["uid"] != pivot["uid"]
    assert [s["id"] for s in result["changed"]] == [s["id"] for s in weekly[1:]]
    old = series_show(run, pivot["series_id"])
    assert old["rule"] == "RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20301015T160000"
    assert old["occurrences"] == weekly[:1]
    moved = series_show(run, new["id"])["occurrences"]
    assert starts(moved) == ["2030-10-22T17:30:00+01:00", "2030-10-29T17:30:00+00:00",
                             "2030-11-05T17:30:00+00:00"]
    assert {s["uid"] for s in moved} == {new["uid"]}
    assert [s["recurrence_id"] for s in moved] == starts(moved)
    text = run.ok("series", "list").stdout
    assert "until 2030-10-15" in text and "3 times" in text


def test_edit_scope_all_changes_every_scheduled_occurrence(
        seeded: Seeded, weekly: list[dict[str, Any]]) -> None:
    run = seeded.run
    run.ok("session", "start", str(weekly[0]["id"]), "--force")
    done = run.json("session", "complete", str(weekly[0]["id"]), "--force")
    result = run.json("session", "edit", str(weekly[2]["id"]), "--title", "Geometry",
                      "--room", seeded.hall, "--scope", "all")
    assert result["series"]["id"] == weekly[0]["series_id"]
    assert [s["id"] for s in result["changed"]] == [s["id"] for s in weekly[1:]]
    now = listed(run)
    assert [(s["title"], s["room"], s["status"]) for s in now] == [
        ("Algebra", None, "completed")] + [("Geometry", seeded.hall, "scheduled")] * 3
    assert run.json("session", "show", str(done["id"]))["title"] == "Algebra"
    assert starts(now) == starts(weekly)
    out = run.ok("session", "edit", str(weekly[2]["id"]), "--notes", "bring a ruler",
                 "--scope", "all").stdout
    assert "Changed series #1" in out and "3 changed" in out


def test_edit_scope_following_with_a_new_rule(seeded: Seeded,
                                              weekly: list[dict[str, Any]]) -> None:
    run = seeded.run
    result = run.json("session", "edit", str(weekly[2]["id"]), "--start", "2030-10-31 16:00",
                      "--scope", "following", "--repeat", "FREQ=WEEKLY;BYDAY=TH;COUNT=3")
    assert result["removed"] == 2
    assert result["series"]["rule"] == "RRULE:FREQ=WEEKLY;BYDAY=TH;COUNT=3"
    now = listed(run)
    assert starts(now) == ["2030-10-15T16:00:00+01:00", "2030-10-22T16:00:00+01:00",
                           "2030-10-31T16:00:00+00:00", "2030-11-07T16:00:00+00:00",
                           "2030-11-14T16:00:00+00:00"]
    assert [s["series_id"] for s in now] == [weekly[0]["series_id"]] * 2 + [
        result["series"]["id"]] * 3


def test_moving_a_series_to_another_weekday_without_repeat_is_refused(
        seeded: Seeded, weekly: list[dict[str, Any]], db_snapshot: Callable[[], Any]) -> None:
    before = db_snapshot()
    for scope in ("following", "all"):
        result = seeded.run.fails(2, "session", "edit", str(weekly[0]["id"]), "--start",
                                  "2030-10-17 16:00", "--scope", scope)
        assert "moving a series to another day needs --repeat" in result.stderr
    assert db_snapshot() == before


def test_edit_this_with_repeat_is_refused(seeded: Seeded, weekly: list[dict[str, Any]],
                                          db_snapshot: Callable[[], Any]) -> None:
    before = db_snapshot()
    result = seeded.run.fails(2, "session", "edit", str(weekly[0]["id"]), "--repeat",
                              "FREQ=DAILY;COUNT=2")
    assert "--scope following or all" in result.stderr
    seeded.run.fails(2, "session", "edit", str(weekly[0]["id"]), "--title", "X", "--scope",
                     "everything")
    assert db_snapshot() == before


def test_a_clashing_series_edit_exits_3_and_writes_nothing(
        seeded: Seeded, weekly: list[dict[str, Any]], db_snapshot: Callable[[], Any]) -> None:
    busy = seeded.book("2030-10-29 17:00", mentor=seeded.bob, students=[seeded.sam])
    before = db_snapshot()
    result = seeded.run.fails(3, "session", "edit", str(weekly[1]["id"]), "--start",
                              "2030-10-22 17:00", "--scope", "following", "--json")
    [conflict] = parse_json(result)["conflicts"]
    assert (conflict["kind"], conflict["with"]["id"]) == ("student", busy["id"])
    assert db_snapshot() == before


def test_edit_scope_all_duration_from_a_later_occurrence(
        seeded: Seeded, weekly: list[dict[str, Any]]) -> None:
    seeded.run.json("session", "edit", str(weekly[2]["id"]), "--duration", "90",
                    "--scope", "all")
    now = listed(seeded.run)
    assert [s["end"][11:16] for s in now] == ["17:30"] * 4


def test_attendance_survives_an_edit_of_all(seeded: Seeded) -> None:
    run = seeded.run
    # a series whose first occurrence is long past
    past = local_today(-14)
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[past.weekday()]
    booked = series_add(seeded, start=f"{past:%Y-%m-%d} 16:00",
                        repeat=f"FREQ=WEEKLY;BYDAY={weekday};COUNT=4",
                        students=(seeded.sam,))["booked"]
    run.ok("attendance", "mark", str(booked[0]["id"]), seeded.sam, "present")
    run.ok("session", "start", str(booked[1]["id"]), "--force")
    run.ok("session", "complete", str(booked[1]["id"]), "--force")
    run.ok("attendance", "mark", str(booked[1]["id"]), seeded.sam, "late")
    run.json("session", "edit", str(booked[3]["id"]), "--title", "Renamed", "--scope", "all")
    run.json("session", "edit", str(booked[0]["id"]), "--start",
             f"{past:%Y-%m-%d} 16:30", "--scope", "following")
    first = run.json("session", "show", str(booked[0]["id"]))
    second = run.json("session", "show", str(booked[1]["id"]))
    assert [(a["student"], a["status"]) for a in first["attendance"]] == [(seeded.sam,
                                                                          "present")]
    assert [(a["student"], a["status"]) for a in second["attendance"]] == [(seeded.sam,
                                                                           "late")]
    assert (second["title"], second["status"], second["start"]) == (
        "Algebra", "completed", booked[1]["start"])
    assert first["title"] == "Renamed"


# ================================================================ cancel scopes

def test_cancel_scope_this(seeded: Seeded, weekly: list[dict[str, Any]]) -> None:
    [cancelled] = seeded.run.json("session", "cancel", str(weekly[1]["id"]), "--reason", "ill")
    assert (cancelled["id"], cancelled["status"], cancelled["cancel_reason"]) == (
        weekly[1]["id"], "cancelled", "ill")
    assert [s["status"] for s in listed(seeded.run)] == [
        "scheduled", "cancelled", "scheduled", "scheduled"]


def test_cancel_scope_following(seeded: Seeded, weekly: list[dict[str, Any]]) -> None:
    run = seeded.run
    cancelled = run.json("session", "cancel", str(weekly[2]["id"]), "--scope", "following",
                         "--reason", "moving away")
    assert [s["id"] for s in cancelled] == [s["id"] for s in weekly[2:]]
    assert {(s["status"], s["cancel_reason"]) for s in cancelled} == {
        ("cancelled", "moving away")}
    series = series_show(run, weekly[0]["series_id"])
    assert series["rule"] == "RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20301022T160000"
    assert [s["status"] for s in series["occurrences"]] == [
        "scheduled", "scheduled", "cancelled", "cancelled"]  # kept on record
    out = run.ok("session", "cancel", str(weekly[0]["id"]), "--scope", "following").stdout
    assert out.count("Cancelled #") == 2


def test_cancel_scope_all(seeded: Seeded, weekly: list[dict[str, Any]]) -> None:
    run = seeded.run
    cancelled = run.json("session", "cancel", str(weekly[3]["id"]), "--scope", "all")
    assert [s["id"] for s in cancelled] == [s["id"] for s in weekly]
    assert {s["status"] for s in listed(run)} == {"cancelled"}
    assert "Nothing left to cancel." in run.ok("session", "cancel", str(weekly[0]["id"]),
                                               "--scope", "all").stdout
    # freed: the slot can be booked again
    seeded.book(f"{FIRST} 16:00", students=[seeded.sam])


def test_cancel_an_unknown_session_or_scope(seeded: Seeded, weekly: list[dict[str, Any]],
                                            db_snapshot: Callable[[], Any]) -> None:
    before = db_snapshot()
    seeded.run.fails(4, "session", "cancel", "999", "--scope", "all")
    result = seeded.run.fails(2, "session", "cancel", str(weekly[0]["id"]), "--scope", "some")
    assert "scope" in result.stderr
    assert db_snapshot() == before


def test_times_are_taken_as_people_type_them(seeded: Seeded) -> None:
    tz = ZoneInfo(VIEWER_TZ)
    tomorrow = (datetime.now(tz) + timedelta(days=1)).date()
    booked = seeded.book("tomorrow 16:00", duration=None, extra=("--end", "5:30pm"))
    start, end = (datetime.fromisoformat(booked[k]).astimezone(tz) for k in ("start", "end"))
    assert (start.date(), start.hour, start.minute) == (tomorrow, 16, 0)
    assert (end.date(), end.hour, end.minute) == (tomorrow, 17, 30)
    # "--end 18:00" on an edit is on the session's day, not today
    edited = seeded.run.json("session", "edit", str(booked["id"]), "--end", "18:00")
    assert datetime.fromisoformat(edited["end"]).astimezone(tz).date() == tomorrow
    for start_text, words in (("tomorrow", "give the time too"),
                              ("01/12/2030 16:00", "write the date as"),
                              ("someday", "cannot read")):
        failed = seeded.run.fails(2, *book_args(start_text, title="Typed"))
        assert words in failed.stderr and "start:" in failed.stderr


def test_a_booking_before_today_needs_past_and_mails_nobody(seeded: Seeded) -> None:
    run = seeded.run
    args = ["session", "add", "--title", "Typo", "--mentor", seeded.ada, "--student",
            seeded.sam, "--start", "2020-01-13 16:00", "--duration", "60"]
    refused = run.fails(2, *args)
    assert "before today" in refused.stderr and "--past" in refused.stderr
    assert listed(run) == []
    outbox = run.json("mail", "outbox")
    booked = run.json(*args, "--past")
    assert booked["start"].startswith("2020-01-13")
    assert run.json("mail", "outbox") == outbox  # nobody is told of a session held
