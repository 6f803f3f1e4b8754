"""`session code` and `attendance checkin`: the mentor (or staff) shows a running session's
check-in code, a student on its roster who gives it is marked present (or late after the
grace); wrong codes are counted in the database and refused after 5 in 10 minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, func, insert, select

from sessionsctl.core.schedule.checkin import ALPHABET
from sessionsctl.store.schema_groups import checkin_attempt_table, checkin_code_table

from .conftest import Seeded
from .test_cli_live import _at


def test_a_student_on_the_roster_checks_in_with_the_code(seeded: Seeded) -> None:
    run = seeded.run
    s = seeded.book(_at(-timedelta(minutes=5)), students=[seeded.sam], extra=["--no-notify"])
    sid = str(s["id"])
    shown = run.json("session", "code", sid, as_=seeded.ada)
    code = shown["code"]
    assert len(code) == 6 and set(code) <= set(ALPHABET) and shown["valid_until"] == s["end"]
    assert run.json("session", "code", sid, as_=seeded.desk)["code"] == code  # one per session
    assert code in run.ok("session", "code", sid, as_=seeded.ada).stdout
    run.fails(5, "session", "code", sid, as_=seeded.sam)
    run.fails(5, "session", "code", sid, as_=seeded.bob)
    done = run.json("attendance", "checkin", code.lower(), as_=seeded.sam)
    assert (done["session_id"], done["status"], done["checked_in"]) == (s["id"], "present", True)
    again = run.ok("attendance", "checkin", code, as_=seeded.sam).stdout
    assert "Already marked" in again
    assert run.fails(4, "attendance", "checkin", code, as_=seeded.kim).stderr  # not on it
    marks = {m["student"]: m for m in run.json("attendance", "list", sid)}
    assert set(marks) == {seeded.sam}
    assert marks[seeded.sam]["status"] == "present" and marks[seeded.sam]["check_in"]
    late = seeded.book(_at(-timedelta(minutes=20)), title="Late", mentor=seeded.bob,
                       students=[seeded.kim, seeded.lee], extra=["--no-notify"])
    late_code = run.json("session", "code", str(late["id"]), as_=seeded.bob)["code"]
    assert run.json("attendance", "checkin", late_code, as_=seeded.kim)["status"] == "late"
    lenient = run.json("attendance", "checkin", late_code, as_=seeded.lee,
                       env={"SESSIONSCTL_LATE_GRACE": "30"})
    assert lenient["status"] == "present"


def test_refused_before_and_after_the_session(seeded: Seeded, db_url: str) -> None:
    run = seeded.run
    ahead = seeded.book(_at(timedelta(hours=2)), students=[seeded.sam], extra=["--no-notify"])
    said = run.fails(2, "session", "code", str(ahead["id"]), as_=seeded.ada).stderr
    assert "has not started" in said
    over = seeded.book(_at(-timedelta(hours=3)), title="Over", students=[seeded.sam],
                       duration=30, extra=["--no-notify"])
    assert "has ended" in run.fails(2, "session", "code", str(over["id"])).stderr
    online = seeded.book(_at(-timedelta(minutes=5)), title="Online", mentor=seeded.bob,
                         students=[seeded.kim], extra=["--meeting", "jitsi", "--no-notify"])
    assert "session join" in run.fails(2, "session", "code", str(online["id"])).stderr
    in_room = seeded.book(_at(-timedelta(minutes=5)), title="Room", students=[seeded.lee],
                          extra=["--room", seeded.room, "--no-notify"])
    assert run.json("session", "code", str(in_room["id"]))["code"]
    engine = create_engine(db_url)
    with engine.begin() as db:  # codes they had while they ran (or before a move)
        db.execute(insert(checkin_code_table), [
            {"session_id": over["id"], "code": "PAST22", "made_at": datetime.now(UTC)},
            {"session_id": ahead["id"], "code": "AHEAD3", "made_at": datetime.now(UTC)}])
    engine.dispose()
    assert "has ended" in run.fails(2, "attendance", "checkin", "PAST22",
                                    as_=seeded.sam).stderr
    assert "has not started" in run.fails(2, "attendance", "checkin", "AHEAD3",
                                          as_=seeded.sam).stderr
    assert run.json("attendance", "list", str(over["id"])) == []


def test_wrong_codes_are_limited_across_runs(seeded: Seeded, db_url: str) -> None:
    run = seeded.run
    s = seeded.book(_at(-timedelta(minutes=5)), students=[seeded.sam, seeded.kim],
                    extra=["--no-notify"])
    code = run.json("session", "code", str(s["id"]), as_=seeded.ada)["code"]
    wrong = "2222222" if code != "2222222" else "3333333"
    for _ in range(5):
        assert "no check-in code" in run.fails(4, "attendance", "checkin", wrong,
                                               as_=seeded.sam).stderr
    said = run.fails(5, "attendance", "checkin", code, as_=seeded.sam).stderr
    assert "5 wrong codes in 10 minutes" in said
    engine = create_engine(db_url)
    with engine.connect() as db:
        assert db.execute(select(func.count()).select_from(checkin_attempt_table)).scalar() == 5
    engine.dispose()
    assert run.json("attendance", "list", str(s["id"])) == []
    assert run.json("attendance", "checkin", code, as_=seeded.kim)["status"] == "present"
