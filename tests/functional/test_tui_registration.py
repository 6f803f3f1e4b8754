"""The session screen shows the seats taken of total and the waitlist, and registers a student
(a seat, or the waitlist when full) or takes one off (the first one waiting gets the seat)."""

from __future__ import annotations

from textual.widgets import Static

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.model import SessionStatus
from sessionsctl.tui.format import STATUS_STYLE
from sessionsctl.tui.screens.dialogs import PromptDialog
from sessionsctl.tui.widgets.calendar import CalendarView
from sessionsctl.tui.widgets.table import RowTable

from .conftest import ADA, ALAN, SIZE, STUDENTS, scenario, settle
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


def _part_style(body, session_id: int) -> str:
    """The style the calendar draws session ``session_id``'s text in."""
    for y in range(body._drawing.count):
        parts, hits = body._drawing.line(y)
        if any(h.session_id == session_id for h in hits):
            styles = [p[1] for p in parts if isinstance(p, tuple) and "─" not in p[0]
                      and p[0].strip() and not p[0].startswith(("▌", "│"))]
            return " ".join(styles)
    raise AssertionError(f"session {session_id} is not drawn")


@scenario
async def test_the_calendar_and_the_list_show_a_session_under_way_as_live(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        cal = app.screen.query_one(CalendarView)
        body = cal.query_one("#cal-body")
        live_style = STATUS_STYLE[SessionStatus.IN_PROGRESS]
        assert live_style in _part_style(body, 1)  # the month: #1 in the live colour
        assert live_style not in _part_style(body, 2)  # later today: scheduled
        await pilot.press("d")  # the day view says it in words
        await settle(pilot)
        lines = body.text().splitlines()
        assert any("Group maths" in line and "· live" in line for line in lines)
        assert any("Physics 1:1" in line and "· scheduled" in line for line in lines)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#session-table", RowTable)
        status = {int(key): table.row_text(i)[-1] for i, key in enumerate(table.keys)}
        assert status[1] == "live" and status[2] == "scheduled"


@scenario
async def test_a_session_under_way_is_shown_live(app, tui_centre: Centre) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        details = await open_details(pilot, 1)  # Group maths, ten minutes in
        assert "live" in str(details.query_one("#details-title").render())
        later = await open_details(pilot, 2)
        assert "live" not in str(later.query_one("#details-title").render())


def _field(screen, key: str) -> str:
    """The value the session screen shows beside ``key``."""
    for row in screen.query(".detail-row"):
        label, value = row.query(Static)
        if str(label.render()) == key:
            return str(value.render())
    return ""


@scenario
async def test_registering_onto_an_open_session_changes_its_seats(
        app, tui_centre: Centre) -> None:
    tui_centre.registration.open(5, seats=6)  # the Friday workshop: five students
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        details = await open_details(pilot, 5)
        assert _field(details, "Seats") == "5/6"
        await pilot.press("r")
        await settle(pilot)
        await pilot.press(*"Grace Green", "enter")  # the last seat
        await settle(pilot)
        assert _field(details, "Seats") == "6/6"
        assert STUDENTS[6] in tui_centre.sessions.show(5).session.students
        await pilot.press("r")
        await settle(pilot)
        await pilot.press(*"hana@centre.test", "enter")  # full: she waits
        await settle(pilot)
        assert _field(details, "Seats") == "6/6"
        assert "waiting 1. Hana Hughes" in said(details)


@scenario
async def test_adding_and_removing_students_is_all_or_nothing_and_says_why(
        app, tui_centre: Centre) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        details = await open_details(pilot, 10)  # Trial lesson, Jack, in the two-seat Study Room
        await pilot.press("plus")
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        await pilot.press(*"Kofi Kamara, Leila Lewis", "enter")  # three for two seats
        await settle(pilot)
        assert tui_centre.sessions.show(10).session.students == (STUDENTS[9],)
        assert any("refused: 1 scheduling conflict: 3 students but room Study Room seats 2"
                   in str(n.message) for n in app._notifications)
        await pilot.press("plus")
        await settle(pilot)
        await pilot.press(*"Kofi Kamra", "enter")  # a typo: "did you mean"
        await settle(pilot)
        assert any("Kofi Kamara" in str(n.message) for n in app._notifications
                   if "mean" in str(n.message))
        assert tui_centre.sessions.show(10).session.students == (STUDENTS[9],)
        await pilot.press("plus")
        await settle(pilot)
        await pilot.press(*"Kofi Kamara", "enter")
        await settle(pilot)
        assert tui_centre.sessions.show(10).session.students == (STUDENTS[9], STUDENTS[10])
        assert "Kofi Kamara" in _field(details, "Students")
        await pilot.press("minus")
        await settle(pilot)
        await pilot.press(*"Kofi Kamara, Jack Jones", "enter")
        await settle(pilot)
        assert tui_centre.sessions.show(10).session.students == ()


@scenario
async def test_the_session_screen_lists_guests_by_role(app, tui_centre: Centre) -> None:
    from sessionsctl.core.invitations.model import InviteRole

    tui_centre.invitations.send(5, ["wes@centre.test"], InviteRole.OBSERVER)
    tui_centre.invitations.send(5, [ALAN], InviteRole.INSTRUCTOR)
    for message in tui_centre.mail.outbox():
        if "secret" in message.payload:
            tui_centre.invitations.accept(message.payload["secret"]["token"],
                                          name="Wes Watcher")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        details = await open_details(pilot, 5)
        assert _field(details, "Observers") == "Wes Watcher"
        assert _field(details, "Instructors") == "Alan Turing"
        assert "Wes" not in _field(details, "Students")


@scenario
async def test_a_session_left_to_an_unavailable_mentor_is_flagged(
        app, tui_centre: Centre) -> None:
    from .conftest import at

    tui_centre.calendar.add_time_off(ADA, at(13, 0), at(14, 0), "conference")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        details = await open_details(pilot, 5)  # Ada's Friday workshop
        assert "mentor unavailable" in _field(details, "Flagged")
        assert "conference" in _field(details, "Flagged")
        other = await open_details(pilot, 10)
        assert _field(other, "Flagged") == ""
