"""The floors of the peer benchmark (benchmarks/peers.py), each a whole process of its own:
what the same work costs done straight with the libraries, without sessionsctl's rules.

``python -m benchmarks.floors ics DB OUT``: the calendar ``sessionsctl export ics`` writes
of the centre in ``DB`` (a VEVENT per series with its RRULE and EXDATEs, one per moved or
cancelled occurrence, one per one-off session), built with icalendar's own API
(``Event.add``) from rows read with sqlite3, and serialised with ``Calendar.to_ical``.

``python -m benchmarks.floors csv FILE DB``: the rows of a ``sessionsctl export csv`` file
read with the csv module and written to the sessions and session_students tables of ``DB``
with sqlite3 ``executemany``, under the same indexes, in one transaction; emails, rooms and
subjects looked up in one query each. Nothing is checked.

Each prints one line of JSON: what it made.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import sys
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

_STAMP = "%Y-%m-%d %H:%M:%S.%f"


def _utc(text: str) -> datetime:
    return datetime.strptime(text, _STAMP).replace(tzinfo=UTC)


def _people(conn: sqlite3.Connection) -> dict[int, tuple[str, str]]:
    return {i: (email, name) for i, email, name in conn.execute(
        "SELECT id, email, name FROM people")}


def ics(db: str, out: str) -> dict[str, Any]:
    import icalendar

    conn = sqlite3.connect(db)
    people = _people(conn)
    rooms = dict(conn.execute("SELECT id, name FROM rooms"))
    subjects = dict(conn.execute("SELECT id, name FROM subjects"))
    students: dict[int, list[int]] = defaultdict(list)
    for session, student in conn.execute("SELECT session_id, student_id FROM session_students "
                                         "ORDER BY session_id, student_id"):
        students[session].append(student)
    stamp = datetime.now(UTC)
    cal = icalendar.Calendar()
    cal.add("prodid", "-//floor//icalendar//EN")
    cal.add("version", "2.0")

    def fill(event: icalendar.Event, row: sqlite3.Row, people_of: list[int]) -> None:
        event.add("summary", row["title"])
        email, name = people[row["mentor_id"]]
        event.add("organizer", f"mailto:{email}", parameters={"CN": name})
        for student in people_of:
            email, name = people[student]
            event.add("attendee", f"mailto:{email}",
                      parameters={"CN": name, "CUTYPE": "INDIVIDUAL", "ROLE": "REQ-PARTICIPANT",
                                  "PARTSTAT": "NEEDS-ACTION"})
        room = rooms.get(row["room_id"])
        if room:
            event.add("location", ", ".join(p for p in (room, row["location"]) if p))
            event.add("x-sessionsctl-room", room)
        if row["subject_id"]:
            event.add("categories", [subjects[row["subject_id"]]])
        event.add("x-sessionsctl-type", row["type"])
        if row["max_participants"] is not None:
            event.add("x-sessionsctl-max-participants", str(row["max_participants"]))

    def timed(event: icalendar.Event, row: sqlite3.Row) -> None:
        tz = ZoneInfo(row["tz"])
        event.add("uid", row["uid"])
        event.add("dtstamp", stamp)
        if row["recurrence_id"]:
            event.add("recurrence-id", _utc(row["recurrence_id"]).astimezone(tz))
        event.add("dtstart", _utc(row["start_at"]).astimezone(tz))
        event.add("dtend", _utc(row["end_at"]).astimezone(tz))
        event.add("sequence", row["sequence"])
        event.add("created", _utc(row["created_at"]))
        event.add("last-modified", _utc(row["modified_at"]))
        event.add("status", "CANCELLED" if row["status"] == "cancelled" else "CONFIRMED")

    conn.row_factory = sqlite3.Row
    events = 0
    for series in conn.execute("SELECT * FROM series ORDER BY id"):
        event = icalendar.Event()
        tz = ZoneInfo(series["tz"])
        start = datetime.fromisoformat(series["dtstart"]).replace(tzinfo=tz)
        event.add("uid", series["uid"])
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + timedelta(minutes=series["duration_minutes"]))
        rule, *dates = series["rrule"].splitlines()
        event.add("rrule", icalendar.vRecur.from_ical(rule.removeprefix("RRULE:")))
        for line in dates:  # EXDATE:..., RDATE:... (local wall times)
            name, _, values = line.partition(":")
            event.add(name.lower(), [datetime.strptime(v, "%Y%m%dT%H%M%S").replace(tzinfo=tz)
                                     for v in values.split(",")])
        event.add("sequence", series["sequence"])
        event.add("status", "CONFIRMED")
        template = json.loads(series["template"])
        first = conn.execute("SELECT * FROM sessions WHERE series_id = ? ORDER BY start_at "
                             "LIMIT 1", (series["id"],)).fetchone()
        fill(event, first, students[first["id"]])
        event.add("summary", template.get("title", ""))
        cal.add_component(event)
        events += 1
    for row in conn.execute(
            "SELECT * FROM sessions WHERE series_id IS NULL OR status = 'cancelled' "
            "OR start_at != recurrence_id ORDER BY start_at"):
        event = icalendar.Event()
        timed(event, row)
        fill(event, row, students[row["id"]])
        cal.add_component(event)
        events += 1
    cal.add_missing_timezones()
    data = cal.to_ical()
    with open(out, "wb") as sink:
        sink.write(data)
    return {"events": events, "bytes": len(data)}


def _stored(text: str) -> str:
    return datetime.fromisoformat(text).astimezone(UTC).strftime(_STAMP)


def import_csv(src: str, db: str) -> dict[str, Any]:
    conn = sqlite3.connect(db)
    by_email = {email: i for i, email in conn.execute("SELECT id, email FROM people")}
    rooms = {name: i for i, name in conn.execute("SELECT id, name FROM rooms")}
    subjects = {name: i for i, name in conn.execute("SELECT id, name FROM subjects")}
    first_id = (conn.execute("SELECT max(id) FROM sessions").fetchone()[0] or 0) + 1
    now = datetime.now(UTC).strftime(_STAMP)
    sessions: list[tuple[Any, ...]] = []
    links: list[tuple[Any, ...]] = []
    with open(src, newline="", encoding="utf-8") as f:
        for n, row in enumerate(csv.DictReader(f)):
            sid = first_id + n
            start, end = _stored(row["start"]), _stored(row["end"])
            cancelled = row["status"] == "cancelled"
            sessions.append((
                sid, str(uuid.uuid4()), row["title"], by_email[row["mentor_email"]],
                subjects.get(row["subject"]), rooms.get(row["room"]), row["type"] or "individual",
                row["status"] or "scheduled", start, end, row["tz"], row["location"] or None,
                int(row["max_participants"]) if row["max_participants"] else None,
                "unpaid", 0, now, now))
            links.extend((sid, by_email[email], start, end, cancelled, False)
                         for email in row["student_emails"].split(";") if email)
    with conn:
        conn.executemany(
            "INSERT INTO sessions (id, uid, title, mentor_id, subject_id, room_id, type, status, "
            "start_at, end_at, tz, location, max_participants, payment_status, sequence, "
            "created_at, modified_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", sessions)
        conn.executemany("INSERT INTO session_students VALUES (?,?,?,?,?,?)", links)
    conn.close()
    return {"sessions": len(sessions), "links": len(links)}


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in ("ics", "csv"):
        print(__doc__, file=sys.stderr)
        return 2
    kind, a, b = argv
    made = ics(a, b) if kind == "ics" else import_csv(a, b)
    print(json.dumps(made))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
