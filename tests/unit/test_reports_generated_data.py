"""The benchmark centre's attendance and feedback (benchmarks/generate.py): marks only where a
mark can be given, a realistic mix, and the reports read them."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from benchmarks import generate as gen
from sessionsctl.core.centre import Centre
from sessionsctl.core.reports.data import ReportFilter
from sessionsctl.store import open_store

SCALE = 1500


@pytest.fixture(scope="module")
def centre_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, gen.Summary]:
    path = tmp_path_factory.mktemp("generated") / "centre.db"
    return path, gen.generate(f"sqlite:///{path}", SCALE, seed=11)


def _rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_every_mark_is_for_a_student_of_a_completed_past_session(
        centre_db: tuple[Path, gen.Summary]) -> None:
    path, summary = centre_db
    assert _rows(path, "SELECT count(*) FROM attendance") == [(summary.attendance,)]
    assert summary.attendance > 0 and summary.feedback > 0
    assert _rows(path, """
        SELECT count(*) FROM attendance a
        JOIN sessions s ON s.id = a.session_id
        LEFT JOIN session_students l ON l.session_id = a.session_id AND l.student_id = a.student_id
        WHERE l.student_id IS NULL OR s.status != 'completed'""") == [(0,)]
    # every student of every completed session is marked
    assert _rows(path, """
        SELECT count(*) FROM session_students l JOIN sessions s ON s.id = l.session_id
        LEFT JOIN attendance a ON a.session_id = l.session_id AND a.student_id = l.student_id
        WHERE s.status = 'completed' AND a.id IS NULL""") == [(0,)]
    mix = dict(_rows(path, "SELECT status, count(*) FROM attendance GROUP BY status"))
    assert set(mix) == {"present", "late", "absent", "excused"}
    assert 0.7 < mix["present"] / summary.attendance < 0.9


def test_feedback_is_by_a_student_of_the_session_and_rated_1_to_5(
        centre_db: tuple[Path, gen.Summary]) -> None:
    path, _ = centre_db
    assert _rows(path, """
        SELECT count(*) FROM feedback f
        LEFT JOIN session_students l ON l.session_id = f.session_id AND l.student_id = f.author_id
        WHERE l.student_id IS NULL OR f.rating NOT BETWEEN 1 AND 5""") == [(0,)]


def test_same_seed_same_marks(tmp_path: Path, centre_db: tuple[Path, gen.Summary]) -> None:
    path, _ = centre_db
    again = tmp_path / "again.db"
    gen.generate(f"sqlite:///{again}", SCALE, seed=11)
    query = "SELECT session_id, student_id, status, check_in FROM attendance ORDER BY id"
    assert _rows(again, query) == _rows(path, query)


def test_reports_read_the_generated_centre(centre_db: tuple[Path, gen.Summary]) -> None:
    path, summary = centre_db
    store = open_store(f"sqlite:///{path}")
    try:
        centre = Centre(store, clock=lambda: gen.NOW)
        year = ReportFilter(gen.NOW - timedelta(weeks=52), gen.NOW)
        report = centre.reports.report_attendance(year, ZoneInfo(gen.TZ_NAME))
        totals = {f.label: f.value for f in report.headline}
        assert totals["Present"] + totals["Late"] + totals["Absent"] + totals["Excused"] == (
            summary.attendance)  # every generated mark is in the past year
        assert 0.85 < totals["Attendance rate"] < 0.97
    finally:
        store.close()
