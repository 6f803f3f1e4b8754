"""`backup`, `backup verify` and `restore` from the command line: exit codes, --keep, what a
restore refuses and asks (issue 21)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from .conftest import Run


def _target(backend: str, db_url: str, new_database: str) -> str:
    if backend == "sqlite":
        return new_database
    engine = create_engine(db_url)
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar()
    engine.dispose()
    return f"{new_database}?options={quote(f'-csearch_path={schema}')}"


def _titles(run: Run, db: str) -> list[str]:
    return [s["title"] for s in run.json("session", "list", "--from", "2027-01-01", db=db)]


@pytest.fixture
def centre_run(run: Run) -> Run:
    run.ok("person", "add", "--name", "Ada", "--email", "ada@example.org", "--role", "mentor")
    run.ok("session", "add", "--title", "Algebra", "--mentor", "ada@example.org",
           "--start", "2027-01-05 16:00", "--duration", "60")
    return run


def test_backup_verify_and_keep(centre_run: Run, tmp_path: Path) -> None:
    run = centre_run
    folder = tmp_path / "nightly"
    folder.mkdir()
    stray = folder / "mine.txt"
    stray.write_text("kept")
    made = []
    for n in range(3):
        # Dated names are made in the same second here: the later ones get a -2, -3 suffix.
        made.append(Path(run.json("backup", str(folder / f"sessionsctl-20261201-00000{n}.db"),
                                  "--keep", "2")["file"]))
    left = sorted(p.name for p in folder.iterdir())
    assert left == sorted([made[1].name, made[2].name, "mine.txt"])
    ok = run.ok("backup", "verify", str(made[2]))
    assert "OK" in ok.stdout and "sessions" in ok.stdout
    report = run.json("backup", "verify", str(made[2]))
    assert report["ok"] and report["counts"]["sessions"] == 1
    bad = run.fails(1, "backup", "verify", str(stray))
    assert "NOT a usable backup" in bad.stderr
    run.fails(4, "restore", str(folder / "missing.db"), "--yes")


def test_restore_into_an_empty_database_then_refuses_one_holding_data(
        centre_run: Run, backend: str, db_url: str, new_database: str, tmp_path: Path) -> None:
    run = centre_run
    file = Path(run.json("backup", str(tmp_path / "centre.bak"))["file"])
    target = _target(backend, db_url, new_database)
    refused = run.fails(2, "restore", str(file), db=target)  # no terminal to ask on
    assert "--yes" in refused.stderr
    done = run.json("restore", str(file), "--yes", db=target)
    assert done["counts"]["sessions"] == 1 and done["safety_backup"] is None
    assert _titles(run, target) == ["Algebra"]
    again = run.fails(2, "restore", str(file), "--yes", db=target)
    assert "--replace" in again.stderr
    run.ok("session", "add", "--title", "Later", "--mentor", "ada@example.org",
           "--start", "2027-01-06 16:00", "--duration", "60", db=target)
    replaced = run.json("restore", str(file), "--yes", "--replace", db=target,
                        env={"XDG_DATA_HOME": str(tmp_path / "data")})
    safety = Path(replaced["safety_backup"])
    assert safety.is_relative_to(tmp_path / "data")
    assert _titles(run, target) == ["Algebra"]
    assert run.json("backup", "verify", str(safety))["counts"]["sessions"] == 2


def test_only_admins_back_up(centre_run: Run, tmp_path: Path) -> None:
    run = centre_run
    run.ok("person", "add", "--name", "Root", "--email", "root@example.org", "--role", "admin")
    run.fails(5, "backup", str(tmp_path / "x.bak"), as_="ada@example.org")
    assert not (tmp_path / "x.bak").exists()
