"""The week and day views keep the days' names on screen as the hours scroll under them, and
open at the hour now (today shown) or at the first session's hour, on the session running or
next; `g` goes to a date typed as people say it. At 80x24 and 160x48."""

from __future__ import annotations

from datetime import date

import pytest

from sessionsctl.config import Settings
from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.model import Role
from sessionsctl.tui.app import make_app
from sessionsctl.tui.screens.dialogs import PromptDialog
from sessionsctl.tui.screens.main import MainScreen
from sessionsctl.tui.widgets.calendar import CalendarView
from sessionsctl.tui.widgets.calendar.body import CalendarBody

from .conftest import TZ, at, lesson, make_test_app, scenario, settle

SIZES = [(80, 24), (160, 48)]
CROWD = 30  # sessions at 09:00 on Wednesday 11 November: a week taller than 48 lines


@pytest.fixture
def crowded(tui_centre: Centre) -> Centre:
    """The fixed centre, with a busy Wednesday morning (one mentor each)."""
    for n in range(CROWD):
        email = f"tutor{n}@centre.test"
        tui_centre.people.add_person(f"Tutor {n}", email, Role.MENTOR)
        tui_centre.sessions.book(lesson(f"Drop-in {n}", at(11, 9), mentor=email))
    return tui_centre


def screen_lines(cal: CalendarView) -> list[str]:
    """The calendar body's lines as they are on screen."""
    body = cal.query_one(CalendarBody)
    return [body.render_line(y).text for y in range(body.scrollable_content_region.height)]


async def calendar(pilot, *keys: str) -> CalendarView:
    await settle(pilot)
    for key in keys:
        await pilot.press(key)
        await settle(pilot)
    return pilot.app.screen.query_one(CalendarView)


@pytest.mark.parametrize("size", SIZES)
@scenario
async def test_the_week_opens_at_the_hour_now_under_the_days_names(crowded, size) -> None:
    app = make_test_app(crowded)
    async with app.run_test(size=size) as pilot:
        cal = await calendar(pilot, "w")
        lines = screen_lines(cal)
        assert "Tue 10" in lines[0] and "Wed 11" in lines[0]
        # 16:00 (the clock says 16:10) is the first hour under the names, with its rule
        # (or as near the top as the hours after it let it be), past the busy morning.
        body = cal.query_one(CalendarBody)
        row = next(i for i, line in enumerate(lines) if line.startswith("16:00"))
        assert row == 2 or (row > 2 and body.scroll_offset.y == body.max_scroll_y)
        assert not any(line.startswith(("08:00", "09:00")) for line in lines)
        assert cal.selected_session is not None and cal.selected_session.title == "Group maths"
        # Scrolled to either end, the names stay on the first line.
        for y in (body.max_scroll_y, 0):
            body.scroll_to(y=y, animate=False, immediate=True)
            await pilot.pause()
            lines = screen_lines(cal)
            assert "Tue 10" in lines[0] and not lines[0].startswith("──")
        assert lines[2].startswith("08:00")


@pytest.mark.parametrize("size", SIZES)
@scenario
async def test_a_day_without_today_opens_at_its_first_session(crowded, size) -> None:
    app = make_test_app(crowded)
    async with app.run_test(size=size) as pilot:
        cal = await calendar(pilot, "l", "d")
        assert (cal.mode, cal.cursor) == ("day", date(2026, 11, 11))
        lines = screen_lines(cal)
        assert "Wednesday 11 November 2026" in lines[0]
        assert lines[2].startswith("09:00") and "Drop-in 0" in lines[2]
        assert cal.selected_session is not None and cal.selected_session.title == "Drop-in 0"
        # Down through the morning's sessions: the names stay, the cursor's row is shown.
        for _ in range(CROWD + 1):
            await pilot.press("j")
        await settle(pilot)
        lines = screen_lines(cal)
        assert "Wednesday 11 November 2026" in lines[0]
        assert any("Physics revision" in line for line in lines[1:])


@pytest.mark.parametrize("size", SIZES)
@scenario
async def test_a_click_on_the_days_names_when_scrolled_picks_that_day(crowded, size) -> None:
    app = make_test_app(crowded)
    async with app.run_test(size=size) as pilot:
        cal = await calendar(pilot, "w")
        body = cal.query_one(CalendarBody)
        # Scrolled into the busy morning: Wednesday's sessions pass under its name.
        body.scroll_to(y=10, animate=False, immediate=True)
        await pilot.pause()
        wednesday = next(h for h in body.hits if h.y == 0 and h.day == date(2026, 11, 11))
        await pilot.click(CalendarBody, offset=(wednesday.x0 + 1, 0))
        await settle(pilot)
        assert cal.cursor == date(2026, 11, 11)
        assert isinstance(app.screen, MainScreen)  # the day picked, no session opened


@pytest.mark.parametrize("size", SIZES)
@scenario
async def test_the_view_opens_on_the_session_running_or_next(tui_centre: Centre,
                                                             size) -> None:
    # 17:15: the group maths (16:00-17:00) is over; the 17:30 physics is next.
    app = make_app(tui_centre, Settings(tz=TZ), now=at(10, 17, 15), refresh_every=None,
                   db_label="sqlite:///centre.db")
    async with app.run_test(size=size) as pilot:
        cal = await calendar(pilot, "d")
        assert cal.selected_session is not None and cal.selected_session.id == 2
        await pilot.press("m")
        await pilot.press("l", "w")  # Wednesday, not today: its first session
        await settle(pilot)
        assert cal.selected_session is not None
        assert cal.selected_session.title == "Physics revision"


@pytest.mark.parametrize("size", SIZES)
@scenario
async def test_g_goes_to_a_date_as_people_type_it(app, size) -> None:
    async with app.run_test(size=size) as pilot:
        cal = await calendar(pilot, "w")
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        await pilot.press(*"13 smarch", "enter")
        await settle(pilot)
        # Not read: said beside the field, the question stays open.
        assert isinstance(app.screen, PromptDialog)
        hint = str(app.screen.query_one("#prompt-hint").render())
        assert "cannot read '13 smarch' as a date" in hint
        field = app.screen.query_one("#prompt")
        field.value = ""
        await pilot.press(*"next tuesday", "enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert (cal.mode, cal.cursor) == ("week", date(2026, 11, 17))
        assert cal.selected_session is not None and cal.selected_session.title == "Trial lesson"
        await pilot.press("g", *"2026-12-08", "enter")
        await settle(pilot)
        assert cal.cursor == date(2026, 12, 8)
        await pilot.press("g", "escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen) and cal.cursor == date(2026, 12, 8)
