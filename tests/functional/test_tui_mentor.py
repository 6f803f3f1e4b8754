"""The mentor view (`v` on a mentor in People) shows their last 30 days as `report mentors`
counts them and their average rating in each feedback category (hand-computed here)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.policy import REPORT_WINDOW
from sessionsctl.core.reports.data import ReportFilter
from sessionsctl.tui.screens.mentor import MentorScreen, category_rows

from .conftest import ADA, NOW, SIZE, STUDENTS, TZ, scenario, settle
from .test_tui_actions import said
from .test_tui_people import open_people


def rows(screen: MentorScreen) -> list[list[str]]:
    table = screen.query_one("#mentor-categories")
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


@scenario
async def test_the_mentor_view_shows_feedback_averages_by_category(
        app, tui_centre: Centre) -> None:
    # Ada's #3 (yesterday, Kofi) and #1 (under way, ten students): clarity 4, 5, 3 -> 4.00;
    # punctuality 5, 2 -> 3.50; ratings 5, 4, 3 -> 4.00. Alan's #2 is not Ada's.
    feedback = tui_centre.feedback
    feedback.add(3, STUDENTS[10], 5, categories={"clarity": 4, "punctuality": 5})
    feedback.add(1, STUDENTS[0], 4, categories={"clarity": 5, "punctuality": 2})
    feedback.add(1, STUDENTS[1], 3, categories={"clarity": 3})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        people = await open_people(pilot)
        people.query_one("#people-search").value = "Ada"
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MentorScreen) and screen.mentor.email == ADA
        assert rows(screen) == [["clarity", "3", "4.00"], ["punctuality", "2", "3.50"]]
        assert "average rating 4.00 from 3" in said(screen)
        # the same numbers as report mentors gives
        report = tui_centre.reports.report_mentors(
            ReportFilter(NOW - REPORT_WINDOW, NOW, mentor=ADA), ZoneInfo(TZ))
        assert [list(map(str, r)) for r in category_rows(report, ADA)] == rows(screen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is people
        people.query_one("#people-search").value = "Amelia"  # a student: nobody they mentor
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert app.screen is people
