"""Migrations: a new database reaches head on first use, and models and scripts agree."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, Table, create_engine, inspect, select, text
from sqlalchemy.exc import IntegrityError

from sessionsctl.store import open_store
from sessionsctl.store.migrate import HEAD, alembic_config, current_revision, upgrade
from sessionsctl.store.schema import metadata


def test_head_constant_matches_the_newest_script() -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


def test_new_database_is_created_and_migrated_on_first_use(fresh_url: str) -> None:
    store = open_store(fresh_url)
    try:
        with store.engine.connect() as conn:
            assert current_revision(conn) == HEAD
            tables = set(inspect(conn).get_table_names())
        assert set(metadata.tables) <= tables
    finally:
        store.close()


def test_models_and_migrations_do_not_drift(fresh_url: str) -> None:
    engine = create_engine(fresh_url.replace("/new/", "/")) if fresh_url.startswith("sqlite") \
        else create_engine(fresh_url)
    upgrade(engine)
    with engine.begin() as conn:
        command.check(alembic_config(conn))  # raises if autogenerate would find a change
    engine.dispose()


def test_downgrade_to_empty_and_up_again(fresh_url: str) -> None:
    store = open_store(fresh_url)
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    with store.engine.connect() as conn:
        assert not (set(metadata.tables) & set(inspect(conn).get_table_names()))
    upgrade(store.engine)
    with store.engine.connect() as conn:
        assert current_revision(conn) == HEAD
    store.close()


# The revision before the migrations that add columns to tables others refer to (people,
# series): upgrading a database in use from it must keep every row of every table.
IN_USE_SINCE = "20261205_0005"


def _counts(engine: object) -> dict[str, int]:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()
                for t in inspect(conn).get_table_names() if t in metadata.tables}


def test_upgrading_a_database_in_use_keeps_every_row(fresh_url: str) -> None:
    """On SQLite a migration that rebuilt `people` or `series` would drop a table others
    refer to: refused with foreign keys on, or their rows deleted with it (availability and
    time off cascade from people). Each adds its columns in place instead."""
    from datetime import timedelta

    store = open_store(fresh_url)
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), IN_USE_SINCE)
    engine = store.engine
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    with engine.begin() as conn:  # rows as that revision holds them
        people = Table("people", MetaData(), autoload_with=conn)
        ids = [conn.execute(people.insert().returning(people.c.id), {
            "name": n, "email": f"{n.lower()}@example.org", "role": r, "tz": None,
            "created_at": now}).scalar_one() for n, r in (("Ada", "mentor"), ("Sam", "student"))]
        for name, row in (("availability", {"person_id": ids[0], "weekday": 0,
                                            "start_time": "09:00", "end_time": "17:00",
                                            "tz": "UTC"}),
                          ("time_off", {"person_id": ids[0], "start_at": now,
                                        "end_at": now + timedelta(days=1), "reason": "x"})):
            conn.execute(Table(name, MetaData(), autoload_with=conn).insert(), [row])
        series = Table("series", MetaData(), autoload_with=conn)
        series_id = conn.execute(series.insert().returning(series.c.id), {
            "uid": "s@test", "rrule": "FREQ=WEEKLY;COUNT=1", "dtstart": "2026-12-02T09:00:00",
            "tz": "UTC", "duration_minutes": 60, "template": {}, "sequence": 0,
            "created_at": now, "modified_at": now}).scalar_one()
        conn.execute(Table("sessions", MetaData(), autoload_with=conn).insert(), [{
            "uid": "s@test", "series_id": series_id, "title": "Weekly", "mentor_id": ids[0],
            "type": "individual", "status": "scheduled", "start_at": now, "tz": "UTC",
            "end_at": now + timedelta(hours=1), "payment_status": "unpaid", "sequence": 0,
            "created_at": now, "modified_at": now}])
    before = _counts(engine)
    assert before["people"] == 2 and before["availability"] == before["time_off"] == 1
    assert before["series"] == before["sessions"] == 1
    upgrade(engine)
    assert _counts(engine) == {**before, **{t: n for t, n in _counts(engine).items()
                                            if t not in before}}
    store.close()


def _outbox_row(status: str, error: str | None, kind: str = "reminder") -> dict[str, object]:
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    return {"kind": kind, "template": kind, "recipient": "sam@example.org", "payload": "{}",
            "status": status, "attempts": 0, "next_attempt_at": now, "last_error": error,
            "created_at": now}


def test_reminders_marked_not_sent_become_skipped_and_back(fresh_url: str) -> None:
    """0004 gives reminders no longer due their own status; real failures stay failed."""
    store = open_store(fresh_url)
    engine = store.engine
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "20261122_0003")
    outbox = Table("outbox", MetaData(), autoload_with=engine)
    rows = [_outbox_row("failed", "not sent: session cancelled"),
            _outbox_row("failed", "550 no such mailbox"),
            _outbox_row("failed", "not sent: looks like ours", kind="custom"),
            _outbox_row("sent", None)]
    with engine.begin() as conn:
        conn.execute(outbox.insert(), rows)
    ordered = select(outbox.c.status, outbox.c.last_error).order_by(outbox.c.id)
    upgrade(engine)
    with engine.begin() as conn:
        assert conn.execute(ordered).all() == [
            ("skipped", "session cancelled"), ("failed", "550 no such mailbox"),
            ("failed", "not sent: looks like ours"), ("sent", None)]
        # The new status is allowed, an unknown one still refused.
        conn.execute(outbox.insert(), [_outbox_row("skipped", "session already started")])
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(outbox.insert(), [_outbox_row("lost", None)])
    with engine.begin() as conn:
        # Reminders stay unique per session, recipient and start after the table is remade.
        index = {i["name"]: i for i in inspect(conn).get_indexes("outbox")}["uq_outbox_reminder"]
        assert index["unique"]
        assert any("reminder" in str(where) for where in index["dialect_options"].values())
        command.downgrade(alembic_config(conn), "20261122_0003")
    with engine.begin() as conn:
        assert conn.execute(ordered).all() == [
            ("failed", "not sent: session cancelled"), ("failed", "550 no such mailbox"),
            ("failed", "not sent: looks like ours"), ("sent", None),
            ("failed", "not sent: session already started")]
    upgrade(engine)
    store.close()


def test_enrolments_move_to_courses_and_the_enrolment_role_is_allowed(fresh_url: str) -> None:
    """0010: enrolments become one per course and student (the active one of several, ended
    as completed); sessions in a batch get its course; availability and time off survive
    the change to people's role check (SQLite changes it in place); `enrolment` is a role."""
    store = open_store(fresh_url)
    engine = store.engine
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "20261207_0009")
    meta = MetaData()
    tables = {n: Table(n, meta, autoload_with=engine) for n in (
        "people", "courses", "batches", "enrollments", "sessions", "availability")}
    at = datetime(2026, 9, 1, 9, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(tables["people"].insert(), [
            {"id": 1, "name": "Ada", "email": "ada@example.org", "role": "mentor",
             "created_at": at},
            {"id": 2, "name": "Sam", "email": "sam@example.org", "role": "student",
             "created_at": at},
            {"id": 3, "name": "Kim", "email": "kim@example.org", "role": "student",
             "created_at": at}])
        conn.execute(tables["availability"].insert(), [
            {"person_id": 1, "weekday": 0, "start_time": "09:00", "end_time": "17:00",
             "tz": "UTC"}])
        conn.execute(tables["courses"].insert(), [{"id": 1, "name": "Maths"}])
        conn.execute(tables["batches"].insert(), [{"id": 1, "course_id": 1, "name": "A"},
                                                  {"id": 2, "course_id": 1, "name": "B"}])
        conn.execute(tables["enrollments"].insert(), [
            {"batch_id": 1, "student_id": 2, "status": "ended", "enrolled_at": at},
            {"batch_id": 2, "student_id": 2, "status": "active", "enrolled_at": at},
            {"batch_id": 1, "student_id": 3, "status": "ended", "enrolled_at": at}])
        conn.execute(tables["sessions"].insert(), [
            {"id": 1, "uid": "u1", "title": "t", "mentor_id": 1, "batch_id": 2,
             "type": "group", "status": "scheduled", "start_at": at, "end_at": at.replace(hour=10),
             "tz": "UTC", "payment_status": "unpaid", "sequence": 0, "created_at": at,
             "modified_at": at}])
    upgrade(engine)
    meta = MetaData()
    enrolments = Table("enrolments", meta, autoload_with=engine)
    sessions = Table("sessions", meta, autoload_with=engine)
    people = Table("people", meta, autoload_with=engine)
    with engine.begin() as conn:
        assert conn.execute(select(enrolments.c.course_id, enrolments.c.student_id,
                                   enrolments.c.batch_id, enrolments.c.status)
                            .order_by(enrolments.c.student_id)).all() == [
            (1, 2, 2, "active"), (1, 3, 1, "completed")]
        assert conn.execute(select(sessions.c.course_id, sessions.c.batch_id)).all() == [(1, 2)]
        assert conn.execute(text("SELECT count(*) FROM availability")).scalar() == 1
        conn.execute(people.insert(), [{"id": 4, "name": "Meg", "email": "meg@example.org",
                                        "role": "enrolment", "created_at": at}])
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(people.insert(), [{"id": 5, "name": "X", "email": "x@example.org",
                                        "role": "janitor", "created_at": at}])
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "20261207_0009")
    with engine.begin() as conn:
        assert conn.execute(text("SELECT role FROM people WHERE email = 'meg@example.org'")
                            ).scalar() == "student"
        assert conn.execute(text("SELECT batch_id, status FROM enrollments ORDER BY student_id")
                            ).all() == [(2, "active"), (1, "ended")]
    upgrade(engine)
    store.close()


# --------------------------------------------------------- first use by several at once
FIRST_USERS = 8


def test_first_use_by_several_processes_at_once_creates_and_migrates_once(
        new_database: str, tmp_path: Path) -> None:
    """FIRST_USERS terminals run a command on a database nobody has used yet, all at once: one
    creates and migrates it, the others wait for it and go on; every one exits 0 (SQLite said
    "database is locked", PostgreSQL raised IntegrityError, for some of them)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SESSIONSCTL_")}
    env["SESSIONSCTL_CONFIG"] = str(tmp_path / "none.toml")
    procs = [subprocess.Popen([sys.executable, "-m", "sessionsctl.cli.main", "--db",
                               new_database, "person", "list", "--json"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(FIRST_USERS)]
    outcomes = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    failed = [(code, err) for code, _, err in outcomes if code != 0]
    assert not failed, f"{len(failed)} of {FIRST_USERS} failed: {failed}"
    assert all(out.strip() == "[]" for _, out, _ in outcomes)
    engine = create_engine(new_database)
    try:
        with engine.connect() as conn:
            assert current_revision(conn) == HEAD
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    finally:
        engine.dispose()


def test_passcodes_already_in_the_audit_log_are_scrubbed(fresh_url: str) -> None:
    """0008: a passcode recorded before it is kept as redacted; the rest of the row stays."""
    store = open_store(fresh_url)
    engine = store.engine
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "20261206_0007")
    audit = Table("audit_log", MetaData(), autoload_with=engine)
    at = datetime(2026, 12, 1, 9, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(audit.insert(), [
            {"at": at, "actor": "desk@example.org", "action": "edit", "entity": "session",
             "entity_id": "7", "before": {"title": "Algebra", "passcode": "pw-one"},
             "after": {"title": "Algebra", "passcode": "pw-two"}},
            {"at": at, "actor": "desk@example.org", "action": "book", "entity": "session",
             "entity_id": "8", "before": None, "after": {"title": "Geometry", "passcode": None}},
        ])
    upgrade(engine)
    with engine.connect() as conn:
        rows = {r.entity_id: (r.before, r.after, r.login) for r in conn.execute(
            select(Table("audit_log", MetaData(), autoload_with=conn)))}
    assert rows["7"] == ({"title": "Algebra", "passcode": "[redacted]"},
                         {"title": "Algebra", "passcode": "[redacted]"}, None)
    assert rows["8"] == (None, {"title": "Geometry", "passcode": None}, None)
    store.close()
