"""Backups (issue 21): taken while another process books, a backup restores to the database
as it stood at one instant; a backup killed while it is written leaves no file that verifies;
a damaged or cut-off file never verifies; an older schema is migrated on restore."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from sessionsctl.core.backup.service import Backups
from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft, SessionQuery
from sessionsctl.core.domain.errors import InvalidInput
from sessionsctl.core.domain.model import Role
from sessionsctl.store import backups_of, open_store
from sessionsctl.store.engine import make_engine
from sessionsctl.store.migrate import HEAD, current_revision, upgrade

WRITER = Path(__file__).with_name("_backup_writer.py")
MENTOR, STUDENT = "mentor@centre.test", "student@centre.test"


def _people(centre: Centre) -> None:
    centre.people.add_person("Mentor", MENTOR, Role.MENTOR)
    centre.people.add_person("Student", STUDENT, Role.STUDENT)


def _rows(url: str) -> dict[int, tuple[object, ...]]:
    """Every session as (title, start, end, mentor, students), by id."""
    store = open_store(url)
    try:
        found = Centre(store).sessions.find(SessionQuery())
        return {s.id: (s.title, s.start, s.end, s.mentor, tuple(s.students)) for s in found}
    finally:
        store.close()


def book(centre: Centre, n: int) -> int:
    """Book session ``n`` of the mentor and student; its id."""
    start = datetime(2027, 2, 1, 9, tzinfo=UTC) + timedelta(hours=n)
    return centre.sessions.book(SessionDraft(
        title=f"Lesson {n}", mentor=MENTOR, start=start, end=start + timedelta(hours=1),
        tz="UTC", students=(STUDENT,), cost=Decimal("12.50"))).session.id


def _schema_of(url: str) -> str:
    engine = create_engine(url)
    with engine.connect() as conn:
        name = str(conn.execute(text("SELECT current_schema()")).scalar())
    engine.dispose()
    return name


def _target(backend: str, source_url: str, new_database: str) -> str:
    """Where to restore: a new SQLite file, or a new PostgreSQL database (its search path
    the schema the backup was taken from)."""
    if backend == "sqlite":
        return new_database
    return f"{new_database}?options={quote(f'-csearch_path={_schema_of(source_url)}')}"


@pytest.fixture
def writer_log(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "booked.log"


def _lines(log: Path) -> list[int]:
    return [int(x) for x in log.read_text().split()] if log.exists() else []


def test_a_backup_taken_while_another_process_books_restores_to_one_instant(
        centre: Centre, db_url: str, backend: str, new_database: str, tmp_path: Path,
        writer_log: Path) -> None:
    _people(centre)
    count = 400
    writer = subprocess.Popen([sys.executable, str(WRITER), db_url, MENTOR, STUDENT, str(count),
                               str(writer_log)])
    try:
        deadline = time.monotonic() + 60
        while len(_lines(writer_log)) < 20 and time.monotonic() < deadline:
            time.sleep(0.02)
        taken = centre.backups.take(tmp_path / "during.bak", tmp_path)
        assert writer.wait(timeout=120) == 0
    finally:
        writer.kill()
    booked = _lines(writer_log)
    target = _target(backend, db_url, new_database)
    restored = Backups(backups_of(target), lambda: centre.ctx).restore(taken.file, tmp_path)
    assert restored.contents.counts["sessions"] == restored.contents.counts["session_students"]
    after = _rows(target)
    k = len(after)
    assert 20 <= k < count, "the backup was not taken while the other process was booking"
    # The sessions the writer had committed up to one instant, no more and no fewer...
    assert sorted(after) == sorted(booked[:k])
    # ...each exactly as the live database holds it (every booking's students with it).
    live = _rows(db_url)
    assert after == {i: live[i] for i in after}


def _killed_during(centre: Centre, db_url: str, stage: str, file: Path) -> None:
    """Run a backup in another process that stops at ``stage`` and kill -9 it there."""
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from sessionsctl.core.centre import Centre\n"
        "from sessionsctl.store import open_store\n"
        "def progress(stage):\n"
        f"    if stage == {stage!r}:\n"
        "        print('at', stage, flush=True)\n"
        "        time.sleep(60)\n"
        f"Centre(open_store({db_url!r})).backups.take(Path({str(file)!r}), "
        f"Path({str(file.parent)!r}), progress=progress)\n")
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == f"at {stage}"
        if stage == "copying" and centre.backups.copier.method() == "pg_dump":
            time.sleep(0.05)  # pg_dump's first writes are on their way
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()


@pytest.mark.parametrize("stage", ["copying", "marking"])
def test_a_backup_killed_while_written_leaves_no_file_that_verifies(
        centre: Centre, db_url: str, backend: str, tmp_path: Path, stage: str) -> None:
    if backend != "sqlite" and stage == "marking":
        pytest.skip("the marking stage is SQLite's")
    _people(centre)
    folder = tmp_path / "backups"
    folder.mkdir()
    file = folder / "nightly.bak"
    _killed_during(centre, db_url, stage, file)
    assert not file.exists()
    left = list(folder.iterdir())
    for path in left:
        assert not centre.backups.verify(path).ok
        # ...not even under a name that does not say it was unfinished.
        renamed = path.with_name("renamed.bak")
        path.rename(renamed)
        verdict = centre.backups.verify(renamed)
        assert not verdict.ok, verdict.line
        renamed.rename(path)
    # The next backup with --keep clears what the killed one left.
    taken = centre.backups.take(None, folder, keep=3)
    assert [p.name for p in folder.iterdir()] == [taken.file.name]
    assert centre.backups.verify(taken.file).ok


def test_a_cut_off_or_damaged_backup_does_not_verify(centre: Centre, tmp_path: Path) -> None:
    _people(centre)
    whole = centre.backups.take(tmp_path / "whole.bak", tmp_path).file
    verdict = centre.backups.verify(whole)
    assert verdict.ok and verdict.schema == "current"
    assert verdict.contents is not None and verdict.contents.counts["people"] == 2
    data = whole.read_bytes()
    cut = tmp_path / "cut.bak"
    cut.write_bytes(data[: len(data) * 2 // 3])
    assert not centre.backups.verify(cut).ok
    damaged = tmp_path / "damaged.bak"
    middle = len(data) // 2
    damaged.write_bytes(data[:middle] + bytes(4096) + data[middle + 4096:])
    assert not centre.backups.verify(damaged).ok
    garbage = tmp_path / "notes.txt"
    garbage.write_text("not a backup")
    assert "not a backup" in (centre.backups.verify(garbage).problem or "")


def test_the_logical_dump_round_trips_and_a_cut_one_does_not_verify(
        centre: Centre, db_url: str, backend: str, new_database: str, tmp_path: Path) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite always has its online backup")
    _people(centre)
    for n in range(3):
        book(centre, n)
    logical = Backups(backups_of(db_url, pg_dump=False), lambda: centre.ctx)
    taken = logical.take(tmp_path / "dump.jsonl.gz", tmp_path)
    assert taken.method == "logical"
    assert logical.verify(taken.file).ok
    data = taken.file.read_bytes()
    (tmp_path / "cut.jsonl.gz").write_bytes(data[: len(data) - 40])
    assert not logical.verify(tmp_path / "cut.jsonl.gz").ok
    target = new_database
    Backups(backups_of(target, pg_dump=False), lambda: centre.ctx).restore(taken.file, tmp_path)
    assert _rows(target) == _rows(db_url)
    # Ids go on after the restored ones.
    store = open_store(target)
    try:
        assert book(Centre(store), 10) > max(_rows(db_url))
    finally:
        store.close()


def test_an_older_schema_is_migrated_on_restore(
        backend: str, tmp_path: Path, fresh_url: str, new_database: str) -> None:
    engine = make_engine(fresh_url)
    upgrade(engine, "20261122_0002")
    engine.dispose()
    old = Backups(backups_of(fresh_url), lambda: pytest.fail("no permission asked"))
    file = tmp_path / "old.bak"
    old.copier.take(file)
    verdict = old.verify(file)
    assert verdict.ok and verdict.schema == "older", verdict.line
    target = _target(backend, fresh_url, new_database)
    done = Backups(backups_of(target), lambda: pytest.fail("not asked")).restore(file, tmp_path)
    assert done.migrated
    engine = create_engine(target)
    with engine.connect() as conn:
        assert current_revision(conn) == HEAD
    engine.dispose()


def test_a_backup_of_a_newer_schema_does_not_verify_nor_restore(
        centre: Centre, db_url: str, tmp_path: Path) -> None:
    _people(centre)
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '29990101_0001'"))
        file = centre.backups.take(tmp_path / "future.bak", tmp_path).file
    finally:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :h"), {"h": HEAD})
        engine.dispose()
    verdict = centre.backups.verify(file)
    assert not verdict.ok and verdict.schema == "newer"
    assert "newer than this program's" in (verdict.problem or "")
    with pytest.raises(InvalidInput, match="newer"):
        centre.backups.restore(file, tmp_path, replace=True)
    assert len(_rows(db_url)) == 0 and centre.people.list_people()
