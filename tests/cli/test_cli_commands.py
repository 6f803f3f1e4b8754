"""The commands of docs/CLI.md, in depth, through the in-process runner."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from .conftest import VIEWER_TZ, Run, Seeded, book_args, parse_json

# Far enough ahead to stay in the future; 3 Dec 2030 is a Tuesday, London is on GMT (UTC+0).
DAY = "2030-12-03"
NEXT_DAY = "2030-12-04"
SUMMER_DAY = "2030-07-02"  # London on BST (UTC+1)

# The element of `session list --json`, exactly as docs/CLI.md gives it.
SESSION_KEYS = {"id", "uid", "series_id", "recurrence_id", "title", "status", "start", "end",
                "tz", "mentor", "students", "room", "subject", "type", "location", "link",
                "seats", "live"}


def local_day(offset: int, tz: str = VIEWER_TZ) -> date:
    """Today (plus ``offset`` days) on the calendar of ``tz``."""
    return datetime.now(ZoneInfo(tz)).date() + timedelta(days=offset)


def ids(sessions: list[dict]) -> list[int]:
    return [s["id"] for s in sessions]


def show(run: Run, session_id: int, **kwargs) -> dict:
    return run.json("session", "show", str(session_id), **kwargs)


def listed(run: Run, *args: str, **kwargs) -> list[dict]:
    return run.json("session", "list", *args, **kwargs)


# ==================================================================================== init
def test_init_creates_a_new_database(run: Run, fresh_url: str) -> None:
    result = run.ok("init", db=fresh_url)
    assert "Database ready" in result.stdout
    assert run.json("person", "list", db=fresh_url) == []


def test_init_json_and_is_idempotent(run: Run) -> None:
    first = run.json("init")
    assert first["demo"] is None
    assert first["db"].split("?")[0] in run.db_url
    assert run.json("init") == first


def test_database_messages_hide_the_password(run: Run) -> None:
    result = run("init", db="postgresql+psycopg://desk:s3cret@127.0.0.1:1/nowhere")
    assert result.exit_code == 1  # nothing listens there
    assert "127.0.0.1" in result.stderr and "s3cret" not in result.output


def test_init_demo_loads_a_sample_centre_once(run: Run, fresh_url: str) -> None:
    summary = run.json("init", "--demo", db=fresh_url)
    assert summary["demo"], summary
    assert run.json("person", "list", db=fresh_url)
    assert run.json("room", "list", db=fresh_url)
    assert run.json("session", "list", "--all", db=fresh_url)
    # The demo goes into a new database only; run again (the README's setup line twice), it
    # says so, keeps the centre as it is and goes on.
    sessions = run.json("session", "list", "--all", db=fresh_url)
    again = run.ok("init", "--demo", db=fresh_url)
    assert "not loaded again" in again.stderr and "Database ready" in again.stdout
    assert run.json("init", "--demo", db=fresh_url)["demo_skipped"]
    assert run.json("session", "list", "--all", db=fresh_url) == sessions


def test_an_unknown_config_setting_is_named(run: Run, config_path: Path) -> None:
    config_path.parent.mkdir(parents=True, exist_ok=True)
    config_path.write_text('tz = "Europe/London"\ntemplate = "/tmp/mine"\n')
    failed = run.fails(2, "person", "list")
    assert "template" in failed.stderr and "did you mean templates" in failed.stderr
    assert str(config_path) in failed.stderr


# =================================================================================== where
def test_where_text(run: Run, config_path: Path) -> None:
    out = run.ok("where").stdout
    assert "Europe/London" in out
    assert str(config_path) in out


def test_where_json(run: Run, config_path: Path) -> None:
    info = run.json("where", as_="desk@example.org")
    assert info == {"db": info["db"], "as": "desk@example.org", "tz": VIEWER_TZ,
                    "config": str(config_path), "config_read": False,
                    "acting": "unknown (no person desk@example.org)"}
    assert run.json("where")["acting"].startswith("operator")
    run.ok("person", "add", "--name", "Dee Desk", "--email", "desk@example.org", "--role",
           "staff")
    assert run.json("where", as_="desk@example.org")["acting"] == \
        "Dee Desk <desk@example.org>, staff"


def test_settings_precedence_file_env_flag(run: Run, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('tz = "America/Chicago"\nuser = "file@example.org"\n')
    env = {"SESSIONSCTL_CONFIG": str(config)}
    from_file = run.json("where", tz=None, env=env)
    assert (from_file["tz"], from_file["as"], from_file["config_read"]) == (
        "America/Chicago", "file@example.org", True)
    from_env = run.json("where", tz=None, env={**env, "SESSIONSCTL_TZ": "Asia/Tokyo"})
    assert from_env["tz"] == "Asia/Tokyo"
    from_flag = run.json("where", tz="Europe/Paris", env={**env, "SESSIONSCTL_TZ": "Asia/Tokyo"})
    assert from_flag["tz"] == "Europe/Paris"


# ================================================================================== people
def test_person_add_text(run: Run) -> None:
    out = run.ok("person", "add", "--name", "Ada Byron", "--email", "ada@example.org",
                 "--role", "mentor").stdout
    assert "Added mentor Ada Byron <ada@example.org> (#1)" in out


def test_person_add_json_normalises_name_and_email(run: Run) -> None:
    person = run.json("person", "add", "--name", "  Sam   Lee ", "--email", "Sam@Example.ORG",
                      "--role", "student", "--tz", "Asia/Tokyo")
    assert person == {"id": 1, "name": "Sam Lee", "email": "sam@example.org",
                      "role": "student", "tz": "Asia/Tokyo", "active": True, "login": None}


def test_person_list(seeded: Seeded) -> None:
    run = seeded.run
    people = run.json("person", "list")
    assert {p["email"] for p in people} == {
        seeded.desk, seeded.ada, seeded.bob, seeded.sam, seeded.kim, seeded.lee}
    assert all(set(p) == {"id", "name", "email", "role", "tz", "active", "login"} for p in people)
    assert [p["name"] for p in people] == sorted(p["name"] for p in people)
    out = run.ok("person", "list").stdout
    assert "Ada Byron" in out and "kim@example.org" in out and "6 people" in out


@pytest.mark.parametrize("role, expected", [
    ("student", {"sam@example.org", "kim@example.org", "lee@example.org"}),
    ("mentor", {"ada@example.org", "bob@example.org"}),
    ("staff", {"desk@example.org"}),
    ("admin", set()),
])
def test_person_list_role(seeded: Seeded, role: str, expected: set[str]) -> None:
    people = seeded.run.json("person", "list", "--role", role)
    assert {p["email"] for p in people} == expected
    assert {p["role"] for p in people} <= {role}


# ========================================================================== rooms, subjects
def test_room_add_and_list(run: Run) -> None:
    assert "Added room Room 2 (#1, 6 seats)" in run.ok("room", "add", "Room 2", "--capacity",
                                                       "6").stdout
    assert run.json("room", "add", "Garden") == {"id": 2, "name": "Garden", "capacity": None, "active": True}
    assert run.json("room", "list") == [{"id": 2, "name": "Garden", "capacity": None, "active": True},
                                        {"id": 1, "name": "Room 2", "capacity": 6, "active": True}]
    out = run.ok("room", "list").stdout
    assert "Room 2" in out and "Garden" in out


def test_subject_add_and_list(run: Run) -> None:
    assert "Added subject Physics (#1)" in run.ok("subject", "add", "Physics").stdout
    assert run.json("subject", "add", "Algebra") == {"id": 2, "name": "Algebra", "active": True}
    assert run.json("subject", "list") == [{"id": 2, "name": "Algebra", "active": True},
                                           {"id": 1, "name": "Physics", "active": True}]
    assert "Physics" in run.ok("subject", "list").stdout


# ============================================================================= session add
def test_session_add_with_duration(seeded: Seeded) -> None:
    s = seeded.book(f"{DAY} 16:00", duration=90, students=[seeded.sam],
                    extra=["--room", seeded.room, "--subject", seeded.subject])
    assert SESSION_KEYS <= set(s)
    assert (s["start"], s["end"], s["tz"]) == (
        "2030-12-03T16:00:00+00:00", "2030-12-03T17:30:00+00:00", VIEWER_TZ)
    assert (s["mentor"], s["students"], s["room"], s["subject"]) == (
        seeded.ada, [seeded.sam], seeded.room, seeded.subject)
    assert (s["type"], s["status"], s["series_id"], s["recurrence_id"]) == (
        "individual", "scheduled", None, None)
    assert s["uid"]


def test_session_add_with_end(seeded: Seeded) -> None:
    s = seeded.book(f"{DAY} 16:00", duration=None, extra=["--end", f"{DAY} 16:45"])
    assert s["end"] == "2030-12-03T16:45:00+00:00"


def test_session_add_text(seeded: Seeded) -> None:
    out = seeded.run.ok(*book_args(f"{DAY} 16:00")).stdout
    assert ("Booked #1 'Algebra': Tue 03 Dec 2030 16:00 GMT–17:00 with Ada Byron "
            "<ada@example.org>") in out


def test_session_add_reads_times_in_the_global_zone(seeded: Seeded) -> None:
    s = seeded.book(f"{SUMMER_DAY} 16:00")  # BST
    assert s["start"] == "2030-07-02T16:00:00+01:00"
    assert show(seeded.run, s["id"], tz="UTC")["start"] == "2030-07-02T15:00:00+00:00"


def test_session_add_tz_is_the_booking_zone(seeded: Seeded) -> None:
    s = seeded.book(f"{DAY} 16:00", extra=["--tz", "America/New_York"])
    assert s["tz"] == "America/New_York"
    assert s["start"] == "2030-12-03T21:00:00+00:00"  # 16:00 EST is 21:00Z, shown in London
    viewed_in_ny = show(seeded.run, s["id"], tz="America/New_York")
    assert viewed_in_ny["start"] == "2030-12-03T16:00:00-05:00"
    assert "booked in America/New_York" in seeded.run.ok("session", "show", str(s["id"])).stdout


def test_session_add_offset_in_start_wins_over_tz(seeded: Seeded) -> None:
    s = seeded.book(f"{DAY}T16:00+02:00", extra=["--tz", "America/New_York"])
    assert s["start"] == "2030-12-03T14:00:00+00:00"
    assert s["tz"] == "America/New_York"


@pytest.mark.parametrize("students, extra, expected", [
    (["sam@example.org"], [], "individual"),
    (["sam@example.org", "kim@example.org"], [], "group"),
    (["sam@example.org", "kim@example.org"], ["--type", "workshop"], "workshop"),
    ([], ["--type", "workshop"], "workshop"),
])
def test_session_add_type(seeded: Seeded, students: list[str], extra: list[str],
                          expected: str) -> None:
    assert seeded.book(f"{DAY} 16:00", students=students, extra=extra)["type"] == expected


def test_session_add_every_option(seeded: Seeded) -> None:
    s = seeded.book(f"{DAY} 16:00", students=[seeded.kim, seeded.sam], extra=[
        "--location", "Library", "--link", "https://meet.example.org/x", "--max", "4",
        "--cost", "35.00", "--description", "Quadratics", "--notes", "bring calculators",
        "--meeting-id", "123", "--passcode", "pw", "--payment", "paid"])
    assert s["students"] == [seeded.kim, seeded.sam]
    detail = show(seeded.run, s["id"])
    assert {k: detail[k] for k in ("location", "link", "max_participants", "cost",
                                   "payment_status", "description", "notes", "meeting_id")} == {
        "location": "Library", "link": "https://meet.example.org/x", "max_participants": 4,
        "cost": "35.00", "payment_status": "paid", "description": "Quadratics",
        "notes": "bring calculators", "meeting_id": "123"}


# ============================================================================ session list
@pytest.fixture
def week(seeded: Seeded) -> dict[str, dict]:
    """Sessions around 3-4 Dec 2030 with different mentors, students, rooms and statuses."""
    book = seeded.book
    made = {
        "late_mon": book("2030-12-02 22:30", title="Late revision", students=[seeded.lee]),
        "tue_am": book(f"{DAY} 09:00", title="Algebra", students=[seeded.sam],
                       extra=["--room", seeded.room, "--subject", seeded.subject]),
        "tue_pm": book(f"{DAY} 15:00", title="Geometry", mentor=seeded.bob,
                       students=[seeded.kim, seeded.sam], extra=["--room", seeded.hall]),
        "wed_late": book(f"{NEXT_DAY} 23:00", title="Night owls", mentor=seeded.bob,
                         duration=30),
        "thu_early": book("2030-12-05 00:30", title="Early birds", students=[seeded.kim]),
    }
    seeded.run.ok("session", "cancel", str(made["tue_pm"]["id"]), "--reason", "snow")
    made["tue_pm"]["status"] = "cancelled"
    return made


def test_session_list_json_is_the_contract_shape(seeded: Seeded, week: dict[str, dict]) -> None:
    sessions = listed(seeded.run, "--all")
    assert ids(sessions) == [week[k]["id"] for k in
                             ("late_mon", "tue_am", "tue_pm", "wed_late", "thu_early")]
    for s in sessions:
        assert set(s) == SESSION_KEYS
    tue = sessions[1]
    assert tue == {
        "id": week["tue_am"]["id"], "uid": week["tue_am"]["uid"], "series_id": None,
        "recurrence_id": None, "title": "Algebra", "status": "scheduled",
        "start": "2030-12-03T09:00:00+00:00", "end": "2030-12-03T10:00:00+00:00",
        "tz": VIEWER_TZ, "mentor": seeded.ada, "students": [seeded.sam], "room": seeded.room,
        "subject": seeded.subject, "type": "individual", "location": None, "link": None,
        "seats": "1", "live": False}


def test_session_list_json_offsets_are_the_viewers(seeded: Seeded, week: dict[str, dict]) -> None:
    sessions = listed(seeded.run, "--all", tz="Asia/Kolkata")
    assert sessions[1]["start"] == "2030-12-03T14:30:00+05:30"
    assert sessions[1]["tz"] == VIEWER_TZ  # the zone it was booked in, not the viewer's


def test_session_list_text_groups_by_day(seeded: Seeded, week: dict[str, dict]) -> None:
    out = seeded.run.ok("session", "list", "--from", DAY, "--to", NEXT_DAY).stdout
    tuesday, wednesday = out.index("Tuesday 03 December 2030"), out.index(
        "Wednesday 04 December 2030")
    assert tuesday < out.index("Algebra") < out.index("Geometry") < wednesday < out.index(
        "Night owls")
    assert "Monday" not in out and "Thursday" not in out
    assert "cancelled" in out
    assert "3 sessions; times in Europe/London." in out


def test_session_list_text_when_empty(seeded: Seeded) -> None:
    assert "No sessions." in seeded.run.ok("session", "list", "--all").stdout


@pytest.mark.parametrize("tz, expected", [
    # Days are the viewer's: 00:30 on 5 Dec in London is 19:30 on 4 Dec in New York; 22:30
    # on 2 Dec is 07:30 on 3 Dec in Tokyo, where 23:00 on 4 Dec is already 5 Dec.
    (VIEWER_TZ, ["tue_am", "tue_pm", "wed_late"]),
    ("America/New_York", ["tue_am", "tue_pm", "wed_late", "thu_early"]),
    ("Asia/Tokyo", ["late_mon", "tue_am", "tue_pm"]),
])
def test_session_list_from_to_are_inclusive_days_of_the_viewer(
        seeded: Seeded, week: dict[str, dict], tz: str, expected: list[str]) -> None:
    sessions = listed(seeded.run, "--from", DAY, "--to", NEXT_DAY, tz=tz)
    assert ids(sessions) == [week[k]["id"] for k in expected]


def test_session_list_from_or_to_alone(seeded: Seeded, week: dict[str, dict]) -> None:
    assert ids(listed(seeded.run, "--from", NEXT_DAY)) == [week["wed_late"]["id"],
                                                          week["thu_early"]["id"]]
    assert ids(listed(seeded.run, "--to", "2030-12-02")) == [week["late_mon"]["id"]]
    # A time is a bound as it stands.
    assert ids(listed(seeded.run, "--from", f"{DAY} 09:30", "--to", f"{DAY} 15:00")) == [
        week["tue_am"]["id"]]


@pytest.mark.parametrize("args, expected", [
    (["--mentor", "bob@example.org"], ["tue_pm", "wed_late"]),
    (["--student", "sam@example.org"], ["tue_am", "tue_pm"]),
    (["--student", "kim@example.org", "--mentor", "ada@example.org"], ["thu_early"]),
    (["--room", "Hall"], ["tue_pm"]),
    (["--subject", "Mathematics"], ["tue_am"]),
    (["--status", "cancelled"], ["tue_pm"]),
    (["--status", "scheduled", "--mentor", "bob@example.org"], ["wed_late"]),
    (["--status", "cancelled", "--status", "scheduled", "--room", "Hall"], ["tue_pm"]),
    (["--type", "group"], ["tue_pm"]),
    (["--search", "OWL"], ["wed_late"]),  # title, any case
    (["--search", "bob stone"], ["tue_pm", "wed_late"]),  # the mentor's name
    (["--search", "room 2"], ["tue_am"]),  # the room
    (["--limit", "2"], ["late_mon", "tue_am"]),
    # People by name, rooms and subjects in any case.
    (["--mentor", "Bob Stone"], ["tue_pm", "wed_late"]),
    (["--student", "SAM  lee", "--mentor", "bob stone"], ["tue_pm"]),
    (["--room", "hall"], ["tue_pm"]),
    (["--subject", "MATHEMATICS"], ["tue_am"]),
])
def test_session_list_filters(seeded: Seeded, week: dict[str, dict], args: list[str],
                              expected: list[str]) -> None:
    assert ids(listed(seeded.run, "--all", *args)) == [week[k]["id"] for k in expected]


@pytest.mark.parametrize("args, named", [
    (["--mentor", "nobody@example.org"], "no mentor nobody@example.org"),
    (["--mentor", "Bob Stoned"], "no mentor Bob Stoned (did you mean Bob Stone <bob@example.org>?)"),
    (["--student", "sam@exmaple.org"],
     "no student sam@exmaple.org (did you mean Sam Lee <sam@example.org>?)"),
    (["--room", "Hal"], "no room Hal (did you mean Hall?)"),
])
def test_session_list_refuses_a_filter_naming_nobody(seeded: Seeded, args: list[str],
                                                     named: str) -> None:
    """A filter naming nobody is a mistake (a typo), not an empty list: exit 4, with the
    nearest names there are."""
    assert named in seeded.run.fails(4, "session", "list", "--all", *args).stderr


@pytest.mark.parametrize("needle, expected", [
    ("50%", ["50% off"]), ("a_b", ["a_b"]), ("%", ["50% off"]), ("_", ["a_b"]),
])
def test_session_list_search_is_literal(seeded: Seeded, needle: str,
                                        expected: list[str]) -> None:
    for hour, title in enumerate(("50% off", "500 club", "a_b", "axb"), start=10):
        seeded.book(f"{DAY} {hour}:00", title=title)
    assert [s["title"] for s in listed(seeded.run, "--all", "--search", needle)] == expected


def test_session_list_defaults_to_the_coming_seven_days(seeded: Seeded) -> None:
    made = {offset: seeded.book(f"{local_day(offset)} 12:00", title=f"day {offset}")
            for offset in (-2, 1, 3, 9)}
    assert ids(listed(seeded.run)) == [made[1]["id"], made[3]["id"]]
    assert ids(listed(seeded.run, "--all")) == [made[o]["id"] for o in (-2, 1, 3, 9)]


# ============================================================================ session show
def test_session_show_text(seeded: Seeded) -> None:
    s = seeded.book(f"{DAY} 16:00", students=[seeded.sam, seeded.kim],
                    extra=["--room", seeded.room, "--cost", "20"])
    out = seeded.run.ok("session", "show", str(s["id"])).stdout
    for expected in (f"Session #{s['id']}", "Algebra", "scheduled", "Tue 03 Dec 2030 16:00 GMT",
                     seeded.ada, seeded.sam, seeded.kim, seeded.room, "group", "20",
                     "by local operator"):
        assert expected in out


def test_session_show_json_has_details_and_attendance(seeded: Seeded) -> None:
    s = seeded.book(f"{DAY} 16:00", students=[seeded.sam])
    detail = show(seeded.run, s["id"])
    assert SESSION_KEYS <= set(detail)
    assert {"attendance", "feedback", "materials", "created_by", "created_at", "modified_at",
            "cost", "payment_status", "cancel_reason", "force_reason", "sequence"} <= set(detail)
    assert (detail["attendance"], detail["feedback"], detail["materials"]) == ([], [], [])
    assert detail["created_by"] is None  # the local operator
    assert detail["created_at"].endswith("+00:00")
    seeded.run.ok("attendance", "mark", str(s["id"]), seeded.sam, "present", "--force",
                  "--note", "early")
    detail = show(seeded.run, s["id"])
    [mark] = detail["attendance"]
    assert (mark["student"], mark["status"], mark["note"]) == (seeded.sam, "present", "early")


# ============================================================================ session edit
def test_session_edit_move_keeps_the_duration(seeded: Seeded) -> None:
    s = seeded.book(f"{DAY} 16:00", duration=90)
    changed = seeded.run.json("session", "edit", str(s["id"]), "--start", f"{NEXT_DAY} 10:00")
    assert (changed["start"], changed["end"]) == (
        "2030-12-04T10:00:00+00:00", "2030-12-04T11:30:00+00:00")
    after = show(seeded.run, s["id"])
    assert after["end"] == changed["end"]
    assert after["sequence"] == s["sequence"] + 1


def test_session_edit_duration_alone(seeded: Seeded) -> None:
    s = seeded.book(f"{DAY} 16:00", duration=60)
    changed = seeded.run.json("session", "edit", str(s["id"]), "--duration", "45")
    assert (changed["start"], changed["end"]) == (
        "2030-12-03T16:00:00+00:00", "2030-12-03T16:45:00+00:00")


def test_session_edit_end_alone(seeded: Seeded) -> None:
    s = seeded.book(f"{DAY} 16:00", duration=60)
    changed = seeded.run.json("session", "edit", str(s["id"]), "--end", f"{DAY} 18:00")
    assert changed["end"] == "2030-12-03T18:00:00+00:00"


def test_session_edit_clears_room_and_subject(seeded: Seeded) -> None:
    s = seeded.book(f"{DAY} 16:00", extra=["--room", seeded.room, "--subject", seeded.subject])
    changed = seeded.run.json("session", "edit", str(s["id"]), "--room", "", "--subject", "")
    assert (changed["room"], changed["subject"]) == (None, None)
    assert show(seeded.run, s["id"])["room"] is None


def test_session_edit_fields_and_text(seeded: Seeded) -> None:
    s = seeded.book(f"{DAY} 16:00", students=[seeded.sam])
    out = seeded.run.ok("session", "edit", str(s["id"]), "--title", "Trigonometry",
                        "--student", seeded.kim, "--room", seeded.hall).stdout
    assert f"Changed #{s['id']} 'Trigonometry'" in out
    after = show(seeded.run, s["id"])
    assert (after["title"], after["students"], after["room"]) == (
        "Trigonometry", [seeded.kim], seeded.hall)


def test_session_edit_into_a_conflict_is_refused_then_forced(seeded: Seeded) -> None:
    first = seeded.book(f"{DAY} 16:00")
    second = seeded.book(f"{DAY} 18:00")
    move = ("session", "edit", str(second["id"]), "--start", f"{DAY} 16:30")
    refused = seeded.run.fails(3, *move, "--json")
    [conflict] = parse_json(refused)["conflicts"]
    assert (conflict["kind"], conflict["with"]["id"]) == ("mentor", first["id"])
    assert show(seeded.run, second["id"])["start"] == "2030-12-03T18:00:00+00:00"
    seeded.run.ok(*move, "--force", "--reason", "overlap agreed")
    after = show(seeded.run, second["id"])
    assert (after["start"], after["force_reason"]) == (
        "2030-12-03T16:30:00+00:00", "overlap agreed")


# ====================================================================== status transitions
def test_session_cancel_with_reason_frees_the_slot(seeded: Seeded) -> None:
    s = seeded.book(f"{DAY} 16:00", students=[seeded.sam])
    out = seeded.run.ok("session", "cancel", str(s["id"]), "--reason", "mentor ill").stdout
    assert f"Cancelled #{s['id']} 'Algebra'" in out
    after = show(seeded.run, s["id"])
    assert (after["status"], after["cancel_reason"]) == ("cancelled", "mentor ill")
    # The cancelled session stays on record but no longer blocks the slot.
    again = seeded.book(f"{DAY} 16:00", students=[seeded.sam])
    assert again["id"] != s["id"]


def test_session_cancel_json(seeded: Seeded) -> None:
    s = seeded.book(f"{DAY} 16:00")
    [cancelled] = seeded.run.json("session", "cancel", str(s["id"]))
    assert (cancelled["id"], cancelled["status"], cancelled["cancel_reason"]) == (
        s["id"], "cancelled", None)


def test_session_start_then_complete(seeded: Seeded) -> None:
    s = seeded.book(f"{DAY} 16:00")
    assert f"Started #{s['id']}" in seeded.run.ok("session", "start", str(s["id"]), "--force").stdout
    assert show(seeded.run, s["id"])["status"] == "in_progress"
    done = seeded.run.json("session", "complete", str(s["id"]), "--force")
    assert done["status"] == "completed"
    assert show(seeded.run, s["id"])["status"] == "completed"


def test_session_complete_text(seeded: Seeded) -> None:
    s = seeded.book(f"{DAY} 16:00")
    out = seeded.run.ok("session", "complete", str(s["id"]), "--force").stdout
    assert f"Completed #{s['id']} 'Algebra' (Tue 03 Dec 2030 16:00 GMT)" in out


@pytest.mark.parametrize("first, then", [
    (("complete", "--force"), ("start",)),
    (("complete", "--force"), ("complete",)),
    (("complete", "--force"), ("cancel",)),
    (("complete", "--force"), ("edit", "--title", "Late change")),
    (("cancel",), ("start",)),
    (("cancel",), ("complete",)),
    (("cancel",), ("edit", "--duration", "30")),
])
def test_closed_sessions_refuse_changes(seeded: Seeded, first: tuple[str, ...],
                                        then: tuple[str, ...]) -> None:
    s = seeded.book(f"{DAY} 16:00")
    seeded.run.ok("session", first[0], str(s["id"]), *first[1:])
    before = show(seeded.run, s["id"])
    result = seeded.run.fails(2, "session", then[0], str(s["id"]), *then[1:])
    assert "status" in result.stderr
    assert show(seeded.run, s["id"]) == before


def test_a_completed_session_still_takes_notes(seeded: Seeded) -> None:
    """`session edit --notes` goes through the same core call as the TUI's note."""
    s = seeded.book(f"{DAY} 16:00")
    seeded.run.ok("session", "complete", str(s["id"]), "--force")
    seeded.run.ok("session", "edit", str(s["id"]), "--notes", "covered chapter 4")
    after = show(seeded.run, s["id"])
    assert (after["status"], after["notes"]) == ("completed", "covered chapter 4")
    refused = seeded.run.fails(2, "session", "edit", str(s["id"]), "--notes", "x",
                               "--title", "Late change")
    assert "notes" in refused.stderr
    assert show(seeded.run, s["id"]) == after


# ============================================================================= attendance
@pytest.fixture
def started(seeded: Seeded) -> dict:
    """A group session that started yesterday (attendance can be marked without --force)."""
    return seeded.book(f"{local_day(-1)} 10:00", students=[seeded.sam, seeded.kim])


def test_attendance_mark_and_list(seeded: Seeded, started: dict) -> None:
    run, sid = seeded.run, str(started["id"])
    out = run.ok("attendance", "mark", sid, seeded.sam, "present").stdout
    assert f"Marked {seeded.sam} present in session #{sid}" in out
    mark = run.json("attendance", "mark", sid, seeded.kim, "late", "--note", "bus")
    assert (mark["student"], mark["status"], mark["note"]) == (seeded.kim, "late", "bus")
    marks = run.json("attendance", "list", sid)
    assert [(m["student"], m["status"]) for m in marks] == [(seeded.kim, "late"),
                                                           (seeded.sam, "present")]
    assert all(m["check_in"] for m in marks)  # present and late get a check-in
    assert set(marks[0]) == {"session_id", "student", "status", "check_in", "check_out",
                             "note", "recorded_by", "recorded_at"}
    text = run.ok("attendance", "list", sid).stdout
    assert f"Attendance of session #{sid}" in text and "bus" in text


def test_attendance_mark_again_replaces(seeded: Seeded, started: dict) -> None:
    sid = str(started["id"])
    seeded.run.ok("attendance", "mark", sid, seeded.sam, "absent")
    seeded.run.ok("attendance", "mark", sid, seeded.sam, "excused", "--note", "doctor")
    [mark] = seeded.run.json("attendance", "list", sid)
    assert (mark["status"], mark["note"], mark["check_in"]) == ("excused", "doctor", None)


def test_attendance_check_times_are_read_in_the_viewers_zone(seeded: Seeded,
                                                             started: dict) -> None:
    day = local_day(-1)
    mark = seeded.run.json("attendance", "mark", str(started["id"]), seeded.sam, "present",
                           "--check-in", f"{day} 10:05", "--check-out", f"{day} 10:55")
    tz = ZoneInfo(VIEWER_TZ)
    assert datetime.fromisoformat(mark["check_in"]) == datetime.fromisoformat(
        f"{day}T10:05").replace(tzinfo=tz)
    assert datetime.fromisoformat(mark["check_out"]) == datetime.fromisoformat(
        f"{day}T10:55").replace(tzinfo=tz)


def test_attendance_check_times_alone_are_on_the_sessions_day(seeded: Seeded,
                                                              started: dict) -> None:
    """The session was yesterday: `--check-in 10:05` is 10:05 on its day (it was read as
    today, and refused as after the check-out); marking again keeps the times; a time on
    another day is refused, naming the option."""
    run, sid, day = seeded.run, str(started["id"]), local_day(-1)
    tz = ZoneInfo(VIEWER_TZ)
    mark = run.json("attendance", "mark", sid, seeded.sam, "present", "--check-in", "10:05",
                    "--check-out", "10:50")
    times = {"check_in": f"{day}T10:05", "check_out": f"{day}T10:50"}
    for key, wall in times.items():
        assert datetime.fromisoformat(mark[key]) == datetime.fromisoformat(wall).replace(
            tzinfo=tz)
    late = run.json("attendance", "mark", sid, seeded.sam, "late")
    assert (late["check_in"], late["check_out"]) == (mark["check_in"], mark["check_out"])
    early = run.fails(2, "attendance", "mark", sid, seeded.kim, "present",
                      "--check-in", f"{local_day(-31)} 10:05")
    assert "check_in" in early.stderr and "is not on the day of session" in early.stderr
    assert [m["student"] for m in run.json("attendance", "list", sid)] == [seeded.sam]


def test_attendance_of_a_future_session_needs_force(seeded: Seeded) -> None:
    s = seeded.book(f"{DAY} 16:00", students=[seeded.sam])
    refused = seeded.run.fails(2, "attendance", "mark", str(s["id"]), seeded.sam, "present")
    # Core says why; the command line says how to go ahead anyway.
    assert "has not started yet (use --force to mark it anyway)" in refused.stderr
    refused = seeded.run.fails(2, "attendance", "mark-all", str(s["id"]), "present")
    assert "(use --force" in refused.stderr
    assert seeded.run.json("attendance", "list", str(s["id"])) == []
    seeded.run.ok("attendance", "mark", str(s["id"]), seeded.sam, "present", "--force")
    assert len(seeded.run.json("attendance", "list", str(s["id"]))) == 1


@pytest.mark.parametrize("who, code, mentions", [
    ("lee@example.org", 2, "not a student of session"),  # exists, but not in the session
    ("nobody@example.org", 4, "nobody@example.org"),
])
def test_attendance_of_someone_else(seeded: Seeded, started: dict, who: str, code: int,
                                    mentions: str) -> None:
    result = seeded.run.fails(code, "attendance", "mark", str(started["id"]), who, "present")
    assert mentions in result.stderr


# =============================================================================== feedback
def test_feedback_add_with_categories(seeded: Seeded, started: dict) -> None:
    sid = str(started["id"])
    out = seeded.run.ok("feedback", "add", sid, "--from", seeded.sam, "--rating", "5",
                        "--category", "clarity=4", "--category", "pace=3",
                        "--text", "Great").stdout
    assert f"Feedback from {seeded.sam} on session #{sid}: 5/5" in out
    [item] = show(seeded.run, started["id"])["feedback"]
    assert (item["author"], item["rating"], item["categories"], item["text"]) == (
        seeded.sam, 5, {"clarity": 4, "pace": 3}, "Great")


def test_feedback_again_replaces_and_json(seeded: Seeded, started: dict) -> None:
    sid = str(started["id"])
    seeded.run.ok("feedback", "add", sid, "--from", seeded.sam, "--rating", "2")
    item = seeded.run.json("feedback", "add", sid, "--from", seeded.sam, "--rating", "4",
                           "--category", " clarity =5")
    assert (item["rating"], item["categories"]) == (4, {"clarity": 5})
    assert [f["rating"] for f in show(seeded.run, started["id"])["feedback"]] == [4]


def test_feedback_from_the_mentor_and_not_from_outsiders(seeded: Seeded, started: dict) -> None:
    sid = str(started["id"])
    seeded.run.ok("feedback", "add", sid, "--from", seeded.ada, "--rating", "3")
    outsider = seeded.run.fails(2, "feedback", "add", sid, "--from", seeded.lee, "--rating", "3")
    assert "did not take part" in outsider.stderr


# ============================================================================== conflicts
@pytest.mark.parametrize("clash, kind", [
    ({"students": ["kim@example.org"]}, "mentor"),  # same mentor
    ({"mentor": "bob@example.org", "students": ["sam@example.org"]}, "student"),
    ({"mentor": "bob@example.org", "extra": ["--room", "Room 2"]}, "room"),
])
def test_conflict_exit_3_with_the_contract_json(seeded: Seeded, clash: dict, kind: str) -> None:
    first = seeded.book(f"{DAY} 16:00", students=[seeded.sam], extra=["--room", seeded.room])
    args = book_args(f"{DAY} 16:30", title="Clash", **clash)
    refused = seeded.run.fails(3, *args, "--json")
    found = parse_json(refused)["conflicts"]
    assert [c["kind"] for c in found] == [kind]
    assert found[0]["with"] == {k: first[k] for k in SESSION_KEYS}
    assert ids(listed(seeded.run, "--all")) == [first["id"]]  # nothing written


def test_conflict_reports_every_clash(seeded: Seeded) -> None:
    first = seeded.book(f"{DAY} 16:00", students=[seeded.sam], extra=["--room", seeded.room])
    refused = seeded.run.fails(3, *book_args(f"{DAY} 16:30", students=[seeded.sam],
                                             extra=["--room", seeded.room]), "--json")
    found = parse_json(refused)["conflicts"]
    assert sorted(c["kind"] for c in found) == ["mentor", "room", "student"]
    assert {c["with"]["id"] for c in found} == {first["id"]}


def test_capacity_conflict_has_no_session(seeded: Seeded) -> None:
    refused = seeded.run.fails(3, *book_args(
        f"{DAY} 16:00", students=[seeded.sam, seeded.kim, seeded.lee],
        extra=["--room", seeded.room]), "--json")
    [conflict] = parse_json(refused)["conflicts"]
    assert (conflict["kind"], conflict["with"]) == ("capacity", None)
    assert "Room 2" in conflict["detail"]


def test_conflict_text_goes_to_stderr(seeded: Seeded) -> None:
    first = seeded.book(f"{DAY} 16:00")
    refused = seeded.run.fails(3, *book_args(f"{DAY} 16:30"))
    assert refused.stdout == ""
    assert "Conflicts" in refused.stderr and "mentor" in refused.stderr
    assert f"#{first['id']}" in refused.stderr
    assert "nothing was written" in refused.stderr


def test_adjacent_sessions_do_not_clash(seeded: Seeded) -> None:
    seeded.book(f"{DAY} 16:00", students=[seeded.sam], extra=["--room", seeded.room])
    seeded.book(f"{DAY} 17:00", students=[seeded.sam], extra=["--room", seeded.room])


def test_force_with_reason_books_anyway(seeded: Seeded) -> None:
    first = seeded.book(f"{DAY} 16:00")
    result = seeded.run.ok(*book_args(f"{DAY} 16:30", title="Double"), "--force",
                           "--reason", "cover lesson")
    assert "Booked" in result.stdout
    assert "forced over 1 conflict:" in result.stderr and "cover lesson" in result.stderr
    sessions = listed(seeded.run, "--all")
    assert ids(sessions)[0] == first["id"] and len(sessions) == 2
    assert show(seeded.run, sessions[1]["id"])["force_reason"] == "cover lesson"


@pytest.mark.parametrize("reason", [[], ["--reason", ""], ["--reason", "   "]])
def test_force_needs_a_reason(seeded: Seeded, reason: list[str]) -> None:
    seeded.book(f"{DAY} 16:00")
    result = seeded.run.fails(2, *book_args(f"{DAY} 16:30"), "--force", *reason)
    assert "reason" in result.stderr
    assert len(listed(seeded.run, "--all")) == 1


# ========================================================================== acting person
def test_a_student_cannot_book(seeded: Seeded) -> None:
    result = seeded.run.fails(5, *book_args(f"{DAY} 16:00", students=[seeded.sam]),
                              as_=seeded.sam)
    assert seeded.sam in result.stderr
    assert listed(seeded.run, "--all") == []


def test_a_mentor_books_only_their_own_sessions(seeded: Seeded) -> None:
    seeded.run.fails(5, *book_args(f"{DAY} 16:00", mentor=seeded.bob), as_=seeded.ada)
    mine = seeded.book(f"{DAY} 16:00", as_=seeded.ada)
    assert mine["mentor"] == seeded.ada


def test_a_mentor_sees_only_their_own_sessions(seeded: Seeded) -> None:
    ada = seeded.book(f"{DAY} 10:00", students=[seeded.sam])
    bob = seeded.book(f"{DAY} 12:00", mentor=seeded.bob, students=[seeded.kim])
    both = [ada["id"], bob["id"]]
    assert ids(listed(seeded.run, "--all", as_=seeded.ada)) == [ada["id"]]
    assert ids(listed(seeded.run, "--all", as_=seeded.bob)) == [bob["id"]]
    assert ids(listed(seeded.run, "--all", as_=seeded.kim)) == [bob["id"]]
    assert ids(listed(seeded.run, "--all", as_=seeded.desk)) == both
    assert ids(listed(seeded.run, "--all")) == both  # no --as: the local operator
    seeded.run.fails(5, "session", "show", str(bob["id"]), as_=seeded.ada)
    seeded.run.fails(5, "session", "cancel", str(bob["id"]), as_=seeded.ada)
    assert show(seeded.run, bob["id"])["status"] == "scheduled"


def test_a_mentor_cannot_probe_another_mentors_calendar(seeded: Seeded) -> None:
    bob = seeded.book(f"{DAY} 12:00", mentor=seeded.bob, students=[seeded.kim])
    probe = ("--mentor", seeded.bob, "--start", f"{DAY} 12:00", "--duration", "60")
    refused = seeded.run.fails(5, "session", "explain", *probe, as_=seeded.ada)
    assert bob["title"] not in refused.output and "may not book sessions" in refused.stderr
    seeded.run.fails(5, "session", "free", "--mentor", seeded.bob, "--duration", "60",
                     "--from", DAY, as_=seeded.ada)
    seeded.run.fails(5, "reminders", "send", "--dry-run", "--ahead", "48h", as_=seeded.ada)
    seeded.run.fails(3, "session", "explain", *probe, as_=seeded.bob)  # their own: the clash


def test_unknown_acting_person_is_not_found(seeded: Seeded) -> None:
    result = seeded.run.fails(4, "session", "list", as_="ghost@example.org")
    assert "ghost@example.org" in result.stderr


@pytest.mark.parametrize("actor", ["desk@example.org", "ada@example.org"])
def test_created_by_is_the_acting_person(seeded: Seeded, actor: str) -> None:
    s = seeded.book(f"{DAY} 16:00", as_=actor)
    detail = show(seeded.run, s["id"], as_=actor)
    assert (detail["created_by"], detail["modified_by"]) == (actor, actor)
    seeded.run.ok("session", "edit", str(s["id"]), "--title", "Renamed", as_=seeded.desk)
    assert show(seeded.run, s["id"])["modified_by"] == seeded.desk
    assert f"by {actor}" in seeded.run.ok("session", "show", str(s["id"])).stdout


def test_staff_may_not_add_staff(seeded: Seeded) -> None:
    seeded.run.fails(5, "person", "add", "--name", "New", "--email", "new@example.org",
                     "--role", "staff", as_=seeded.desk)
    seeded.run.ok("person", "add", "--name", "New", "--email", "new@example.org",
                  "--role", "student", as_=seeded.desk)


def test_notes_are_added_not_rewritten(seeded: Seeded) -> None:
    """`session note` appends a stamped line; a note added from another terminal in between is
    kept (the old way, reading the notes and writing them back, lost it); a student may not."""
    booked = seeded.book("2030-12-03 16:00", students=[seeded.sam])
    first = seeded.run.json("session", "note", str(booked["id"]), "Brought the wrong book",
                            as_=seeded.ada)
    assert first["notes"].endswith(f"{seeded.ada}] Brought the wrong book")
    # Another terminal adds its note while this one still shows the first.
    seeded.run.ok("session", "note", str(booked["id"]), "Mother phoned", as_=seeded.desk)
    seeded.run.ok("session", "note", str(booked["id"]), "Lend him one", as_=seeded.ada)
    notes = seeded.run.json("session", "show", str(booked["id"]))["notes"].splitlines()
    assert [line.split("] ", 1)[1] for line in notes] == [
        "Brought the wrong book", "Mother phoned", "Lend him one"]
    assert all(line.startswith("[") for line in notes)
    refused = seeded.run.fails(5, "session", "note", str(booked["id"]), "hi", as_=seeded.sam)
    assert "may not add notes" in refused.stderr
