"""One racing terminal for tests/unit/test_concurrency.py, run as its own process.

    python _booker.py '<json plan>'

The plan names the database URL, the people and rooms to draw from, a seed, how many
attempts to make and two files: this process creates ``ready`` once it has imported
everything and opened the store, then waits for ``go`` to appear (the common start line)
before it books. It prints one JSON line: what it booked, what was refused with a
ConflictError, what it cancelled, how often the database's guard caught a booking, and every
other exception, by kind (the test allows none but a known bug). Not collected by pytest
(no ``test_`` prefix).
"""

from __future__ import annotations

import json
import random
import sys
import time
import traceback
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sessionsctl.core.schedule.sessions as booking_path
from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft
from sessionsctl.core.domain.errors import ConflictError, Contended
from sessionsctl.store import open_store

MAX_ERRORS_REPORTED = 10


def random_draft(rng: random.Random, plan: dict[str, Any], n: int) -> SessionDraft:
    """A random slot from a small, heavily overlapping set."""
    base = datetime.fromisoformat(plan["base"])
    start = base + timedelta(minutes=15 * rng.randrange(plan["grid_slots"]))
    minutes = rng.choice((30, 45, 60, 75, 90))
    students = tuple(rng.sample(plan["students"], rng.randint(0, 2)))
    room = rng.choice([*plan["rooms"], None])
    return SessionDraft(title=f"p{plan['index']} #{n}", mentor=rng.choice(plan["mentors"]),
                        start=start, end=start + timedelta(minutes=minutes), tz="UTC",
                        students=students, room=room)


def same_draft(plan: dict[str, Any], n: int) -> SessionDraft:
    """Attempt ``n`` of every process: the very same slot of the very same mentor."""
    start = datetime.fromisoformat(plan["base"]) + timedelta(hours=2 * n)
    return SessionDraft(title=f"p{plan['index']} #{n}", mentor=plan["mentors"][0],
                        start=start, end=start + timedelta(hours=1), tz="UTC")


def kind_of(exc: BaseException) -> str:
    """contended (the guard caught the booking twice), deadlock (PostgreSQL 40P01) or other."""
    if isinstance(exc, Contended):
        return "contended"
    if getattr(getattr(exc, "orig", None), "sqlstate", None) == "40P01":
        return "deadlock"
    return "other"


def count_guard_catches(report: dict[str, Any]) -> None:
    """Count the bookings the database's guard caught (PostgreSQL), keeping the retry as is."""
    real = booking_path.retry_race

    def retry_race(attempt: Any) -> Any:
        def counted() -> Any:
            try:
                return attempt()
            except Contended:
                report["guard_caught"] += 1
                raise

        return real(counted)

    booking_path.retry_race = retry_race


def main(plan: dict[str, Any]) -> dict[str, Any]:
    rng = random.Random(plan["seed"])
    store = open_store(plan["url"], migrate_schema=False)
    centre = Centre(store)
    report: dict[str, Any] = {
        "index": plan["index"], "seed": plan["seed"], "booked": [], "refused": 0,
        "cancelled": [], "guard_caught": 0, "error_count": 0, "error_kinds": {}, "errors": []}
    count_guard_catches(report)
    # Warm up the pool and the lazy imports, so the race starts with everyone equally ready:
    # a booking's check loads the booking path's modules (imported when first used) and
    # compiles its queries; its draft is drawn apart, leaving the race's draws as they were.
    centre.people.list_rooms()
    centre.sessions.check(random_draft(random.Random(plan["seed"] + 1), plan, 0))
    Path(plan["ready"]).touch()
    deadline = time.monotonic() + plan["wait_s"]
    go = Path(plan["go"])
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"process {plan['index']}: no start signal within {plan['wait_s']} s")
        time.sleep(0.001)
    released = time.monotonic()
    try:
        for n in range(plan["attempts"]):
            mine = [i for i in report["booked"] if i not in report["cancelled"]]
            try:
                if plan["mode"] == "random" and mine and rng.random() < plan["cancel_rate"]:
                    victim = rng.choice(mine)
                    centre.sessions.cancel(victim, reason="race test")
                    report["cancelled"].append(victim)
                    continue
                draft = random_draft(rng, plan, n) if plan["mode"] == "random" \
                    else same_draft(plan, n)
                report["booked"].append(centre.sessions.book(draft).session.id)
            except ConflictError:
                report["refused"] += 1
            except Exception as exc:  # noqa: BLE001 - every other outcome is what we report
                report["error_count"] += 1
                kind = kind_of(exc)
                report["error_kinds"][kind] = report["error_kinds"].get(kind, 0) + 1
                if len(report["errors"]) < MAX_ERRORS_REPORTED:
                    report["errors"].append(
                        f"attempt {n}: {type(exc).__module__}.{type(exc).__qualname__}: {exc}\n"
                        + "".join(traceback.format_exception(exc)[-6:]))
    finally:
        report["seconds"] = round(time.monotonic() - released, 3)
        store.close()
    return report


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
