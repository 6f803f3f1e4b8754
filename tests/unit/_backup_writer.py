"""A terminal booking sessions one after another, for tests/unit/test_backups.py, run as its
own process: ``python _backup_writer.py URL MENTOR STUDENT COUNT LOG``. After each booking
commits it appends the session's id to LOG (so LOG's first k lines are the database's sessions
at any instant between two bookings). Not collected by pytest (no ``test_`` prefix)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft
from sessionsctl.store import open_store


def main(url: str, mentor: str, student: str, count: int, log: str) -> None:
    store = open_store(url)
    centre = Centre(store)
    base = datetime(2027, 1, 4, 8, tzinfo=UTC)
    with open(log, "a", encoding="utf-8") as out:
        for n in range(count):
            start = base + timedelta(hours=n)
            booked = centre.sessions.book(SessionDraft(
                title=f"writer #{n}", mentor=mentor, start=start,
                end=start + timedelta(minutes=50), tz="UTC", students=(student,)))
            out.write(f"{booked.session.id}\n")
            out.flush()
    store.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
