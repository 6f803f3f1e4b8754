"""SVG snapshots of the main views, at 120x40 with the clock frozen and the fixed centre
(`pytest --snapshot-update` to accept a deliberate change; review the SVGs first)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from sessionsctl.tui.app import SessionsApp
from sessionsctl.tui.screens.main import LIST_BUILD_DELAY

from .conftest import SIZE, no_blink, settle, settle_form


def before(*keys: str, form: dict[str, str] | None = None, theme: str | None = None):
    async def run(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, SessionsApp)
        if theme:
            app.theme = theme
        await settle(pilot)
        # Past the moment the main screen builds its hidden list, so that work does not
        # land in the middle of the keys on a slow machine.
        await pilot.pause(LIST_BUILD_DELAY)
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if form:
            for field, value in form.items():
                app.screen.query_one(f"#{field}", Input).value = value
            await settle_form(pilot)
        no_blink(app)
        await pilot.pause()

    return run


def test_month(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=before())


def test_week(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=before("w", "j"))


def test_day(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=before("d"))


def test_week_light_theme(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=before("w", theme="textual-light"))


def test_list(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=before("2"))


def test_form_with_a_conflict(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=before("n", form={
        "title": "Extra maths", "mentor-input": "ada@centre.test", "start": "2026-11-10 16:30",
        "end": "17:30"}))


def test_form_with_bad_input(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=_bad_form())


def _bad_form():
    async def run(pilot: Pilot[Any]) -> None:
        await before("n", form={"mentor-input": "ada@centre.test", "start": "2026-11-12 10:00",
                                "end": "09:00", "tz": "Europe/Londn"})(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        no_blink(pilot.app)  # type: ignore[arg-type]

    return run


def test_attendance(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE,
                        run_before=before("ctrl+t", "1", "p", "p", "a", "l", "e"))


def test_details(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=before("w", "enter"))


def test_people(snap_compare, app) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=before("P", "i", "slash", "a", "n", "enter"))
