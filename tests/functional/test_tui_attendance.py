"""Attendance from the keyboard: today's sessions in two keys, one key per mark, the rest
marked present without overwriting; the database holds every mark."""

from __future__ import annotations

from textual.widgets import DataTable

from sessionsctl.core.model import AttendanceStatus
from sessionsctl.core.usecases import Centre
from sessionsctl.tui.screens.attendance import AttendanceScreen

from .conftest import NOW, SIZE, STUDENTS, scenario, settle

P, A, L, E = (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.LATE,
              AttendanceStatus.EXCUSED)


async def open_roster(pilot) -> AttendanceScreen:
    await settle(pilot)
    await pilot.press("ctrl+t")  # today's sessions, from anywhere...
    await settle(pilot)
    await pilot.press("1")  # ...and the first of them: two keys
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AttendanceScreen)
    assert screen.session_id == 1
    return screen


@scenario
async def test_marking_a_roster_of_ten_from_the_keyboard(app, tui_centre: Centre) -> None:
    keys = "palepppape"
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_roster(pilot)
        assert screen.query_one("#roster", DataTable).row_count == 10
        await pilot.press(*keys)
        await settle(pilot)
        summary = str(screen.query_one("#roster-summary").render())
        assert "5 present  2 absent  1 late  2 excused" in summary and "0 not marked" in summary
    marks = {m.student: m for m in tui_centre.attendance(1)}
    expected = {"p": P, "a": A, "l": L, "e": E}
    assert {s: marks[s].status for s in STUDENTS[:10]} == {
        s: expected[k] for s, k in zip(STUDENTS[:10], keys, strict=True)}
    for mark in marks.values():
        checked_in = mark.status in (P, L)
        assert (mark.check_in == NOW) is checked_in  # filled in for those who came


@scenario
async def test_mark_the_rest_present_never_overwrites(app, tui_centre: Centre,
                                                      other_terminal: Centre) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_roster(pilot)
        await pilot.press("a", "e")  # the first two: absent, excused
        await settle(pilot)
        # Meanwhile someone at another desk marks the fifth student late.
        other_terminal.mark_attendance(1, STUDENTS[4], L, note="bus")
        await pilot.press("r")
        await settle(pilot)
    marks = {m.student: m for m in tui_centre.attendance(1)}
    assert marks[STUDENTS[0]].status is A
    assert marks[STUDENTS[1]].status is E
    assert marks[STUDENTS[4]].status is L and marks[STUDENTS[4]].note == "bus"
    assert all(marks[s].status is P for s in STUDENTS[2:10] if s != STUDENTS[4])
    assert len(marks) == 10


@scenario
async def test_a_note_per_student_and_a_change_of_mind(app, tui_centre: Centre) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_roster(pilot)
        await pilot.press("p", "up", "l")  # present, no: late
        await pilot.press("up", "n")
        await settle(pilot)
        await pilot.press(*"missed the bus", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, AttendanceScreen) and pilot.app.screen is screen
    [mark] = tui_centre.attendance(1)
    assert (mark.student, mark.status, mark.note) == (STUDENTS[0], L, "missed the bus")


@scenario
async def test_a_refused_mark_is_reported_and_not_kept(app, tui_centre: Centre) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("2")  # Physics 1:1 at 17:30 has not started
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, AttendanceScreen) and screen.session_id == 2
        await pilot.press("p")
        await settle(pilot)
        assert "has not started yet" in " ".join(str(n.message) for n in pilot.app._notifications)
        assert str(screen.query_one("#roster", DataTable).get_cell(STUDENTS[10], "status")) == "–"
    assert tui_centre.attendance(2) == []
