"""Marking rows of the session list and changing them together: space marks (and steps down),
A marks every row shown, the status line counts them; del cancels the marked sessions and M
moves them, each after a question that shows the plan; a move that would clash is refused
with its conflicts and writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Static

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionQuery
from sessionsctl.core.domain.model import SessionStatus
from sessionsctl.tui.screens.dialogs import ConfirmDialog, PromptDialog
from sessionsctl.tui.widgets.table import RowTable

from .conftest import at, scenario, settle

SIZES = [(80, 24), (160, 48)]


def table(app) -> RowTable:
    return app.screen.query_one("#session-table", RowTable)


def status_line(app) -> str:
    return str(app.screen.query_one("#list-status", Static).render())


async def to_row(pilot, key: int) -> None:
    t = table(pilot.app)
    t.move_cursor(t.keys.index(str(key)))
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
@scenario
async def test_marking_rows_and_cancelling_them_together(app, tui_centre: Centre,
                                                         size: tuple[int, int]) -> None:
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        t = table(app)
        assert t.keys[:3] == ["1", "2", "4"]
        await to_row(pilot, 2)
        await pilot.press("space", "space")  # marks #2, then the cancelled #4
        assert t.marked_keys == ["2", "4"] and t.keys[t.cursor_row] == "6"
        assert "2 marked" in status_line(app)
        drawn = t.render_line(t.keys.index("2") + 1 - round(t.scroll_y)).text
        assert "✓ " in drawn  # a tick: seen without colour too
        await pilot.press("space")  # and #6
        await pilot.press("up", "space")  # #6 again: unmarked
        assert t.marked_keys == ["2", "4"]
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        await pilot.press(*"flood", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question == "Cancel 1 session?"
        assert "#2 " in app.screen.detail and "→ cancelled" in app.screen.detail
        assert "#4 " in app.screen.detail and "left (already cancelled)" in app.screen.detail
        await pilot.press("y")
        await settle(pilot)
        assert t.marked_keys == [] and "marked" not in status_line(app)
    two = tui_centre.sessions.show(2).session
    assert (two.status, two.cancel_reason) == (SessionStatus.CANCELLED, "flood")
    assert tui_centre.sessions.show(6).session.status is SessionStatus.SCHEDULED


@scenario
async def test_mark_all_and_answering_no_changes_nothing(app, tui_centre: Centre) -> None:
    before = [(s.id, s.status) for s in tui_centre.sessions.find(SessionQuery())]
    async with app.run_test(size=SIZES[0]) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        t = table(app)
        await pilot.press("A")
        assert t.marked_keys == t.keys and f"{len(t.keys)} marked" in status_line(app)
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("enter")  # no reason
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert t.marked_keys == t.keys  # still marked: nothing was done
        await pilot.press("A")  # all marked: A unmarks them
        assert t.marked_keys == []
    assert [(s.id, s.status) for s in tui_centre.sessions.find(SessionQuery())] == before


@scenario
async def test_moving_marked_sessions_and_a_clash_refused(app, tui_centre: Centre) -> None:
    async with app.run_test(size=SIZES[1]) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        # The trial lesson (#10, Tue 17 Nov 11:00) a day later.
        await to_row(pilot, 10)
        await pilot.press("space", "M")
        await settle(pilot)
        await pilot.press(*"+1d", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "→ Wed 18 Nov 11:00" in app.screen.detail
        await pilot.press("y")
        await settle(pilot)
        # The weekly physics of the 19th a week back, onto the 12th's: a clash.
        await to_row(pilot, 7)
        await pilot.press("space", "M")
        await settle(pilot)
        await pilot.press(*"-1w", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        said = [n.message for n in app._notifications]
        assert any("3 conflicts; nothing was changed" in m and "✗" in m for m in said)
    assert tui_centre.sessions.show(10).session.start == at(17, 11) + timedelta(days=1)
    assert tui_centre.sessions.show(7).session.start == at(19, 17)


@scenario
async def test_reassigning_marked_sessions_to_another_room(app, tui_centre: Centre) -> None:
    async with app.run_test(size=SIZES[0]) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await to_row(pilot, 5)  # the Friday workshop, in the Hall
        await pilot.press("space", "R")
        await settle(pilot)
        await pilot.press("enter")  # the mentor kept
        await settle(pilot)
        await pilot.press("minus", "enter")  # no room
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "→ no room" in app.screen.detail
        await pilot.press("y")
        await settle(pilot)
    assert tui_centre.sessions.show(5).session.room is None
