"""ctrl+z undoes the last change made in this terminal, after showing what it will undo."""

from __future__ import annotations

import pytest

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionQuery
from sessionsctl.core.domain.model import SessionStatus
from sessionsctl.tui.screens.dialogs import ConfirmDialog

from .conftest import NOW, make_test_app, scenario, settle


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
@scenario
async def test_ctrl_z_asks_then_puts_back_the_last_change_made_here(
        tui_centre: Centre, size: tuple[int, int]) -> None:
    tui_centre.ctx.made.clear()  # what building the centre did is not this terminal's
    [lesson, *_] = tui_centre.sessions.find(SessionQuery(
        start=NOW, statuses=(SessionStatus.SCHEDULED,)))
    app = make_test_app(tui_centre)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)  # nothing made here yet
        tui_centre.sessions.cancel(lesson.id, "mentor ill")  # through this terminal's centre
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "status cancelled -> scheduled" in app.screen.detail
        await pilot.press("n")
        await settle(pilot)
        assert tui_centre.sessions.show(lesson.id).session.status is SessionStatus.CANCELLED
        await pilot.press("ctrl+z")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot, rounds=6)
        assert tui_centre.sessions.show(lesson.id).session.status is SessionStatus.SCHEDULED
        assert tui_centre.ctx.made == []  # the undo is not itself undone by the next ctrl+z


@scenario
async def test_ctrl_z_puts_back_every_session_of_a_bulk_change(tui_centre: Centre) -> None:
    from sessionsctl.core.schedule.bulk import BulkChange

    tui_centre.ctx.made.clear()
    two = [s.id for s in tui_centre.sessions.find(SessionQuery(
        start=NOW, statuses=(SessionStatus.SCHEDULED,)))[:2]]
    tui_centre.bulk.apply(SessionQuery(ids=tuple(two)), BulkChange.cancel("closed"))
    app = make_test_app(tui_centre)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.detail.count("status cancelled -> scheduled") == 2
        await pilot.press("y")
        await settle(pilot, rounds=6)
    assert [tui_centre.sessions.show(i).session.status for i in two] == [
        SessionStatus.SCHEDULED] * 2
