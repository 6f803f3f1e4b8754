"""Calendar navigation, the session list's filters, paging and sorting, the details screen's
actions, changes from another terminal, the palette and help, and the lazy import."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

from textual.widgets import Input, Select

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionQuery
from sessionsctl.core.domain.model import SessionStatus
from sessionsctl.core.domain.timeutil import parse_bound, zone
from sessionsctl.tui.messages import OpenSession
from sessionsctl.tui.screens.details import SessionScreen
from sessionsctl.tui.screens.help import HelpScreen
from sessionsctl.tui.screens.main import MainScreen
from sessionsctl.tui.widgets.calendar import CalendarView
from sessionsctl.tui.widgets.session_list import SessionList
from sessionsctl.tui.widgets.table import RowTable

from .conftest import ADA, NOW, SIZE, TZ, at, lesson, make_test_app, scenario, settle

ROOT = Path(__file__).resolve().parents[2]
LONDON = zone(TZ)


def shown_ids(pilot) -> list[int]:
    table = pilot.app.screen.query_one("#session-table", RowTable)
    return [int(key) for key in table.keys]


def db_ids(centre: Centre, **query) -> list[int]:
    return [s.id for s in centre.sessions.find(SessionQuery(**query))]


@scenario
async def test_calendar_keys_move_and_switch_views(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        cal = app.screen.query_one(CalendarView)
        assert (cal.mode, cal.cursor) == ("month", date(2026, 11, 10))
        await pilot.press("l", "j", "right", "down", "h")
        assert cal.cursor == date(2026, 11, 10 + 1 + 7 + 1 + 7 - 1)
        await pilot.press("right_square_bracket")
        assert cal.cursor == date(2026, 12, 25)
        await pilot.press("t", "w")
        await settle(pilot)
        assert (cal.mode, cal.cursor) == ("week", date(2026, 11, 10))
        assert cal.selected_session is not None and cal.selected_session.id == 1
        await pilot.press("j")
        assert cal.selected_session.id == 2
        await pilot.press("l")  # Wednesday: the cancelled revision
        assert cal.selected_session.title == "Physics revision"
        await pilot.press("left_square_bracket", "d")
        await settle(pilot)
        assert (cal.mode, cal.cursor) == ("day", date(2026, 11, 4))
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen) and app.screen.session_id == 1


@scenario
async def test_calendar_reads_only_the_days_on_screen(app, tui_centre: Centre,
                                                      monkeypatch) -> None:
    asked: list[tuple] = []
    real = tui_centre.sessions.find

    def spy(query: SessionQuery):
        asked.append((query.start, query.end, query.limit))
        return real(query)

    monkeypatch.setattr(tui_centre.sessions, "find", spy)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # The calendar reads whole days (from midnight); the dashboard reads from "now".
        calendar_reads = [q for q in asked if q[2] is None and q[0] is not None
                          and (q[0].hour, q[0].minute) == (0, 0)]
        # The month on screen (Mon 26 Oct to Sun 6 Dec), then December and October ahead.
        grid = (at(1, 0).replace(month=10, day=26), at(7, 0).replace(month=12))
        assert calendar_reads[0][:2] == grid
        assert all((end - start).days <= 42 for start, end, _ in calendar_reads)


@scenario
async def test_clicking_a_session_in_the_month_opens_it(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        cal = app.screen.query_one(CalendarView)
        hit = next(h for h in cal.query_one("#cal-body").hits if h.session_id == 5)
        await pilot.click("#cal-body", offset=(hit.x0 + 2, hit.y))
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen) and app.screen.session_id == 5


@scenario
async def test_filtering_the_list(app, tui_centre: Centre) -> None:
    today = parse_bound("2026-11-10", LONDON, field="from")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert shown_ids(pilot) == db_ids(tui_centre, start=today)  # from today by default
        await pilot.press("slash", *"physics")
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert shown_ids(pilot) == db_ids(tui_centre, start=today, search="physics")
        assert len(shown_ids(pilot)) == 6  # 1:1, revision, the four weekly
        status = app.screen.query_one("#f-status", Select)
        status.value = SessionStatus.CANCELLED
        await settle(pilot)
        assert shown_ids(pilot) == [4]
        await pilot.press("enter")  # out of the search field, into the table
        await pilot.press("x")  # clear every filter
        await settle(pilot)
        assert shown_ids(pilot) == db_ids(tui_centre, start=today)
        mentor = app.screen.query_one("#f-mentor", Select)
        mentor.value = ADA
        app.screen.query_one("#f-from", Input).value = ""
        app.screen.query_one("#f-to", Input).value = "2026-11-10"
        await pilot.pause(0.3)
        await settle(pilot)
        assert shown_ids(pilot) == db_ids(tui_centre, mentor=ADA,
                                          end=parse_bound("2026-11-10", LONDON, field="to",
                                                          end=True))
        assert shown_ids(pilot) == [3, 1]


@scenario
async def test_a_bad_date_in_the_filters_is_said_not_raised(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        app.screen.query_one("#f-from", Input).value = "someday soon"
        await pilot.pause(0.3)
        await settle(pilot)
        assert "cannot read 'someday soon'" in str(app.screen.query_one("#list-status").render())


@scenario
async def test_the_list_reads_a_page_at_a_time(tui_centre: Centre, monkeypatch) -> None:
    from sessionsctl.tui.widgets import session_list

    monkeypatch.setattr(session_list, "PAGE", 3)
    app = make_test_app(tui_centre)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#session-table", RowTable)
        assert table.row_count == 3
        table.focus()
        await pilot.press("down", "down")
        await settle(pilot)
        assert table.row_count == 6
        await pilot.press("ctrl+end")
        await settle(pilot)
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert shown_ids(pilot) == db_ids(tui_centre, start=parse_bound(
            "2026-11-10", LONDON, field="from"))


@scenario
async def test_sorting_the_list_by_a_column(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        list_ = app.screen.query_one(SessionList)
        await pilot.press("s", "s")  # date -> title -> mentor
        await settle(pilot)
        table = list_.query_one(RowTable)
        titles = [table.row_text(i)[3] for i in range(table.row_count)]
        assert titles == sorted(titles)
        await pilot.press("S")
        await settle(pilot)
        titles_reversed = [table.row_text(i)[3] for i in range(table.row_count)]
        assert titles_reversed == sorted(titles, reverse=True)
        assert "sorted by mentor (reversed)" in str(list_.query_one("#list-status").render())


@scenario
async def test_students_sort_by_the_first_name_shown_then_how_many(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one(RowTable)
        # A click on the Students heading (the header is the table's first line).
        widths = table.fitted()
        x = sum(width + 1 for _, width in widths[:4]) + 2
        await pilot.click(RowTable, offset=(x, 0))
        await settle(pilot)
        students = [table.row_text(i)[4] for i in range(table.row_count)]
        assert students[:3] == ["Amelia Ahmed +4", "Amelia Ahmed +9", "Jack Jones"]
        firsts = [s.split(" +")[0] for s in students]
        assert firsts == sorted(firsts)
        assert table.sort == ("students", False)


@scenario
async def test_details_complete_cancel_and_note(app, tui_centre: Centre) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.post_message(OpenSession(1))
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Bring calculators", "enter")
        await settle(pilot)
        await pilot.press("c", "y")  # complete, once asked
        await settle(pilot)
        app.post_message(OpenSession(5))
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        await pilot.press(*"hall flooded", "enter")
        await settle(pilot)
        values = " ".join(str(v.render()) for v in app.screen.query(".detail-value"))
        assert "hall flooded" in values
    one = tui_centre.sessions.show(1).session
    assert one.status is SessionStatus.COMPLETED
    assert one.notes == "[2026-11-10 16:10] Bring calculators"
    five = tui_centre.sessions.show(5).session
    assert (five.status, five.cancel_reason) == (SessionStatus.CANCELLED, "hall flooded")


@scenario
async def test_a_change_from_another_terminal_appears(tui_centre: Centre,
                                                      other_terminal: Centre) -> None:
    app = make_test_app(tui_centre, refresh_every=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        cal = app.screen.query_one(CalendarView)
        assert all(s.title != "Booked elsewhere" for s in cal.sessions_of_cursor)
        other_terminal.sessions.book(lesson("Booked elsewhere", at(10, 19), mentor=ADA))
        for _ in range(20):
            await pilot.pause(0.2)
            await settle(pilot)
            if any(s.title == "Booked elsewhere" for s in cal.sessions_of_cursor):
                break
        assert any(s.title == "Booked elsewhere" for s in cal.sessions_of_cursor)
        assert str(app.screen.query_one("#card-today").render()).startswith("3 ")


@scenario
async def test_help_palette_and_theme(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in ("New booking", "Attendance", "Go to date", "Calendar: week view",
                       "Clear filters", "Light or dark theme"):
            assert wanted in titles
        await pilot.press("f2")
        assert app.theme == "textual-light"
        await pilot.press("f2")
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+p")
        await pilot.press(*"week view", "enter")
        await settle(pilot)
        assert app.screen.query_one(CalendarView).mode == "week"


def test_session_list_never_imports_textual(db_url: str) -> None:
    script = (
        "import json, sys\n"
        "from typer.testing import CliRunner\n"
        "from sessionsctl.cli.main import app\n"
        f"r = CliRunner().invoke(app, ['--db', {db_url!r}, '--tz', 'UTC', 'session', 'list'])\n"
        "print(json.dumps([r.exit_code, sorted(m for m in sys.modules if m.startswith('textual'))]))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    assert done.returncode == 0, done.stderr
    code, loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert (code, loaded) == (0, [])


def test_the_tui_command_is_registered() -> None:
    from typer.testing import CliRunner

    from sessionsctl.cli.main import app as cli

    result = CliRunner().invoke(cli, ["tui", "--help"])
    assert result.exit_code == 0 and "front desk" in result.stdout


def test_times_are_shown_in_the_viewers_zone(tui_centre: Centre) -> None:
    """Auckland is thirteen hours ahead in November: 16:00 in London is 05:00 next day."""
    from sessionsctl.config import Settings
    from sessionsctl.tui.app import make_app

    app = make_app(tui_centre, Settings(tz="Pacific/Auckland"), now=NOW, refresh_every=None,
                   db_label="x")
    assert app.ctx.today() == date(2026, 11, 11)
    assert app.ctx.local(at(10, 16)).strftime("%d %H:%M") == "11 05:00"


@scenario
async def test_the_legends_today_sample_is_todays_day(app) -> None:
    from textual.widgets import Static

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        legend = str(app.screen.query_one("#cal-legend", Static).render())
        assert f"{NOW.day:2d}  today" in legend  # the 10th, as the day cell of today shows it


@scenario
async def test_a_screenshot_goes_to_the_data_folder_and_says_where(app, tmp_path,
                                                                   monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no Downloads folder there
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_screenshot()
        await pilot.pause()
        [saved] = (tmp_path / "data" / "sessionsctl" / "screenshots").glob("*.svg")
        assert saved.read_text().startswith("<svg")
        assert any(str(saved) in str(n.message) for n in app._notifications)
