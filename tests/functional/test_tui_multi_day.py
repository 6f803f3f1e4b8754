"""A session of several days (a residential trip) in the calendar's month, week and day
views: on each day it lasts into (from the first of the opening hours after its first day)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.model import Role
from sessionsctl.tui.widgets.calendar import CalendarView
from sessionsctl.tui.widgets.calendar.body import CalendarBody

from .conftest import ALAN, at, lesson, make_test_app, scenario, settle


@pytest.fixture
def trip(tui_centre: Centre) -> Centre:
    tui_centre.people.add_person("Tina Field", "tina@centre.test", Role.MENTOR)
    tui_centre.sessions.book(lesson("Field trip", at(11, 9), mentor="tina@centre.test",
                                    minutes=int(timedelta(days=2, hours=8).total_seconds()
                                                // 60)))
    # A late lesson ending after midnight stays on its own day.
    tui_centre.sessions.book(lesson("Night sky", at(11, 23), mentor=ALAN,
                                    minutes=120))
    return tui_centre


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
@pytest.mark.parametrize("view", ["m", "w", "d"])
@scenario
async def test_a_trip_of_several_days_is_drawn_in_every_view(trip, size, view) -> None:
    app = make_test_app(trip)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press(view)
        await settle(pilot)
        cal = pilot.app.screen.query_one(CalendarView)
        body = cal.query_one(CalendarBody)
        text = "\n".join(body.render_line(y).text
                         for y in range(body.scrollable_content_region.height))
        assert text.strip()
        # On each of its three days (Wednesday to Friday), once.
        on = {day.day for day, sessions in cal._days.items()
              if [s for s in sessions if s.title == "Field trip"]}
        assert {11, 12, 13} <= on and not on & {10, 14}
        late = {day.day for day, sessions in cal._days.items()
                if [s for s in sessions if s.title == "Night sky"]}
        assert late == {11}
        if view != "d" and size[0] >= 160:  # at 80 columns a week's cells are too narrow
            assert "09:00 Field trip" in text and "→ Field trip" in text
        if view == "d":  # today (Tuesday 10th) has none; the next days show it
            for _ in range(3):
                await pilot.press("right")
                await settle(pilot)
                assert "Field trip" in [s.title for s in cal.sessions_of_cursor]
                if size[0] >= 160:
                    lines = [body.render_line(y).text
                             for y in range(body.scrollable_content_region.height)]
                    assert any("Field trip" in line for line in lines)
