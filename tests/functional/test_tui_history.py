"""A session's history on its details screen (issue 14): the changes made to it, newest
first, for those who may read them; none for a student."""

from __future__ import annotations

from textual.widgets import Static

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.model import Role
from sessionsctl.tui.messages import OpenSession
from sessionsctl.tui.screens.details import SessionScreen

from .conftest import NOW, SIZE, make_test_app, scenario, settle


def _history(app) -> str:
    assert isinstance(app.screen, SessionScreen)
    return str(app.screen.query_one("#details-history", Static).render())


@scenario
async def test_the_details_screen_shows_what_changed_and_who_changed_it(
        tui_centre: Centre) -> None:
    tui_centre.sessions.edit(1, {"title": "Renamed lesson"}, past=True)
    app = make_test_app(tui_centre)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.post_message(OpenSession(1))
        await settle(pilot)
        shown = _history(app)
        assert "History" in shown
        assert "edit (title)" in shown and "book" in shown
        assert shown.index("edit (title)") < shown.index("book")  # newest first


@scenario
async def test_a_student_sees_no_history(tui_centre: Centre) -> None:
    session = tui_centre.sessions.show(1).session
    student = session.students[0]
    assert tui_centre.people.person(student).role is Role.STUDENT
    app = make_test_app(Centre(tui_centre.store, student, clock=lambda: NOW))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.post_message(OpenSession(1))
        await settle(pilot)
        assert "History" not in _history(app)
