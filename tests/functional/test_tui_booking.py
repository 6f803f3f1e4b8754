"""Booking from the TUI: a new session, a conflict and a suggested slot, one occurrence of a
series, and bad input kept beside its field. Each test checks what the database then holds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Input, OptionList, Select, Static

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionQuery
from sessionsctl.core.domain.errors import StoreUnavailable
from sessionsctl.core.domain.model import SessionType
from sessionsctl.tui.messages import OpenSession, SessionSaved
from sessionsctl.tui.screens.booking.screen import BookingScreen
from sessionsctl.tui.screens.dialogs import ConfirmDialog
from sessionsctl.tui.screens.main import MainScreen

from .conftest import (
    ADA,
    ALAN,
    SIZE,
    STUDENTS,
    STUDY,
    Recorder,
    at,
    lesson,
    scenario,
    settle,
    settle_form,
    type_ahead,
)

ALL = SessionQuery()


def titled(centre: Centre, title: str) -> list:
    return [s for s in centre.sessions.find(ALL) if s.title == title]


def error_of(screen, field: str) -> str:
    return str(screen.query_one(f"#err-{field}", Static).render()).strip()


async def open_form(pilot) -> BookingScreen:
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BookingScreen)
    return screen


async def edit_form(pilot, session_id: int) -> BookingScreen:
    """The form of a stored session, opened as staff do: the session, then ``e``."""
    pilot.app.post_message(OpenSession(session_id))
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BookingScreen)
    return screen


@scenario
async def test_booking_a_session(app, tui_centre: Centre, recorder: Recorder) -> None:
    async with app.run_test(size=SIZE, message_hook=recorder) as pilot:
        form = await open_form(pilot)
        await pilot.press(*"Algebra revision", "tab")
        await pilot.press(*"ada", "enter", "tab")  # type-ahead: Ada Lovelace
        await pilot.press(*"amel", "enter", *"bil", "enter", "tab")
        start = form.query_one("#start", Input)
        start.value = ""
        await pilot.press(*"2026-11-16 10:00", "tab", "ctrl+u", *"11:30", "tab")
        room = form.query_one("#room-input", Input)
        room.focus()
        await pilot.press(*"study", "enter")
        form.query_one("#subject-input", Input).focus()
        await pilot.press(*"phys", "enter")
        await settle_form(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    [booked] = titled(tui_centre, "Algebra revision")
    assert booked.mentor == ADA
    assert booked.students == (STUDENTS[0], STUDENTS[1])
    assert booked.type is SessionType.GROUP  # two students, type left to the form
    assert (booked.start, booked.end) == (at(16, 10), at(16, 11, 30))
    assert (booked.room, booked.subject, booked.tz) == (STUDY, "Physics", "Europe/London")
    assert any(booked.id in m.session_ids for m in recorder.of(SessionSaved))


@scenario
async def test_a_booking_before_today_is_asked_first(app, tui_centre: Centre) -> None:
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        await pilot.press(*"Catch-up", "tab")
        await pilot.press(*"ada", "enter", "tab")
        form.query_one("#start", Input).value = "2026-11-02 10:00"  # last week
        form.query_one("#end", Input).value = "+60"
        await settle_form(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)  # asked, nothing saved yet
        await pilot.press("escape")  # "change the date": back to the form, still unsaved
        await settle(pilot)
        assert app.screen is form and titled(tui_centre, "Catch-up") == []
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    [booked] = titled(tui_centre, "Catch-up")
    assert booked.start == at(2, 10)


@scenario
async def test_people_typed_by_name_and_a_room_in_any_case_are_booked(
        app, tui_centre: Centre) -> None:
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        form.query_one("#title", Input).value = "By name"
        form.query_one("#mentor-input", Input).value = "alan turing"
        form.query_one("#students-input", Input).value = "AMELIA AHMED, "
        form.query_one("#start", Input).value = "2026-11-16 10:00"
        form.query_one("#end", Input).value = "+60"
        form.query_one("#room-input", Input).value = "study room"
        await settle_form(pilot)
        assert error_of(form, "mentor") == "alan@centre.test"  # the hint: who the name is
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    [booked] = titled(tui_centre, "By name")
    assert (booked.mentor, booked.students, booked.room) == (ALAN, (STUDENTS[0],), STUDY)


@scenario
async def test_conflict_warning_and_picking_a_free_slot(app, tui_centre: Centre) -> None:
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        await pilot.press(*"Extra maths", "tab", *"ada", "enter", "tab", "tab")
        form.query_one("#start", Input).value = "2026-11-10 16:30"  # Ada teaches 16:00-17:00
        await settle_form(pilot)
        warning = str(form.query_one("#conflicts", Static).render())
        assert "Ada Lovelace <ada@centre.test> is teaching 'Group maths' then" in warning
        assert "#1 Tue 10 Nov 16:00–17:00" in warning
        slots = form.query_one("#slots", OptionList)
        assert slots.display and slots.option_count > 0
        assert str(slots.get_option_at_index(0).prompt) == "Tue 10 Nov 17:00–18:00"
        slots.focus()
        await pilot.press("enter")  # take the first free slot
        await settle_form(pilot)
        assert form.query_one("#start", Input).value == "2026-11-10 17:00"
        assert str(form.query_one("#conflicts", Static).render()).strip() == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
    [booked] = titled(tui_centre, "Extra maths")
    assert (booked.start, booked.end) == (at(10, 17), at(10, 18))
    assert booked.force_reason is None


@scenario
async def test_a_clash_found_on_save_is_refused_and_shown(app, tui_centre: Centre,
                                                           other_terminal: Centre) -> None:
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        await pilot.press(*"Late booking", "tab", *"ada", "enter", "tab", "tab")
        form.query_one("#start", Input).value = "2026-11-18 09:00"
        await settle_form(pilot)
        assert str(form.query_one("#conflicts", Static).render()).strip() == ""
        # Another terminal takes the slot between the live check and the save.
        other_terminal.sessions.book(SessionDraftFor("Taken meanwhile", at(18, 9)))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # still here, nothing lost
        assert "Taken meanwhile" in str(form.query_one("#conflicts", Static).render())
        assert "Not saved" in str(form.query_one("#form-error", Static).render())
    assert titled(tui_centre, "Late booking") == []


def SessionDraftFor(title: str, start):  # noqa: N802 - reads as a constructor
    from .conftest import lesson

    return lesson(title, start)


@scenario
async def test_editing_one_occurrence_of_a_series(app, tui_centre: Centre) -> None:
    series = [s for s in tui_centre.sessions.find(ALL) if s.title == "Weekly physics"]
    assert len(series) == 4
    second = series[1]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await edit_form(pilot, second.id)
        await pilot.press("ctrl+u", *"Weekly physics (lab)")
        end = form.query_one("#end", Input)
        end.value = "18:30"
        await settle_form(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("t")  # this occurrence only
        await settle(pilot)
    after = {s.id: s for s in tui_centre.sessions.find(SessionQuery(series_id=second.series_id))}
    assert after[second.id].title == "Weekly physics (lab)"
    assert after[second.id].end == second.end + timedelta(minutes=30)
    assert after[second.id].series_id == second.series_id
    assert after[second.id].recurrence_id == second.recurrence_id
    others = [s for s in after.values() if s.id != second.id]
    assert [s.title for s in others] == ["Weekly physics"] * 3
    assert all(s.end - s.start == timedelta(hours=1) for s in others)


@scenario
async def test_bad_input_is_shown_beside_each_field_and_nothing_saved(
        app, tui_centre: Centre) -> None:
    before = len(tui_centre.sessions.find(ALL))
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        await pilot.press("tab", *"ada", "enter")  # no title
        form.query_one("#start", Input).value = "2026-11-20 15:00"
        form.query_one("#end", Input).value = "14:00"  # before the start
        form.query_one("#tz", Input).value = "Mars/Olympus_Mons"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert error_of(form, "title") == "must not be empty"
        assert "Mars/Olympus_Mons" in error_of(form, "tz")
        # 14:00 is read in the zone given; with an unknown zone it is read in the viewer's.
        assert error_of(form, "end") == "must be after the start"
        assert "3 fields to correct" in str(form.query_one("#form-error", Static).render())
        assert form.query_one("#row-title").has_class("-invalid")
        form.query_one("#tz", Input).value = "Europe/London"
        form.query_one("#end", Input).value = "+30"
        form.query_one("#title", Input).value = "Fixed"
        await settle_form(pilot)
        assert error_of(form, "title") == error_of(form, "end") == error_of(form, "tz") == ""
    assert len(tui_centre.sessions.find(ALL)) == before


@scenario
async def test_an_error_from_the_store_is_a_message_not_a_crash(
        app, tui_centre: Centre, monkeypatch) -> None:
    def down(*_args, **_kwargs):
        raise StoreUnavailable("cannot open database: disk I/O error")

    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        await pilot.press(*"Doomed", "tab", *"ada", "enter")
        form.query_one("#start", Input).value = "2026-11-19 09:00"
        await settle_form(pilot)
        monkeypatch.setattr(tui_centre.sessions, "book", down)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and app.is_running
        assert "disk I/O error" in str(form.query_one("#form-error", Static).render())
        assert any("disk I/O error" in str(n.message) for n in app._notifications)
        # A bug-shaped failure in a background read is reported too, and the app carries on.
        monkeypatch.setattr(tui_centre.sessions, "find", lambda *_: 1 / 0)
        await pilot.press("escape", "y")  # what was typed is thrown away on purpose
        await settle(pilot)
        main = app.screen
        assert isinstance(main, MainScreen)
        main.calendar.reload()
        await settle(pilot)
        assert any("ZeroDivisionError" in str(n.message) for n in app._notifications)
        assert app.is_running
    monkeypatch.undo()
    assert titled(tui_centre, "Doomed") == []


@scenario
async def test_booking_a_weekly_series(app, tui_centre: Centre) -> None:
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        await pilot.press(*"Chess club", "tab", *"alan", "enter")
        form.query_one("#start", Input).value = "2026-11-16 09:00"
        repeat = form.query_one("#repeat", Select)
        repeat.focus()
        await pilot.press("enter", "down", "enter")  # Every week
        await settle(pilot)
        assert repeat.value == "weekly" and form.query_one("#row-count").display
        form.query_one("#count", Input).value = "3"
        await settle_form(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    booked = titled(tui_centre, "Chess club")
    assert [s.start for s in booked] == [at(16, 9), at(23, 9), at(30, 9)]
    assert len({s.series_id for s in booked}) == 1 and booked[0].series_id is not None


@scenario
async def test_changing_this_and_the_following_occurrences(app, tui_centre: Centre) -> None:
    series = [s for s in tui_centre.sessions.find(ALL) if s.title == "Weekly physics"]
    third = series[2]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await edit_form(pilot, third.id)
        app.screen.query_one("#room-input", Input).value = "Hall"
        await settle_form(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("f")  # this and the following
        await settle(pilot)
    rooms = [s.room for s in tui_centre.sessions.find(ALL) if s.title == "Weekly physics"]
    assert rooms == [STUDY, STUDY, "Hall", "Hall"]


@scenario
async def test_booking_over_a_conflict_with_a_reason(app, tui_centre: Centre) -> None:
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        await pilot.press(*"Cover lesson", "tab", *"ada", "enter")
        form.query_one("#start", Input).value = "2026-11-10 16:30"
        await settle_form(pilot)
        assert form.query_one("#row-force").display  # offered only with a conflict
        await pilot.press("ctrl+o")
        assert app.focused is form.query_one("#slots", OptionList)
        form.query_one("#force", Input).value = "parents' evening swap, agreed with Ada"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    [booked] = titled(tui_centre, "Cover lesson")
    assert booked.start == at(10, 16, 30)
    assert booked.force_reason == "parents' evening swap, agreed with Ada"


# ------------------------------------------------- a series whose later occurrence clashes

def panel(form: BookingScreen) -> str:
    return str(form.query_one("#conflicts", Static).render())


async def weekly_from(pilot, form: BookingScreen, title: str, start: str, count: str) -> None:
    """Fill in a weekly series of Ada's in the Study Room."""
    await pilot.press(*title, "tab", *"ada", "enter")
    form.query_one("#start", Input).value = start
    form.query_one("#room-input", Input).value = STUDY
    repeat = form.query_one("#repeat", Select)
    repeat.focus()
    await pilot.press("enter", "down", "enter")  # Every week
    form.query_one("#count", Input).value = count
    await settle_form(pilot)


@scenario
async def test_a_series_whose_third_week_clashes_is_shown_kept_and_booked_over(
        app, tui_centre: Centre) -> None:
    # The room is booked two weeks on (as `session add` from the CLI would have it).
    taken = tui_centre.sessions.book(lesson("Room taken", at(25, 10), mentor=ALAN, room=STUDY)).session
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        await weekly_from(pilot, form, "Chess club", "2026-11-11 10:00", "3")
        # The live check looks at every occurrence, not the first alone.
        assert "1 of 3 occurrences clash" in panel(form)
        assert f"Wed 25 Nov 10:00  room {STUDY} is taken by 'Room taken'" in panel(form)
        assert f"#{taken.id} Wed 25 Nov 10:00–11:00" in panel(form)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
        # Refused, and what the save met stays in view with the override.
        assert app.screen is form
        assert "Not saved: 1 occurrence clash" in str(form.query_one("#form-error").render())
        assert "Wed 25 Nov 10:00" in panel(form) and form.query_one("#row-force").display
        assert titled(tui_centre, "Chess club") == []
        await pilot.press("ctrl+o")  # no slot for a series: straight to the reason
        assert app.focused is form.query_one("#force", Input)
        await pilot.press(*"room shared with the chess set")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    booked = titled(tui_centre, "Chess club")
    assert [s.start for s in booked] == [at(11, 10), at(18, 10), at(25, 10)]
    assert [s.force_reason for s in booked] == [None, None, "room shared with the chess set"]


@scenario
async def test_booking_only_the_free_occurrences_of_a_series(app, tui_centre: Centre) -> None:
    tui_centre.sessions.book(lesson("Room taken", at(25, 10), mentor=ALAN, room=STUDY))
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        await weekly_from(pilot, form, "Chess club", "2026-11-11 10:00", "3")
        assert form.query_one("#skip").display  # offered beside the clash
        await pilot.press("ctrl+b")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    booked = titled(tui_centre, "Chess club")
    assert [s.start for s in booked] == [at(11, 10), at(18, 10)]
    assert all(s.force_reason is None for s in booked)
    series, _ = tui_centre.series.info(booked[0].series_id)
    assert "EXDATE" in series.rule and "20261125T100000" in series.rule


@scenario
async def test_changing_all_occurrences_when_a_later_one_clashes(app, tui_centre: Centre) -> None:
    series = titled(tui_centre, "Weekly physics")  # Thursdays 12 Nov to 3 Dec, 17:00, Study
    hall = tui_centre.sessions.book(lesson("Hall booked", at(26, 17), room="Hall")).session
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await edit_form(pilot, series[0].id)
        form.query_one("#room-input", Input).value = "Hall"
        await settle_form(pilot)
        assert panel(form).strip() == ""  # the first occurrence alone is free
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("a")  # every occurrence
        await settle(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
        assert app.screen is form
        assert "Thu 26 Nov 17:00  room Hall is taken by 'Hall booked'" in panel(form)
        assert f"#{hall.id}" in panel(form) and form.query_one("#row-force").display
        await pilot.press("ctrl+o")
        assert app.focused is form.query_one("#force", Input)
        await pilot.press(*"hall needed for the lab", "ctrl+s")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert not isinstance(app.screen, BookingScreen)
    after = titled(tui_centre, "Weekly physics")
    assert [s.room for s in after] == ["Hall"] * 4
    assert after[2].start == at(26, 17) and after[2].force_reason == "hall needed for the lab"


# ------------------------------------------------------------- never lose what was typed

@scenario
async def test_escape_asks_before_throwing_away_what_was_typed(app, tui_centre: Centre) -> None:
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot)
        await pilot.press(*"Kept lesson", "tab", *"ada", "enter")
        form.query_one("#start", Input).value = "2026-11-19 09:00"
        await settle_form(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # keep editing
        await settle(pilot)
        assert app.screen is form and form.query_one("#title", Input).value == "Kept lesson"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        # Discarding is a deliberate second key.
        form = await open_form(pilot)
        await pilot.press(*"Thrown away", "tab", *"ada", "enter")
        form.query_one("#start", Input).value = "2026-11-19 11:00"
        await settle_form(pilot)
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        # A form nobody typed in closes at once.
        await open_form(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
    [kept] = titled(tui_centre, "Kept lesson")
    assert kept.start == at(19, 9) and kept.mentor == ADA
    assert titled(tui_centre, "Thrown away") == []


@scenario
async def test_moving_the_start_of_a_session_moves_its_end_until_the_end_is_typed(
        app, tui_centre: Centre) -> None:
    second = titled(tui_centre, "Weekly physics")[1]
    length = second.end - second.start
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = await edit_form(pilot, second.id)
        start, end = form.query_one("#start", Input), form.query_one("#end", Input)

        def typed(instant):
            return f"{instant.astimezone(form.ctx.tz):%Y-%m-%d %H:%M}"

        later = second.start + timedelta(hours=2)
        start.focus()
        await pilot.press("ctrl+u", *typed(later))
        await settle_form(pilot)
        assert end.value == (later + length).astimezone(form.ctx.tz).strftime("%H:%M")
        assert not error_of(form, "end")
        end.focus()
        await pilot.press("ctrl+u", *"+90")  # typed in: the end no longer follows the start
        await settle_form(pilot)
        start.focus()
        await pilot.press("ctrl+u", *typed(second.start + timedelta(hours=3)))
        await settle_form(pilot)
        assert end.value == "+90"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("t")  # this occurrence only
        await settle(pilot)
    moved = next(s for s in tui_centre.sessions.find(ALL) if s.id == second.id)
    assert moved.start == second.start + timedelta(hours=3)
    assert moved.end == moved.start + timedelta(minutes=90)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
@scenario
async def test_a_start_typed_ahead_while_the_app_is_busy_is_kept(
        app, tui_centre: Centre, size) -> None:
    """Under load the keys arrive faster than the form reads them: ctrl+u (clear the field)
    and the new start typed straight after must still act in that order, so the start is
    the one typed and the end keeps the session's length (before: the clearing ran after the
    new start had arrived, leaving Start blank and End moved)."""
    second = titled(tui_centre, "Weekly physics")[1]
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        form = await edit_form(pilot, second.id)
        start, end = form.query_one("#start", Input), form.query_one("#end", Input)
        start.focus()
        await settle(pilot)
        await type_ahead(pilot, "ctrl+u", *"2026-11-19 10:00")
        assert (start.value, end.value) == ("2026-11-19 10:00", "11:00")
        assert not error_of(form, "start")
        form.query_one("#title", Input).focus()
        await settle(pilot)
        await type_ahead(pilot, "end", "ctrl+w", *"lab", "left", "left", "left", "backspace",
                         "-")
        assert form.query_one("#title", Input).value == "Weekly-lab"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("t")  # this occurrence only
        await settle(pilot)
    moved = next(s for s in tui_centre.sessions.find(ALL) if s.id == second.id)
    assert (moved.title, moved.start, moved.end) == ("Weekly-lab", at(19, 10), at(19, 11))


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
@scenario
async def test_a_series_repeats_until_a_day_or_within_a_term(app, tui_centre: Centre,
                                                             size) -> None:
    """The repeat's end is a number of times, a last day as people type it, or a term's
    name, as `session add --repeat ... --term` (before: only a whole number was read)."""
    from datetime import date

    tui_centre.calendar.add_term("Winter block", date(2026, 11, 16), date(2026, 11, 27))
    async with app.run_test(size=size) as pilot:
        for title, until, hour in (("Chess club", "until 30 Nov", 9),
                                   ("Go club", "winter block", 13)):
            form = await open_form(pilot)
            await pilot.press(*title, "tab", *"alan", "enter")
            form.query_one("#start", Input).value = f"2026-11-16 {hour:02d}:00"
            form.query_one("#repeat", Select).value = "weekly"
            await settle(pilot)
            count = form.query_one("#count", Input)
            assert form.query_one("#row-count").display
            count.focus()
            await pilot.press("ctrl+u", *until)
            await settle_form(pilot)
            assert not error_of(form, "count")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, MainScreen)
    assert [s.start for s in titled(tui_centre, "Chess club")] == [at(16, 9), at(23, 9),
                                                                    at(30, 9)]
    assert [s.start for s in titled(tui_centre, "Go club")] == [at(16, 13), at(23, 13)]
