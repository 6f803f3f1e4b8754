"""`session join`: a participant opens the meeting link while the session runs, and a student
is checked in (present, late after the grace); refused outside the session's window."""

from __future__ import annotations

from datetime import timedelta

from .conftest import Seeded
from .test_cli_live import _at


def test_joining_checks_a_student_in_and_gives_the_link(seeded: Seeded) -> None:
    run = seeded.run
    s = seeded.book(_at(-timedelta(minutes=5)), students=[seeded.sam, seeded.kim],
                    extra=["--meeting", "jitsi", "--no-notify"])
    sid = str(s["id"])
    joined = run.json("session", "join", sid, as_=seeded.sam)
    assert joined["link"] == s["link"] and joined["checked_in"] is True
    assert joined["status"] == "present"
    printed = run.ok("session", "join", sid, "--print", as_=seeded.sam).stdout
    assert s["link"] in printed and "already marked" in printed
    marks = {m["student"]: m for m in run.json("attendance", "list", sid)}
    assert marks[seeded.sam]["status"] == "present" and marks[seeded.sam]["check_in"]
    mentor = run.json("session", "join", sid, as_=seeded.ada)
    assert mentor["link"] == s["link"] and mentor["status"] is None
    run.fails(5, "session", "join", sid, as_=seeded.lee)  # takes no part


def test_late_after_the_grace_and_refused_outside_the_window(seeded: Seeded) -> None:
    run = seeded.run
    started = seeded.book(_at(-timedelta(minutes=20)), students=[seeded.sam, seeded.kim],
                          extra=["--no-notify"])
    sid = str(started["id"])
    assert run.json("session", "join", sid, as_=seeded.sam)["status"] == "late"
    lenient = run.json("session", "join", sid, as_=seeded.kim,
                       env={"SESSIONSCTL_LATE_GRACE": "30"})
    assert lenient["status"] == "present"
    ahead = seeded.book(_at(timedelta(hours=2)), students=[seeded.sam], extra=["--no-notify"])
    said = run.fails(2, "session", "join", str(ahead["id"]), as_=seeded.sam).stderr
    assert "can be joined from 10 minutes before its start" in said
    over = seeded.book(_at(-timedelta(hours=3)), students=[seeded.sam], duration=30,
                       extra=["--no-notify"])
    run.fails(2, "session", "join", str(over["id"]), as_=seeded.sam)
    assert run.json("attendance", "list", str(ahead["id"])) == []
    run.fails(2, "session", "join", sid, as_=seeded.sam,
              env={"SESSIONSCTL_LATE_GRACE": "soon"})
