"""The command palette (ctrl+p) finds people and sessions (by title or #id) beside its
commands, among them "Attendance" and "Go to date"; at 80x24 and 160x48."""

from __future__ import annotations

from datetime import date

import pytest
from textual.command import CommandPalette

from sessionsctl.core.domain.timeutil import zone
from sessionsctl.tui.commands import find_sessions
from sessionsctl.tui.context import TuiContext
from sessionsctl.tui.screens.details import SessionScreen
from sessionsctl.tui.screens.dialogs import PromptDialog
from sessionsctl.tui.screens.main import MainScreen
from sessionsctl.tui.screens.today import TodayScreen
from sessionsctl.tui.widgets.calendar import CalendarView
from sessionsctl.tui.widgets.session_list import SessionList
from sessionsctl.tui.widgets.table import RowTable

from .conftest import NOW, STUDENTS, TZ, scenario, settle

SIZES = [(80, 24), (160, 48)]


async def palette(pilot, text: str) -> list[str]:
    """Open the palette, type ``text``, and the hits it lists (best first)."""
    await pilot.press("ctrl+p")
    await settle(pilot)
    await pilot.press(*text)
    await pilot.pause(0.3)
    await settle(pilot)
    assert isinstance(pilot.app.screen, CommandPalette)
    return [str(option.prompt).split("\n")[0]
            for option in pilot.app.screen.query_one("CommandList").options]


def shown_ids(app) -> list[int]:
    return [int(key) for key in app.screen.query_one("#session-table", RowTable).keys]


@pytest.mark.parametrize("size", SIZES)
@scenario
async def test_a_session_found_by_title_or_id_opens(app, size) -> None:
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        hits = await palette(pilot, "workshop")
        assert hits[0].startswith("#5 Exam workshop · Fri 13 Nov 10:00–11:30")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen) and app.screen.session_id == 5
        await pilot.press("escape")
        await settle(pilot)
        hits = await palette(pilot, "#10")
        assert hits == [h for h in hits if h.startswith("#10 Trial lesson")] and hits
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen) and app.screen.session_id == 10


@pytest.mark.parametrize("size", SIZES)
@scenario
async def test_a_person_found_shows_their_sessions(app, size) -> None:
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        hits = await palette(pilot, "leila")
        assert hits[0] == f"Leila Lewis · student · {STUDENTS[11]}"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        # Leila's sessions from today on: the cancelled revision and the weekly physics.
        assert shown_ids(app) == [4, 6, 7, 8, 9]
        status = str(app.screen.query_one("#list-status").render())
        assert "with Leila Lewis" in status
        await pilot.press("x")
        await settle(pilot)
        assert 1 in shown_ids(app) and "Leila" not in str(
            app.screen.query_one("#list-status").render())
        hits = await palette(pilot, "alan tur")
        assert hits[0].startswith("Alan Turing · mentor")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(SessionList).filters().mentor == "alan@centre.test"
        assert shown_ids(app) == [2, 4, 6, 7, 8, 9]


@pytest.mark.parametrize("size", SIZES)
@scenario
async def test_attendance_and_go_to_date_are_commands(app, size) -> None:
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        hits = await palette(pilot, "attendance")
        assert hits[0] == "Attendance"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        await pilot.press("escape")
        await pilot.press("2")  # from the list, the date is shown on the calendar
        await settle(pilot)
        hits = await palette(pilot, "go to date")
        assert hits[0] == "Go to date"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        await pilot.press(*"12 dec", "enter")
        await settle(pilot)
        cal = app.screen.query_one(CalendarView)
        assert cal.display and cal.cursor == date(2026, 12, 12)


def test_a_number_finds_the_session_of_that_id_and_titles_holding_it(tui_centre) -> None:
    ctx = TuiContext(tui_centre, zone(TZ), lambda: NOW, "db")
    assert [s.id for s in find_sessions(ctx, "#3")] == [3]
    assert [s.id for s in find_sessions(ctx, "# 3")] == [3]
    assert find_sessions(ctx, "#99") == []
    # Coming first, then the latest past: "maths" is today's group and yesterday's 1:1.
    assert [s.id for s in find_sessions(ctx, "maths")] == [1, 3]
    # #1, then the titles holding "1": today's "Physics 1:1", yesterday's "Maths 1:1".
    assert [s.id for s in find_sessions(ctx, "1")] == [1, 2, 3]


@pytest.mark.parametrize("size", SIZES)
@scenario
async def test_a_person_picked_before_the_list_is_built(app, size, monkeypatch) -> None:
    monkeypatch.setattr("sessionsctl.tui.screens.main.LIST_BUILD_DELAY", 60)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        assert not app.screen.query(SessionList)
        await palette(pilot, "leila")
        await pilot.press("enter")
        await settle(pilot)
        assert shown_ids(app) == [4, 6, 7, 8, 9]
