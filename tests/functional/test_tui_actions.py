"""Actions that cannot be taken back, or that come after a lesson: completing a session (asked
first, and said plainly when it has not started), notes on a completed session, and the
command palette. Each test checks what the database then holds."""

from __future__ import annotations

from textual.command import CommandList

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.model import SessionStatus
from sessionsctl.tui.messages import OpenSession
from sessionsctl.tui.screens.details import SessionScreen
from sessionsctl.tui.screens.dialogs import ConfirmDialog
from sessionsctl.tui.screens.help import HelpScreen

from .conftest import SIZE, scenario, settle


def said(screen) -> str:
    return " ".join(str(w.render()) for w in screen.query("Label, Static"))


async def open_details(pilot, session_id: int) -> SessionScreen:
    pilot.app.post_message(OpenSession(session_id))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen) and screen.session_id == session_id
    return screen


@scenario
async def test_completing_asks_first_and_says_when_it_has_not_started(
        app, tui_centre: Centre) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        details = await open_details(pilot, 2)  # Physics 1:1 at 17:30; it is 16:10
        await pilot.press("c")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "has not started yet" in said(dialog) and "17:30" in said(dialog)
        await pilot.press("enter")  # the answer offered first is "not yet"
        await settle(pilot)
        assert app.screen is details
        assert tui_centre.sessions.show(2).session.status is SessionStatus.SCHEDULED
        await pilot.press("c", "y")  # explicitly, then
        await settle(pilot)
        assert tui_centre.sessions.show(2).session.status is SessionStatus.COMPLETED

        running = await open_details(pilot, 1)  # Group maths, ten minutes in
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Complete #1 Group maths?" in said(app.screen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is running
        assert tui_centre.sessions.show(1).session.status is SessionStatus.SCHEDULED
        await pilot.press("c", "enter")  # a session under way: enter completes
        await settle(pilot)
    assert tui_centre.sessions.show(1).session.status is SessionStatus.COMPLETED


@scenario
async def test_a_note_is_added_to_a_completed_session(app, tui_centre: Centre) -> None:
    assert tui_centre.sessions.show(3).session.status is SessionStatus.COMPLETED  # yesterday's 1:1
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        details = await open_details(pilot, 3)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"fractions next time", "enter")
        await settle(pilot)
        assert app.screen is details
        assert "fractions next time" in said(details)
        assert not any("cannot be changed" in str(n.message) for n in app._notifications)
    session = tui_centre.sessions.show(3).session
    assert session.notes == "[2026-11-10 16:10] fractions next time"
    assert session.status is SessionStatus.COMPLETED


@scenario
async def test_the_palette_lists_keys_once_and_it_opens_the_help(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert titles.count("Keys") == 1
        assert "Quit" in titles  # Textual's other commands are still there
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Keys")
        await settle(pilot)
        found = app.screen.query_one(CommandList)
        prompts = [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]
        assert sum(p.startswith("Keys") for p in prompts) == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
