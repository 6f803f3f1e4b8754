"""The session screen shows the seats taken of total and the waitlist, and registers a student
(a seat, or the waitlist when full) or takes one off (the first one waiting gets the seat)."""

from __future__ import annotations

from sessionsctl.core.centre import Centre
from sessionsctl.tui.screens.dialogs import PromptDialog

from .conftest import SIZE, STUDENTS, scenario, settle
from .test_tui_actions import open_details, said


@scenario
async def test_the_session_screen_shows_seats_and_the_waitlist_and_registers(
        app, tui_centre: Centre) -> None:
    tui_centre.registration.open(2)  # Physics 1:1 (later today): one seat, taken by Kofi
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        details = await open_details(pilot, 2)
        assert "Seats" in said(details) and "1/1" in said(details)
        assert "nobody waiting" in said(details)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        await pilot.press(*"Leila Lewis", "enter")
        await settle(pilot)
        assert app.screen is details
        waitlist = tui_centre.registration.waitlist(2)
        assert [e for e, _ in waitlist.waiting] == [STUDENTS[11]]
        assert "waiting 1. Leila Lewis" in said(details)
        await pilot.press("minus")
        await settle(pilot)
        await pilot.press(*"Kofi Kamara", "enter")
        await settle(pilot)
        after = tui_centre.sessions.show(2).session
        assert after.students == (STUDENTS[11],)  # Leila had the seat freed
        assert tui_centre.registration.waitlist(2).waiting == []
        assert "nobody waiting" in said(details)


@scenario
async def test_a_session_under_way_is_shown_live(app, tui_centre: Centre) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        details = await open_details(pilot, 1)  # Group maths, ten minutes in
        assert "live" in str(details.query_one("#details-title").render())
        later = await open_details(pilot, 2)
        assert "live" not in str(later.query_one("#details-title").render())
