"""A session of several days (a residential trip) in the calendar's month, week and day
views: shown from its first day with its end's weekday, the views still drawn whole."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.model import Role
from sessionsctl.tui.widgets.calendar import CalendarView
from sessionsctl.tui.widgets.calendar.body import CalendarBody

from .conftest import at, lesson, make_test_app, scenario, settle


@pytest.fixture
def trip(tui_centre: Centre) -> Centre:
    tui_centre.people.add_person("Tina Field", "tina@centre.test", Role.MENTOR)
    tui_centre.sessions.book(lesson("Field trip", at(11, 9), mentor="tina@centre.test",
                                    minutes=int(timedelta(days=2, hours=8).total_seconds()
                                                // 60)))
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
        found = [s for day in cal._days.values() for s in day if s.title == "Field trip"]
        assert len(found) == 1 and found[0].end - found[0].start == timedelta(days=2, hours=8)
