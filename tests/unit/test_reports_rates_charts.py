"""The two rates defined once (core.rates), and the server-drawn SVG charts (core.charts)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from sessionsctl.core.domain.model import AttendanceStatus as A
from sessionsctl.core.reports.charts import svg, value_text
from sessionsctl.core.reports.rates import Completion, Tally
from sessionsctl.core.reports.report import COUNT, RATE, RATING, Chart, Series


def test_attendance_rate_leaves_excused_and_unmarked_out() -> None:
    t = Tally.of({A.PRESENT: 3, A.LATE: 1, A.ABSENT: 2, A.EXCUSED: 5}, sessions=13)
    assert t.attendance_rate == pytest.approx(4 / 6)
    assert t.no_show_rate == pytest.approx(2 / 6)
    assert (t.marked, t.unmarked) == (11, 2)
    assert Tally(excused=2).attendance_rate is None  # nothing to rate is unknown, not 0%


def test_completion_rate_counts_only_what_was_due() -> None:
    c = Completion(total=10, completed=6, cancelled=2, due=8, done=6)
    assert c.open == 2
    assert c.completion_rate == 0.75
    assert Completion(total=3).completion_rate is None
    assert (c + c).completion_rate == 0.75


def _parse(text: str) -> ET.Element:
    return ET.fromstring(text)  # well-formed XML, or this raises


def test_bar_line_and_stacked_charts_are_well_formed_svg_with_titles() -> None:
    labels = ("01 Dec", "08 Dec", "15 Dec")
    for kind in ("bar", "stacked", "line"):
        chart = Chart(kind, "T", labels, (Series("Present", (3.0, 0.0, 5.0)),
                                          Series("Absent", (1.0, 2.0, None))), COUNT)
        root = _parse(svg(chart))
        titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
        assert titles, kind
        assert any("Present" in (t or "") or "01 Dec" in (t or "") for t in titles)


def test_rates_read_as_percentages_and_labels_are_escaped() -> None:
    chart = Chart("hbar", "Lowest", ("Zoë <script>", "Sam & Co"),
                  (Series("Attendance", (0.5, 1.0)),), RATE)
    text = svg(chart)
    assert "<script>" not in text and "&lt;script&gt;" in text
    root = _parse(text)
    values = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "50%" in values and "100%" in values


def test_an_empty_chart_says_so() -> None:
    assert "Nothing to chart" in svg(Chart("line", "T", (), (Series("x", ()),), RATE))
    assert "Nothing to chart" in svg(Chart("line", "T", ("a",), (Series("x", (None,)),), RATE))


def test_value_text() -> None:
    assert value_text(0.666, RATE) == "67%"
    assert value_text(4.25, RATING) == "4.2"
    assert value_text(None, RATE) == "–"
    assert value_text(12.0, COUNT) == "12"
