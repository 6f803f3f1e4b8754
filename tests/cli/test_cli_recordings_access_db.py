"""PostgreSQL enforces who sees a session's recordings and check-in codes (after `access
sync`), in raw SQL as each person's own login and through the program run as them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from .conftest import VIEWER_TZ, book_args
from .test_cli_access_db import Centre, centre, rows  # noqa: F401  (the fixture)


def test_recordings_and_codes_under_row_level_security(centre: Centre) -> None:  # noqa: F811
    run, url = centre.run, centre.url
    ada = centre.person("Ada Byron", "ada@example.org", "mentor")
    bob = centre.person("Bob Stone", "bob@example.org", "mentor")
    sam = centre.person("Sam Lee", "sam@example.org", "student")
    kim = centre.person("Kim Park", "kim@example.org", "student")
    start = (datetime.now(UTC) - timedelta(minutes=5)).astimezone(ZoneInfo(VIEWER_TZ))
    s = run.json(*book_args(start.strftime("%Y-%m-%d %H:%M"), students=["sam@example.org"],
                            extra=["--no-notify"]), db=url)
    sid = str(s["id"])
    run.ok("course", "add", "Maths", db=url)
    run.ok("course", "assign", "Maths", "-", sid, db=url)
    run.ok("course", "enrol", "Maths", "kim@example.org", db=url)
    run.ok("access", "sync", db=url)
    run.ok("session", "recording", sid, "https://v.example.org/1", db=ada)  # Ada's own login
    run.ok("session", "recording", sid, "https://v.example.org/2", "--public", db=ada)
    assert rows(sam, "SELECT url FROM recordings ORDER BY id") == [
        ("https://v.example.org/1",), ("https://v.example.org/2",)]
    assert rows(kim, "SELECT url FROM recordings") == [("https://v.example.org/2",)]
    assert rows(bob, "SELECT count(*) FROM recordings") == [(0,)]
    assert [r["url"] for r in run.json("session", "recording", sid, "--list", db=kim)] == [
        "https://v.example.org/2"]
    code = run.json("session", "code", sid, db=ada)["code"]
    assert rows(ada, "SELECT code FROM checkin_codes") == [(code,)]
    assert rows(sam, "SELECT count(*) FROM checkin_codes") == [(0,)]  # given, never read
    assert rows(bob, "SELECT count(*) FROM checkin_codes") == [(0,)]
