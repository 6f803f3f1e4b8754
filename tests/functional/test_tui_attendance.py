"""Attendance from the keyboard: today's sessions in two keys, one key per mark, the rest
marked present without overwriting; the database holds every mark."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from sessionsctl.config import Settings
from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.model import AttendanceStatus
from sessionsctl.tui.app import make_app
from sessionsctl.tui.messages import OpenAttendance
from sessionsctl.tui.screens.attendance import AttendanceScreen
from sessionsctl.tui.screens.dialogs import ConfirmDialog

from .conftest import NOW, SIZE, STUDENTS, TZ, at, scenario, settle

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
    marks = {m.student: m for m in tui_centre.attendance.marks(1)}
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
        other_terminal.attendance.mark(1, STUDENTS[4], L, note="bus")
        await pilot.press("r")
        await settle(pilot)
    marks = {m.student: m for m in tui_centre.attendance.marks(1)}
    assert marks[STUDENTS[0]].status is A
    assert marks[STUDENTS[1]].status is E
    assert marks[STUDENTS[4]].status is L and marks[STUDENTS[4]].note == "bus"
    assert all(marks[s].status is P for s in STUDENTS[2:10] if s != STUDENTS[4])
    assert len(marks) == 10


@scenario
async def test_a_note_per_student_and_a_change_of_mind(app, tui_centre: Centre) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_roster(pilot)
        await pilot.press("p", "up", "l")  # present, no: late (asked, since it changes a mark)
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("y")
        await pilot.press("up", "n")
        await settle(pilot)
        await pilot.press(*"missed the bus", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, AttendanceScreen) and pilot.app.screen is screen
    [mark] = tui_centre.attendance.marks(1)
    assert (mark.student, mark.status, mark.note) == (STUDENTS[0], L, "missed the bus")


def said(screen) -> str:
    return " ".join(str(w.render()) for w in screen.query(Static))


@scenario
async def test_marking_before_the_start_asks_and_stays_on_the_student(
        app, tui_centre: Centre) -> None:
    workshop = tui_centre.sessions.show(5).session  # Friday's workshop, five students
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.post_message(OpenAttendance(5))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AttendanceScreen)
        roster = screen.query_one("#roster", DataTable)
        await pilot.press("p")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "has not started yet" in said(dialog) and "--force" not in said(dialog)
        await pilot.press("n")  # not yet: nothing marked, still on the first student
        await settle(pilot)
        assert app.screen is screen and roster.cursor_row == 0
        assert tui_centre.attendance.marks(5) == []
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("y")  # mark anyway: the same call, forced
        await settle(pilot)
        assert roster.cursor_row == 1
        await pilot.press("a")  # asked once for the session
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("r")
        await settle(pilot)
    marks = {m.student: m for m in tui_centre.attendance.marks(5)}
    assert {s: marks[s].status for s in STUDENTS[:5]} == {
        STUDENTS[0]: P, STUDENTS[1]: A, STUDENTS[2]: P, STUDENTS[3]: P, STUDENTS[4]: P}
    assert marks[STUDENTS[0]].check_in == workshop.start


@scenario
async def test_a_mark_core_refuses_as_too_early_is_asked_again_not_lost(
        tui_centre: Centre) -> None:
    """The screen's clock says Physics 1:1 (17:30) has begun, the centre's that it has not:
    core's refusal brings the cursor back to the student and asks, and the answer marks."""
    app = make_app(tui_centre, Settings(tz=TZ), now=at(10, 17, 35), refresh_every=None,
                   db_label="x")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.post_message(OpenAttendance(2))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AttendanceScreen)
        await pilot.press("l")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert tui_centre.attendance.marks(2) == []
        assert not any("not started" in str(n.message) for n in app._notifications)
        await pilot.press("y")
        await settle(pilot)
        assert screen.query_one("#roster", DataTable).cursor_row == 0
    [mark] = tui_centre.attendance.marks(2)
    assert (mark.student, mark.status) == (STUDENTS[10], L)


def roster_said(screen: AttendanceScreen, row: int) -> list[str]:
    table = screen.query_one("#roster", DataTable)
    return [str(cell) for cell in table.get_row_at(row)]


@scenario
async def test_a_key_on_a_student_marked_otherwise_asks_and_keeps_the_times(
        app, tui_centre: Centre) -> None:
    """`present 16:01–16:55`: p again changes nothing; l asks (no by default) and, once
    told yes, is late with the same times."""
    tui_centre.attendance.mark(1, STUDENTS[0], P, check_in=at(10, 16, 1),
                               check_out=at(10, 16, 55))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_roster(pilot)
        roster = screen.query_one("#roster", DataTable)
        assert roster_said(screen, 0)[2:4] == ["present", "16:01–16:55"]
        await pilot.press("up", "p")  # marked so already: on to the next student
        await settle(pilot)
        assert app.screen is screen and roster.cursor_row == 1
        await pilot.press("up", "l")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "from present to late" in said(dialog) and "16:01–16:55" in said(dialog)
        await pilot.press("enter")  # the focused button is No
        await settle(pilot)
        assert app.screen is screen and roster.cursor_row == 0
        await pilot.press("l", "escape")
        await settle(pilot)
        [kept] = tui_centre.attendance.marks(1)
        assert kept.status is P
        await pilot.press("l", "y")
        await settle(pilot)
        assert roster_said(screen, 0)[2:4] == ["late", "16:01–16:55"]
    [late] = tui_centre.attendance.marks(1)
    assert (late.status, late.check_in, late.check_out) == (L, at(10, 16, 1), at(10, 16, 55))


@scenario
async def test_u_undoes_the_last_marks_one_by_one_exactly(app, tui_centre: Centre,
                                                          other_terminal: Centre) -> None:
    first = other_terminal.attendance.mark(1, STUDENTS[0], P, check_in=at(10, 16, 2),
                                           note="early")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_roster(pilot)
        await pilot.press("up", "a", "y")  # the first student: absent instead
        await settle(pilot)
        await pilot.press("l", "r")  # the second late, the rest present
        await settle(pilot)
        assert len(tui_centre.attendance.marks(1)) == 10
        await pilot.press("u")  # the rest: taken back
        await settle(pilot)
        marks = {m.student: m.status for m in tui_centre.attendance.marks(1)}
        assert marks == {STUDENTS[0]: A, STUDENTS[1]: L}
        await pilot.press("u")  # the second: not marked again
        await settle(pilot)
        assert screen.query_one("#roster", DataTable).cursor_row == 1
        assert roster_said(screen, 1)[2] == "–"
        await pilot.press("u")  # the first: as it was, who marked it and when included
        await settle(pilot)
        assert tui_centre.attendance.marks(1) == [first]
        assert roster_said(screen, 0)[2:5] == ["present", "16:02", "early"]
        await pilot.press("u")
        await settle(pilot)
        assert any("nothing to undo" in str(n.message) for n in app._notifications)
    assert tui_centre.attendance.marks(1) == [first]


@scenario
async def test_an_undo_leaves_a_mark_changed_meanwhile_elsewhere(
        app, tui_centre: Centre, other_terminal: Centre) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_roster(pilot)
        await pilot.press("p")
        await settle(pilot)
        other_terminal.attendance.mark(1, STUDENTS[0], E, note="doctor")
        await pilot.press("u")
        await settle(pilot)
        assert any("changed since" in str(n.message) for n in app._notifications)
    [mark] = tui_centre.attendance.marks(1)
    assert (mark.status, mark.note) == (E, "doctor")
