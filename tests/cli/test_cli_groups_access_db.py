"""Group sessions and invitations under row-level security (after `access sync`): students
register, wait, withdraw, join, check in and answer invitations as their own database login;
raw SQL as them reads no other student's rows, registers no one else, and checks in only
while the session runs; the seats taken count every registration."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, ProgrammingError

from .conftest import VIEWER_TZ, book_args
from .test_cli_access_db import Centre, centre, rows  # noqa: F401  (the fixture)

FUTURE = "2030-12-03 16:00"
RACER = """
import json, sys, time
from pathlib import Path
from sessionsctl.core.centre import Centre
from sessionsctl.store import open_store

url, session_id, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
store = open_store(url)
centre = Centre(store)
centre.sessions.show(session_id)  # connected, and its login read, before the word
while not go.exists():
    time.sleep(0.001)
done = centre.registration.register(session_id, notify=False)  # as the login's own person
print(json.dumps({"student": done.student, "place": done.place}))
store.close()
"""


def _now_plus(minutes: int) -> str:
    at = datetime.now(UTC) + timedelta(minutes=minutes)
    return at.astimezone(ZoneInfo(VIEWER_TZ)).strftime("%Y-%m-%d %H:%M")


def _owner(url: str, sql: str) -> None:
    """Run ``sql`` as the tables' owner, committed."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(sql))
    finally:
        engine.dispose()


def _id(url: str, email: str) -> int:
    return int(rows(url, "SELECT id FROM people WHERE email = :e", e=email)[0][0])


def test_students_register_wait_and_withdraw_as_their_own_logins(
        centre: Centre) -> None:  # noqa: F811
    run, url = centre.run, centre.url
    centre.person("Ada Byron", "ada@example.org", "mentor")
    sam = centre.person("Sam Lee", "sam@example.org", "student")
    kim = centre.person("Kim Park", "kim@example.org", "student")
    lee = centre.person("Lee Chen", "lee@example.org", "student")
    s = run.json(*book_args(FUTURE, students=["kim@example.org"],
                            extra=["--type", "workshop", "--notes", "staff only",
                                   "--no-notify"]), db=url)
    sid = s["id"]
    run.ok("course", "add", "Workshops", db=url)
    run.ok("course", "assign", "Workshops", "-", str(sid), db=url)
    run.ok("course", "enrol", "Workshops", "sam@example.org", "kim@example.org",
           "lee@example.org", db=url)
    run.ok("session", "open", str(sid), "--seats", "2", db=url)
    run.ok("access", "sync", db=url)

    [listed] = run.json("session", "list", "--open", "--all", db=sam)
    assert (listed["id"], listed["seats"], listed["students"]) == (sid, "1/2", [])
    seated = run.json("session", "register", str(sid), db=sam)
    assert (seated["waitlist_place"], seated["seats"]) == (None, "2/2")
    assert seated["students"] == ["sam@example.org"]  # Kim's seat counted, not named
    assert run.json("session", "register", str(sid), db=lee)["waitlist_place"] == 1
    assert "already" in run.fails(2, "session", "register", str(sid), db=lee).stderr
    run.ok("session", "withdraw", str(sid), db=lee)  # off the waitlist, by themselves
    assert rows(url, "SELECT count(*) FROM waitlist") == [(0,)]
    assert run.json("session", "register", str(sid), db=lee)["waitlist_place"] == 1

    # raw SQL as Sam: only their own rows, the waitlist's order without names
    assert rows(sam, "SELECT count(*) FROM session_students") == [(1,)]
    assert rows(sam, "SELECT count(*) FROM waitlist") == [(0,)]
    assert rows(sam, "SELECT email FROM sessionsctl_waitlist(:s)", s=sid) == [(None,)]
    assert rows(lee, "SELECT email FROM sessionsctl_waitlist(:s)", s=sid) == [
        ("lee@example.org",)]
    assert rows(sam, "SELECT sessionsctl_taken(:s)", s=sid) == [(2,)]
    # nor may Sam register, or queue, anyone else, or take a seat past those waiting
    lee_id = _id(url, "lee@example.org")
    with pytest.raises(ProgrammingError, match="permission denied"):
        rows(sam, "INSERT INTO session_students (session_id, student_id, start_at, end_at) "
                  "SELECT id, :p, start_at, end_at FROM sessions WHERE id = :s", s=sid, p=lee_id)
    with pytest.raises(ProgrammingError, match="row-level security"):
        rows(sam, "INSERT INTO waitlist (session_id, student_id, joined_at) "
                  "VALUES (:s, :p, now())", s=sid, p=lee_id)
    assert rows(sam, "DELETE FROM waitlist RETURNING id") == []
    with pytest.raises(DBAPIError, match="no seat"):
        rows(lee, "SELECT sessionsctl_take_seat(:s)", s=sid)
    with pytest.raises(ProgrammingError, match="permission denied"):
        rows(sam, "SELECT sessionsctl_seat_free(:s)", s=sid)  # inside the functions alone

    # Kim withdraws as herself: Lee, waiting, is seated in the same transaction (not named
    # to Kim) and mailed
    done = run.json("session", "withdraw", str(sid), db=kim)
    assert (done["promoted"], done["students"], done["seats"]) == ([], [], "2/2")
    shown = run.json("session", "show", str(sid), db=url)  # the owner (a superuser here)
    assert (shown["students"], shown["notes"]) == (
        ["lee@example.org", "sam@example.org"], "staff only")
    assert rows(url, "SELECT count(*) FROM waitlist") == [(0,)]
    assert ("promoted", "lee@example.org") in rows(
        url, "SELECT template, recipient FROM outbox")
    assert rows(lee, "SELECT count(*) FROM session_students") == [(1,)]
    assert run.json("session", "list", "--open", "--all", db=kim)[0]["seats"] == "2/2"
    # audited as core audits it; Kim's own record of her withdrawal names no one else, so
    # it is not put back as the roster (which would drop Sam and Lee)
    changes: dict[str, int] = {}
    for c in run.json("audit", "list", "--session", str(sid), db=url):  # the newest first
        changes.setdefault(c["action"], c["id"])
    promoted = run.json("audit", "show", str(changes["promote"]), db=url)
    assert (promoted["before"], promoted["after"]) == (
        {"students": ["sam@example.org"]}, {"students": ["lee@example.org", "sam@example.org"]})
    refused = run.fails(2, "audit", "revert", str(changes["withdraw"]), "--force", "--reason",
                        "test", db=url)
    assert "sees no other student" in refused.stderr
    # once registration has closed, neither the program nor raw SQL lets a student in
    _owner(url, "UPDATE registrations SET until_at = now() - interval '1 minute'")
    run.ok("session", "withdraw", str(sid), db=lee)
    assert "has closed" in run.fails(2, "session", "register", str(sid), db=kim).stderr
    with pytest.raises(DBAPIError, match="no seat"):
        rows(kim, "SELECT sessionsctl_take_seat(:s)", s=sid)
    with pytest.raises(ProgrammingError, match="row-level security"):
        rows(kim, "INSERT INTO waitlist (session_id, student_id, joined_at) "
                  "VALUES (:s, :p, now())", s=sid, p=_id(url, "kim@example.org"))


def test_students_join_and_check_in_only_while_it_runs(centre: Centre) -> None:  # noqa: F811
    run, url = centre.run, centre.url
    centre.person("Ada Byron", "ada@example.org", "mentor")
    sam = centre.person("Sam Lee", "sam@example.org", "student")
    kim = centre.person("Kim Park", "kim@example.org", "student")
    now = run.json(*book_args(_now_plus(-5), students=["sam@example.org", "kim@example.org"],
                              extra=["--meeting", "jitsi", "--location", "Hall",
                                     "--no-notify"]), db=url)
    ahead = run.json(*book_args(_now_plus(180), students=["sam@example.org"],
                                extra=["--no-notify"]), db=url)
    code = run.json("session", "code", str(now["id"]), db=url)["code"]
    run.ok("access", "sync", db=url)

    joined = run.json("session", "join", str(now["id"]), "--print", db=sam)
    assert (joined["checked_in"], joined["status"]) == (True, "present")
    assert joined["link"].startswith("https://meet.jit.si/")
    assert "not now" in run.fails(2, "session", "join", str(ahead["id"]), db=sam).stderr

    # raw SQL as Sam: no mark for Kim, none outside the window, no code read
    kim_id, sam_id = _id(url, "kim@example.org"), _id(url, "sam@example.org")
    insert = ("INSERT INTO attendance (session_id, student_id, status, recorded_by_id, "
              "recorded_at) VALUES (:s, :p, :st, :p, now()) RETURNING id")
    with pytest.raises(ProgrammingError, match="row-level security"):
        rows(sam, insert, s=now["id"], p=kim_id, st="present")
    with pytest.raises(ProgrammingError, match="row-level security"):
        rows(sam, insert, s=ahead["id"], p=sam_id, st="present")  # three hours ahead
    assert rows(sam, "SELECT count(*) FROM checkin_codes") == [(0,)]
    assert rows(sam, "SELECT * FROM sessionsctl_code_sessions(:c)", c=code) == [(now["id"],)]

    assert run.fails(4, "attendance", "checkin", "WRONG2", db=kim).stderr
    done = run.json("attendance", "checkin", code, db=kim)
    assert (done["session_id"], done["status"], done["checked_in"]) == (
        now["id"], "present", True)
    marks = {m["student"]: m["status"] for m in run.json("attendance", "list", str(now["id"]),
                                                         db=url)}
    assert marks == {"sam@example.org": "present", "kim@example.org": "present"}
    assert rows(sam, "SELECT count(*) FROM attendance") == [(1,)]  # their own


def test_invitees_accept_and_decline_as_their_own_logins(centre: Centre) -> None:  # noqa: F811
    run, url = centre.run, centre.url
    centre.person("Ada Byron", "ada@example.org", "mentor")
    bob = centre.person("Bob Stone", "bob@example.org", "mentor")
    sam = centre.person("Sam Lee", "sam@example.org", "student")
    kim = centre.person("Kim Park", "kim@example.org", "student")
    lee = centre.person("Lee Chen", "lee@example.org", "student")
    s = run.json(*book_args(FUTURE, extra=["--max", "1", "--no-notify"]), db=url)
    sid = str(s["id"])
    run.json("invite", "send", sid, "sam@example.org", "kim@example.org", "lee@example.org",
             db=url)
    run.json("invite", "send", sid, "bob@example.org", "--role", "instructor", db=url)
    tokens = {r: p["secret"]["token"] for r, p in rows(
        url, "SELECT recipient, payload FROM outbox WHERE template = 'invitation'")}
    run.ok("access", "sync", db=url)

    assert rows(sam, "SELECT email FROM invitations") == [("sam@example.org",)]
    assert rows(sam, "SELECT id FROM sessions") == [(s["id"],)]  # the session invited to
    number, secret = tokens["sam@example.org"].split(".", 1)
    run.fails(2, "invite", "accept", f"{number}.{secret[::-1]}", db=sam)  # tampered
    accepted = run.json("invite", "accept", tokens["sam@example.org"], db=sam)
    assert accepted["status"] == "accepted"
    assert run.json("session", "show", sid, db=url)["students"] == ["sam@example.org"]
    assert run.json("session", "show", sid, db=sam)["seats"] == "1/1"
    assert "full" in run.fails(3, "invite", "accept", tokens["lee@example.org"],
                               db=lee).stderr  # the seat Sam took counted, unseen
    assert run.json("invite", "accept", tokens["bob@example.org"], db=bob)["status"] == \
        "accepted"  # a mentor, as an instructor: the session's guest
    assert "was accepted" in run.fails(3, "invite", "accept", tokens["sam@example.org"],
                                       db=sam).stderr
    # Sam cannot answer Kim's invitation, by token or by hand
    assert "not a valid" in run.fails(2, "invite", "decline", tokens["kim@example.org"],
                                      db=sam).stderr
    assert rows(sam, "UPDATE invitations SET status = 'declined' WHERE email = "
                     "'kim@example.org' RETURNING id") == []
    assert run.json("invite", "decline", tokens["kim@example.org"], db=kim)["status"] == \
        "declined"
    assert run.json("session", "show", sid, db=url)["students"] == ["sam@example.org"]
    assert rows(kim, "SELECT count(*) FROM sessions") == [(0,)]


def test_two_students_own_logins_racing_for_the_last_seat(centre: Centre,  # noqa: F811
                                                          tmp_path: Path) -> None:
    run, url = centre.run, centre.url
    centre.person("Ada Byron", "ada@example.org", "mentor")
    logins = {"sam@example.org": centre.person("Sam Lee", "sam@example.org", "student"),
              "kim@example.org": centre.person("Kim Park", "kim@example.org", "student")}
    run.ok("course", "add", "Workshops", db=url)
    run.ok("course", "enrol", "Workshops", *logins, db=url)
    ids = []
    for day in (3, 4):
        s = run.json(*book_args(f"2030-12-0{day} 16:00", extra=["--max", "1", "--no-notify"]),
                     db=url)
        run.ok("course", "assign", "Workshops", "-", str(s["id"]), db=url)
        run.ok("session", "open", str(s["id"]), db=url)
        ids.append(s["id"])
    run.ok("access", "sync", db=url)
    for n, sid in enumerate(ids):
        go = tmp_path / f"go-{n}"
        racers = [subprocess.Popen([sys.executable, "-c", RACER, login, str(sid), str(go)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                  for login in logins.values()]
        time.sleep(2)  # both have connected and wait for the word
        go.touch()
        results = []
        for racer in racers:
            out, err = racer.communicate(timeout=60)
            assert racer.returncode == 0, err
            results.append(json.loads(out))
        assert sorted(str(r["place"]) for r in results) == ["1", "None"], results
        winner = next(r["student"] for r in results if r["place"] is None)
        shown = run.json("session", "waitlist", str(sid), db=url)
        assert shown["session"]["students"] == [winner]
        assert [w["student"] for w in shown["waiting"]] == [
            r["student"] for r in results if r["place"] == 1]
