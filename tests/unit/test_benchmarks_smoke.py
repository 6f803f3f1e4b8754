"""The benchmark data generator and runner at a tiny scale: the data is conflict-free,
consistent with the engine's own rules and deterministic, and the runner runs end to end.
No timings are asserted (timed unit tests are flaky by nature)."""

from __future__ import annotations

import importlib.util
import json
import re
import sqlite3
import sys
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

# benchmarks/ is not part of the installed package: CI installs sessionsctl non-editable and
# runs `pytest` from the checkout, where the checkout itself is not on sys.path.
if importlib.util.find_spec("benchmarks") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks import generate as gen  # noqa: E402
from benchmarks import run  # noqa: E402
from sessionsctl.core.schedule.recurrence import expand, parse_recurrence  # noqa: E402

SCALE = 500
STAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$")


@pytest.fixture(scope="module")
def centre_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, gen.Summary]:
    path = tmp_path_factory.mktemp("bench") / "centre.db"
    summary = gen.generate(f"sqlite:///{path}", SCALE, seed=7)
    return path, summary


def _rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_the_summary_counts_what_was_written(centre_db: tuple[Path, gen.Summary]) -> None:
    path, summary = centre_db
    assert summary.sessions == SCALE
    assert _rows(path, "SELECT count(*) FROM sessions") == [(SCALE,)]
    assert _rows(path, "SELECT count(*) FROM session_students") == [(summary.session_students,)]
    assert _rows(path, "SELECT count(*) FROM series") == [(summary.series,)]
    assert summary.occurrences + summary.one_offs == SCALE
    assert summary.cancelled > 0 and summary.moved > 0


def test_no_person_or_room_is_booked_twice_at_once(centre_db: tuple[Path, gen.Summary]) -> None:
    path, _ = centre_db
    held: dict[tuple[str, int], list[tuple[str, str]]] = defaultdict(list)
    for mentor, room, start, end in _rows(
            path, "SELECT mentor_id, room_id, start_at, end_at FROM sessions "
                  "WHERE status != 'cancelled'"):
        held["person", mentor].append((start, end))
        if room is not None:
            held["room", room].append((start, end))
    for student, start, end in _rows(
            path, "SELECT student_id, start_at, end_at FROM session_students WHERE NOT cancelled"):
        held["person", student].append((start, end))
    assert held
    for key, spans in held.items():
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:]):
            assert end <= start, f"{key} is booked twice at {start}"


def test_student_links_copy_their_session(centre_db: tuple[Path, gen.Summary]) -> None:
    path, _ = centre_db
    mismatched = _rows(path, """
        SELECT l.session_id FROM session_students l JOIN sessions s ON s.id = l.session_id
        WHERE l.start_at != s.start_at OR l.end_at != s.end_at
           OR l.cancelled != (s.status = 'cancelled')""")
    assert mismatched == []
    stamps = _rows(path, "SELECT start_at, end_at, created_at FROM sessions")
    assert all(STAMP.match(v) for row in stamps for v in row)


def test_series_rows_are_what_their_rule_expands_to(centre_db: tuple[Path, gen.Summary]) -> None:
    """Every occurrence's recurrence id is an instance of its series' rule, and every
    instance of the rule (closures excluded as EXDATEs) has its row."""
    path, _ = centre_db
    by_series: dict[int, set[str]] = defaultdict(set)
    for series_id, rid in _rows(path, "SELECT series_id, recurrence_id FROM sessions "
                                      "WHERE series_id IS NOT NULL"):
        by_series[series_id].add(rid)
    for series_id, rule, dtstart, tz in _rows(path, "SELECT id, rrule, dtstart, tz FROM series"):
        zone = ZoneInfo(tz)
        occurrences = expand(parse_recurrence(rule, zone), datetime.fromisoformat(dtstart), zone)
        expected = {o.recurrence_id.replace(tzinfo=None).isoformat(" ", "microseconds")
                    for o in occurrences}
        assert by_series[series_id] == expected


def test_same_seed_same_rows(tmp_path: Path, centre_db: tuple[Path, gen.Summary]) -> None:
    path, _ = centre_db
    again = tmp_path / "again.db"
    other = tmp_path / "other.db"
    gen.generate(f"sqlite:///{again}", SCALE, seed=7)
    gen.generate(f"sqlite:///{other}", SCALE, seed=8)
    assert gen.fingerprint(f"sqlite:///{again}") == gen.fingerprint(f"sqlite:///{path}")
    assert gen.fingerprint(f"sqlite:///{other}") != gen.fingerprint(f"sqlite:///{path}")


def test_generating_into_a_used_database_is_refused(centre_db: tuple[Path, gen.Summary],
                                                     tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(centre_db[0].read_bytes())
    with pytest.raises(ValueError, match="already holds sessions"):
        gen.generate(f"sqlite:///{copy}", SCALE)


def test_the_runner_runs_at_a_tiny_scale(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "figures.json"
    assert run.main(["--scales", str(SCALE), "--quick", "--data-dir", str(tmp_path),
                     "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "x floor" in printed
    figures = json.loads(out.read_text())
    assert {r["name"] for r in figures["results"]} == {"book", "check", "series", "list"}
    assert all(r["timing"]["runs"] > 0 and r["floor"]["runs"] > 0 for r in figures["results"])
    # The second run reuses the cached centre.
    assert run.main(["--scales", str(SCALE), "--quick", "--only", "check",
                     "--data-dir", str(tmp_path)]) == 0
    assert "(cached)" in capsys.readouterr().out


@pytest.mark.parametrize(("text", "sessions"), [("10k", 10_000), ("1m", 1_000_000),
                                                ("500", 500), ("2.5k", 2_500)])
def test_scales_read_as_people_write_them(text: str, sessions: int) -> None:
    assert gen.parse_scale(text) == sessions


def test_the_exchange_benchmark_runs_at_a_tiny_scale(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m benchmarks.exchange --quick`, at a tiny scale: every figure runs in its own
    spawned process and reports its own time and peak memory."""
    from benchmarks import exchange

    out = tmp_path / "exchange.json"
    assert exchange.main(["--quick", "--scale", str(SCALE), "--khal-events", "20",
                          "--data-dir", str(tmp_path), "--json", str(out)]) == 0
    assert "export ics" in capsys.readouterr().out
    rows = {r["figure"]: r for r in json.loads(out.read_text())["rows"]}
    assert {"export ics vs icalendar to_ical", "import ics (icalendar from_ical shown)",
            "export csv", "import csv vs Core bulk insert"} <= set(rows)
    assert any("khal" in name for name in rows)
    for row in rows.values():
        assert row["skipped"] or row["seconds"] > 0
        # Each process's own peak: far below what a parent holding the data would show.
        assert row["rss_mb"] is None or 0 < row["rss_mb"] < 1000
    assert rows["import ics (icalendar from_ical shown)"]["note"].startswith(f"{SCALE} ")


def test_the_cli_benchmark_runs_at_a_tiny_scale(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m benchmarks.cli` at a tiny scale: the listing piped, in a terminal and as
    JSON, and a clashing file refused (exit 3) beside the same rows booked apart, each in a
    process of its own with its own time and peak memory."""
    from benchmarks import cli

    out = tmp_path / "cli.json"
    assert cli.main(["--scale", str(SCALE), "--rows", "60", "--data-dir", str(tmp_path),
                     "--json", str(out)]) == 0
    assert "copies of one row" in capsys.readouterr().out
    figures = {f["name"]: f for f in json.loads(out.read_text())["figures"]}
    assert set(figures) == {"list piped", "list terminal", "clash"}
    for figure in figures.values():
        for run_ in (figure["ours"], figure["floor"]):
            assert run_["seconds"] > 0 and 0 < run_["rss_mb"] < 1000
    assert figures["list piped"]["ours"]["exit"] == 0
    assert figures["list piped"]["ours"]["out_bytes"] > 0
    assert figures["list terminal"]["ours"]["out_bytes"] > 0
    assert (figures["clash"]["ours"]["exit"], figures["clash"]["floor"]["exit"]) == (3, 0)
    assert 0 < figures["clash"]["ours"]["err_bytes"] < cli.STDERR_GOAL


@pytest.mark.parametrize("calcurse", [False, True], ids=["no peers", "calcurse"])
def test_the_peer_benchmark_runs_at_a_tiny_scale(tmp_path: Path, calcurse: bool,
                                                 capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """`python -m benchmarks.peers` at a tiny scale, one run of each command: every row is
    printed beside its peer or floor, and a peer that is not installed says SKIPPED."""
    import shutil

    from benchmarks import peers

    found = shutil.which("calcurse")
    if calcurse and found is None:
        pytest.skip("calcurse is not installed (apt-get install calcurse)")
    monkeypatch.setattr(peers, "_khal_command", lambda: None)
    monkeypatch.setattr(peers.shutil, "which", lambda name: found if calcurse else None)
    out = tmp_path / "peers.json"
    rows = "list,import-ics" if calcurse else ",".join(peers.ROWS)
    assert peers.main(["--scale", str(SCALE), "--runs", "1", "--data-dir", str(tmp_path),
                       "--only", rows, "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "SKIPPED" in printed and "khal is not installed" in printed
    pairs = json.loads(out.read_text())["pairs"]
    assert {p["row"] for p in pairs} == set(rows.split(","))
    by = {(p["row"], p["beside"]): p for p in pairs}
    assert by["import-ics", "khal"]["result"] == "SKIPPED"
    if calcurse:  # measured beside the peer, on the same events
        assert by["list", "calcurse"]["other"]["seconds"] > 0
        assert by["import-ics", "calcurse"]["ratio"] > 0
    else:
        assert by["list", "calcurse"]["result"] == "SKIPPED"
        assert by["import-csv", "floor: csv + sqlite3 executemany"]["other"]["seconds"] > 0
        assert by["export-ics", "floor: icalendar build + serialise"]["ratio"] > 0
        assert by["json", "floor: a day with no sessions"]["ratio"] > 0
    for p in pairs:
        assert p["ours"]["seconds"] > 0 and 0 < p["ours"]["rss_mb"] < 1000
        assert p["result"] in ("PASS", "FAIL", "SKIPPED", "-")


def test_the_backup_benchmark_runs_at_a_tiny_scale(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m benchmarks.backup --quick` at a tiny scale: backup, verify and restore run."""
    from benchmarks import backup

    assert backup.main(["--quick", "--scale", str(SCALE), "--data-dir", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert all(figure in printed for figure in ("backup", "verify", "restore"))


def test_the_archive_benchmark_runs_at_a_tiny_scale(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m benchmarks.archive --quick` at a tiny scale: archive, restore and the month's
    listing before and after run (at this scale the timings say nothing: not judged here)."""
    from benchmarks import archive

    assert archive.main(["--quick", "--scale", str(SCALE), "--data-dir", str(tmp_path)]) in (0, 1)
    printed = capsys.readouterr().out
    assert all(figure in printed for figure in ("archive", "restore", "list before", "list after"))
