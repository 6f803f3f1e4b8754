"""Two students racing for the last seat of a session, from two processes at the same
moment: exactly one gets it, the other is put on the waitlist (both backends: SQLite's
writers take the database up front, PostgreSQL's hold the session's row)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft
from sessionsctl.core.domain.model import Role, SessionType
from sessionsctl.store import open_store

ROUNDS = 4
RACER = """
import json, sys, time
from pathlib import Path
from sessionsctl.core.centre import Centre
from sessionsctl.store import open_store

url, session_id, student, go = sys.argv[1], int(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
store = open_store(url)
centre = Centre(store)
while not go.exists():
    time.sleep(0.001)
done = centre.registration.register(session_id, student, notify=False)
print(json.dumps({"student": student, "place": done.place}))
store.close()
"""


def test_two_students_racing_for_the_last_seat_one_wins(db_url: str, tmp_path: Path) -> None:
    store = open_store(db_url)
    centre = Centre(store)
    directory = centre.people
    directory.add_person("Ada Byron", "ada@race.test", Role.MENTOR)
    for i in range(2 * ROUNDS):
        directory.add_person(f"Student {i}", f"s{i}@race.test", Role.STUDENT)
    start = datetime(2031, 3, 3, 14, 0, tzinfo=UTC)
    ids = []
    for r in range(ROUNDS):
        at = start + timedelta(hours=2 * r)
        booked = centre.sessions.book(SessionDraft(
            title=f"Workshop {r}", mentor="ada@race.test", start=at,
            end=at + timedelta(hours=1), tz="UTC", type=SessionType.WORKSHOP,
            max_participants=1), notify=False)
        centre.registration.open(booked.session.id)
        ids.append(booked.session.id)
    store.close()
    for r, session_id in enumerate(ids):
        go = tmp_path / f"go-{r}"
        racers = [subprocess.Popen(
            [sys.executable, "-c", RACER, db_url, str(session_id), f"s{2 * r + k}@race.test",
             str(go)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for k in range(2)]
        time.sleep(1.5)  # both have opened the store and wait for the word
        go.touch()
        results = []
        for p in racers:
            out, err = p.communicate(timeout=60)
            assert p.returncode == 0, err
            results.append(json.loads(out))
        assert sorted(str(x["place"]) for x in results) == ["1", "None"], results
        store = open_store(db_url)
        try:
            waitlist = Centre(store).registration.waitlist(session_id)
        finally:
            store.close()
        winner = next(x["student"] for x in results if x["place"] is None)
        loser = next(x["student"] for x in results if x["place"] == 1)
        assert waitlist.session.students == (winner,)
        assert [e for e, _ in waitlist.waiting] == [loser]
