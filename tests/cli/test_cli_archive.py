"""`archive` and `archive restore` on either backend (issue 21): a dry run writes nothing; the
completed and cancelled sessions that ended before the cutoff move with every row of theirs
and nothing else; an invoiced one stays, named; listings lose them, reports --with-archive
count them as before; a restore gives back the database row for row; a failure half-way
leaves everything where it was; exit codes and messages."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, delete, insert, select, update

import sessionsctl.store.repos.archive as archive_repo
from sessionsctl.core.centre import Centre
from sessionsctl.store import open_store
from sessionsctl.store.schema import feedback_table, person_table
from sessionsctl.store.schema_archive import ARCHIVE, AUDIT, MOVED, SESSIONS

from .conftest import Run, Seeded
from .test_cli_privacy import everything

CUTOFF = ("--before", "2025-04-01")
SPAN = ("--from", "2025-03-01", "--to", "2025-06-30")
Snapshot = Callable[[], dict[str, list[tuple[Any, ...]]]]


@pytest.fixture
def history(seeded: Seeded, tmp_path: Path) -> dict[str, int]:
    """one: Ada with Sam and Kim, completed, marked, rated, noted. two: Ada with Lee,
    cancelled. three: Bob with Kim, never completed. four: Ada with Sam, completed, on an
    invoice. five: completed, after the cutoff. six: to come."""
    run = seeded.run
    ids = {name: seeded.book(start, students=students, extra=["--subject", seeded.subject])["id"]
           for name, start, students in (
               ("one", "2025-03-03 16:00", [seeded.sam, seeded.kim]),
               ("two", "2025-03-05 16:00", [seeded.lee]),
               ("three", "2025-03-06 10:00", [seeded.kim]),
               ("four", "2025-03-07 16:00", [seeded.sam]),
               ("five", "2025-05-10 16:00", [seeded.sam]),
               ("six", "2027-05-10 16:00", [seeded.sam]))}
    run.ok("attendance", "mark", str(ids["one"]), seeded.sam, "present", "--note", "Sam's bus")
    run.ok("session", "note", str(ids["one"]), "Chapter 3 done")
    for name in ("one", "four", "five"):
        run.ok("session", "complete", str(ids[name]))
    run.ok("feedback", "add", str(ids["one"]), "--from", seeded.sam, "--rating", "4",
           "--text", "Sam liked the proofs")
    run.ok("session", "cancel", str(ids["two"]), "--reason", "ill")
    run.ok("rate", "set", "40.00", "--student", seeded.sam, "--per", "hour")
    run.ok("invoice", "make", "--student", seeded.sam, "--from", "2025-03-07", "--to",
           "2025-03-07", "--dir", str(tmp_path))
    return ids


def _listed(run: Run) -> set[int]:
    return {s["id"] for s in run.json("session", "list", *SPAN)}


def _session_of(table: Any, row: tuple[Any, ...]) -> int:
    """The session a row of ``table`` (working or archive) belongs to."""
    names = [c.name for c in table.columns]
    if table.name.endswith(SESSIONS.name) and "uid" in names:
        return int(row[names.index("id")])
    if "session_id" in names:
        return int(row[names.index("session_id")])
    return int(row[names.index("entity_id")]) if row[names.index("entity")] == "session" else -1


def _without_archive_audit(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    entity = [c.name for c in AUDIT.columns].index("entity")
    return {**rows, AUDIT.name: [r for r in rows[AUDIT.name] if r[entity] != "archive"]}


def _reports(run: Run, *extra: str) -> list[Any]:
    found = []
    for args in (("attendance", "--group", "student,batch,subject,mentor"), ("completion",),
                 ("mentors",), ("student", "sam@example.org")):
        report = run.json("report", *args, *SPAN, *extra)
        report.pop("now", None)
        found.append(report)
    return found


def test_archive_moves_the_old_sessions_with_their_rows_and_restore_brings_them_back(
        history: dict[str, int], run: Run, db_snapshot: Snapshot) -> None:
    before = db_snapshot()
    reports = _reports(run)
    listed = _listed(run)
    gone = {history["one"], history["two"]}

    dry = run.json("archive", *CUTOFF, "--dry-run")
    assert db_snapshot() == before
    assert dry["dry_run"] and dry["sessions"] == 2
    assert dry["kept"] == {"invoice": [history["four"]]}
    plain = run.ok("archive", *CUTOFF, "--dry-run").stdout
    assert "Would archive 2 sessions that ended before 2025-04-01" in plain
    assert f"Kept 1 session on an invoice: {history['four']}." in plain
    assert "Dry run: nothing was written." in plain

    done = run.json("archive", *CUTOFF, "--yes")
    assert done["counts"] == dry["counts"] and done["sessions"] == 2
    after = _without_archive_audit(db_snapshot())
    for table in MOVED:  # each row moved exactly, and only the rows of the two sessions
        working, archived = after[table.name], after[ARCHIVE[table.name].name]
        assert sorted([*working, *archived], key=repr) == before[table.name]
        assert {_session_of(ARCHIVE[table.name], r) for r in archived} <= gone
        assert not {_session_of(table, r) for r in working} & gone
        assert len(archived) == done["counts"][table.name]
    assert done["counts"]["session_students"] == 3 and done["counts"]["feedback"] == 1
    assert done["counts"]["attendance"] >= 2 and done["counts"]["audit_log"] > 2
    assert _listed(run) == listed - gone
    run.fails(4, "session", "show", str(history["one"]))
    assert _reports(run, "--with-archive") == reports
    assert _reports(run) != reports

    again = run.ok("archive", *CUTOFF, "--yes")  # nothing left to move: no question, exit 0
    assert "No completed or cancelled session that ended before 2025-04-01" in again.stdout

    plan = run.json("archive", "restore", "--all", "--dry-run")
    assert plan["counts"] == done["counts"]
    restored = run.ok("archive", "restore", "--all", "--yes").stdout
    assert "Restored 2 archived sessions: 2 sessions, 3 roster rows" in restored
    assert _without_archive_audit(db_snapshot()) == _without_archive_audit(before)
    assert _listed(run) == listed


def test_restore_before_a_day_brings_back_only_those(history: dict[str, int], run: Run) -> None:
    run.ok("archive", "--before", "2025-06-01", "--yes")  # one, two and five
    assert history["five"] not in _listed(run)
    moved = run.json("archive", "restore", "--before", "2025-04-01", "--yes")
    assert moved["sessions"] == 2
    assert _listed(run) & {history["one"], history["two"], history["five"]} == \
        {history["one"], history["two"]}


@pytest.mark.parametrize("failing", ["sessions", "archive_sessions"])
def test_a_failure_half_way_leaves_everything_in_place(
        history: dict[str, int], run: Run, db_snapshot: Snapshot,
        monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    if failing == "archive_sessions":  # the restore's last delete fails
        run.ok("archive", *CUTOFF, "--yes")
    before = db_snapshot()
    real = archive_repo.delete

    def delete(table: Any) -> Any:
        if table.name == failing:  # the last statement of the move, all the others done
            raise RuntimeError("the disk is full")
        return real(table)

    monkeypatch.setattr(archive_repo, "delete", delete)
    args = ("archive", *CUTOFF) if failing == "sessions" else ("archive", "restore", "--all")
    result = run(*args, "--yes")
    assert result.exit_code == 1, result.output
    assert db_snapshot() == before


def test_archive_refusals_and_exit_codes(history: dict[str, int], run: Run,
                                         db_snapshot: Snapshot) -> None:
    before = db_snapshot()
    asked = run.fails(2, "archive", *CUTOFF)  # no terminal to ask on
    assert "this would archive 2 sessions that ended before 2025-04-01" in asked.stderr
    assert "add --yes" in asked.stderr
    assert "may not archive old sessions" in run.fails(5, "archive", *CUTOFF, "--yes",
                                                       as_="desk@example.org").stderr
    run.fails(5, "archive", "restore", "--all", "--yes", as_="desk@example.org")
    assert "--before" in run.fails(2, "archive", "--before", "someday", "--yes").stderr
    assert "later than now" in run.fails(2, "archive", "--before", "2099-01-01").stderr
    assert "--all" in run.fails(2, "archive", "restore", "--yes").stderr
    run.fails(2, "archive", "restore", "--all", *CUTOFF, "--yes")
    assert db_snapshot() == before
    nothing = run.ok("archive", "restore", "--all", "--yes").stdout
    assert "No archived session to restore." in nothing


def test_erasing_a_person_reaches_the_archive(history: dict[str, int], run: Run,
                                              db_url: str) -> None:
    def archived() -> str:
        # The mail too: the mentor's attendance summary (mail to another person) names Sam.
        return json.dumps({t: rows for t, rows in json.loads(everything(db_url)).items()
                           if t.startswith("archive_")})

    run.ok("archive", *CUTOFF, "--yes")
    assert "Sam liked the proofs" in archived() and "Sam's bus" in archived()
    assert "sam@example.org" in json.dumps(json.loads(everything(db_url))["archive_outbox"])
    held = run.json("person", "export", "sam@example.org")  # the archive is theirs too
    assert ("present", "Sam's bus") in [(a["status"], a["note"]) for a in held["attendance"]]
    assert [f["text"] for f in held["feedback"]] == ["Sam liked the proofs"]
    run.ok("person", "erase", "sam@example.org", "--cancel-future", "--yes")
    for trace in ("sam@example.org", "Sam Lee", "Sam's bus", "Sam liked the proofs"):
        assert trace not in archived(), trace
    run.ok("archive", "restore", "--all", "--yes")


def test_restore_refuses_ids_taken_since(history: dict[str, int], seeded: Seeded, run: Run,
                                         backend: str, db_snapshot: Snapshot) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL's sequences never give an id again")
    last = seeded.book("2025-03-10 16:00", students=[seeded.kim])["id"]
    run.ok("session", "complete", str(last))
    run.ok("archive", *CUTOFF, "--yes")
    assert seeded.book("2027-06-01 16:00", students=[seeded.kim])["id"] == last  # SQLite
    before = db_snapshot()
    refused = run.fails(2, "archive", "restore", "--all", "--yes").stderr
    assert f"took the ids of archived ones (session {last}; " in refused
    assert "nothing was restored" in refused
    assert db_snapshot() == before


def test_restore_refuses_a_uid_taken_since(history: dict[str, int], run: Run, db_url: str,
                                           db_snapshot: Snapshot) -> None:
    """An occurrence (UID and RECURRENCE-ID) booked again since it was archived, as an
    import of the same calendar would: the restore names it and moves nothing."""
    run.ok("archive", *CUTOFF, "--yes")
    archived, one, six = ARCHIVE[SESSIONS.name], history["one"], history["six"]
    occurrence = datetime(2025, 3, 3, 16, tzinfo=UTC)
    engine = create_engine(db_url)
    with engine.begin() as conn:
        uid = conn.execute(select(archived.c.uid).where(archived.c.id == one)).scalar_one()
        conn.execute(update(archived).where(archived.c.id == one)
                     .values(recurrence_id=occurrence))
        conn.execute(update(SESSIONS).where(SESSIONS.c.id == six)
                     .values(uid=uid, recurrence_id=occurrence))
    engine.dispose()
    before = db_snapshot()
    refused = run.fails(2, "archive", "restore", "--all", "--yes").stderr
    assert f"(session {one})" in refused and "nothing was restored" in refused
    assert db_snapshot() == before


def test_archive_waits_for_a_writer_and_moves_what_it_wrote(history: dict[str, int],
                                                            db_url: str) -> None:
    """Feedback written on an archivable session by a transaction still open when the archive
    begins is not lost: the archive waits for it (PostgreSQL: its lock on sessions; SQLite:
    the write lock), then moves it with its session."""
    engine = create_engine(db_url)
    feedback, people = feedback_table, person_table
    writer = engine.connect()
    writer.begin()
    kim = writer.execute(select(people.c.id).where(people.c.email == "kim@example.org"))
    writer.execute(insert(feedback).values(
        session_id=history["one"], author_id=kim.scalar_one(), rating=5, categories={},
        text="late but kind", created_at=datetime(2025, 3, 4, tzinfo=UTC)))
    store = open_store(db_url)
    done: list[Any] = []
    archiving = threading.Thread(target=lambda: done.append(
        Centre(store).archive.archive(datetime(2025, 4, 1, tzinfo=UTC))))
    archiving.start()
    archiving.join(1.5)
    assert archiving.is_alive() and not done  # waiting for the writer
    writer.commit()
    writer.close()
    archiving.join(30)
    assert done and done[0].counts["feedback"] == 2
    with engine.connect() as conn:
        texts = conn.execute(select(ARCHIVE["feedback"].c.text)).scalars().all()
        assert "late but kind" in texts
        assert not conn.execute(select(feedback).where(
            feedback.c.session_id == history["one"])).all()
    store.close()
    engine.dispose()


def test_restore_refuses_what_names_rows_deleted_since(history: dict[str, int], seeded: Seeded,
                                                       run: Run, db_url: str,
                                                       db_snapshot: Snapshot) -> None:
    """A room and a student of an archived session deleted since (as the database allows,
    nothing in the working tables naming them): the restore names them and their session,
    exits 2 (a refused change, not a failure) and moves nothing; a dry run says so."""
    run.ok("room", "add", "Annex", "--capacity", "4")
    run.ok("person", "add", "--name", "Max Roe", "--email", "max@example.org", "--role",
           "student")
    annexed = seeded.book("2025-03-10 16:00", students=["max@example.org"],
                          extra=["--room", "Annex"])["id"]
    run.ok("session", "complete", str(annexed))
    run.ok("archive", *CUTOFF, "--yes")
    rooms, people = SESSIONS.metadata.tables["rooms"], person_table
    engine = create_engine(db_url)
    with engine.begin() as conn:
        room = conn.execute(select(rooms.c.id).where(rooms.c.name == "Annex")).scalar_one()
        person = conn.execute(select(people.c.id)
                              .where(people.c.email == "max@example.org")).scalar_one()
        conn.execute(delete(rooms).where(rooms.c.id == room))
        conn.execute(delete(people).where(people.c.id == person))
    engine.dispose()
    before = db_snapshot()
    refused = run.fails(2, "archive", "restore", "--all", "--yes").stderr
    assert f"person {person} (session {annexed})" in refused, refused
    assert f"room {room} (session {annexed})" in refused
    assert "deleted since" in refused and "nothing was restored" in refused
    assert "Traceback" not in refused and "unexpected" not in refused.lower()
    assert db_snapshot() == before
    plan = run.json("archive", "restore", "--all", "--dry-run")
    assert plan["gone"]["rooms"] == [{"id": room, "sessions": [annexed]}]
    assert plan["gone"]["people"] == [{"id": person, "sessions": [annexed]}]
    dry = run.ok("archive", "restore", "--all", "--dry-run").stdout
    assert "It would be refused: archived sessions name what was deleted since" in dry
