"""The people screen (`P`, or the palette's "People"): a list narrowed as the search is typed,
a person edited, added, deactivated (refused while sessions to come name them) and
reactivated; a student seeing only themselves and those who are not students. Each test
checks what the database then holds, at 80x24 and 160x48."""

from __future__ import annotations

import pytest
from textual.command import CommandList

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.errors import SessionsctlError
from sessionsctl.core.domain.model import Person, Role
from sessionsctl.store.engine import SqlStore
from sessionsctl.tui.screens.dialogs import ConfirmDialog
from sessionsctl.tui.screens.people import PeopleScreen
from sessionsctl.tui.screens.person_form import PersonForm, read_fields
from sessionsctl.tui.widgets.table import RowTable

from .conftest import ADA, NOW, STUDENT_NAMES, STUDENTS, make_test_app, scenario, settle

SIZES = pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])


def names(screen: PeopleScreen) -> list[str]:
    table = screen.query_one(RowTable)
    return [table.row_text(row)[0] for row in range(table.row_count)]


def status(screen: PeopleScreen) -> str:
    return str(screen.query_one("#people-status").render())


def notices(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def open_people(pilot) -> PeopleScreen:
    await settle(pilot)
    await pilot.press("P")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PeopleScreen)
    return screen


async def search(pilot, text: str) -> None:
    await pilot.press("slash", *text)
    await settle(pilot)


@SIZES
@scenario
async def test_the_screen_lists_everyone_and_the_search_narrows_as_typed(
        app, size: tuple[int, int]) -> None:
    async with app.run_test(size=size) as pilot:
        people = await open_people(pilot)
        assert names(people) == sorted(["Ada Lovelace", "Alan Turing", *STUDENT_NAMES])
        assert status(people).startswith("14 people")
        table = people.query_one(RowTable)
        assert table.row_text(0) == ["Ada Lovelace", ADA, "mentor", "–", "active", ""]
        await search(pilot, "a")
        assert "Bilal Brown" in names(people)  # "bilal"
        await pilot.press(*"lan")
        await settle(pilot)
        assert names(people) == ["Alan Turing"]
        assert status(people).startswith("1 of 14 people match 'alan'")
        await pilot.press("ctrl+u", *"student lewis")  # words in any field, in any order
        await settle(pilot)
        assert names(people) == ["Leila Lewis"]
        await pilot.press("enter", "escape")  # to the list, then back
        await settle(pilot)
        assert not isinstance(app.screen, PeopleScreen)


@scenario
async def test_the_palette_opens_the_screen(app) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"People")
        await settle(pilot)
        options = app.screen.query_one(CommandList)
        prompts = [str(options.get_option_at_index(i).prompt)
                   for i in range(options.option_count)]
        assert prompts[0].startswith("People")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)


@SIZES
@scenario
async def test_an_email_edited_is_saved_and_shown(app, tui_centre: Centre,
                                                  size: tuple[int, int]) -> None:
    async with app.run_test(size=size) as pilot:
        people = await open_people(pilot)
        await search(pilot, "ada")
        await pilot.press("enter", "e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PersonForm)
        await pilot.press("tab", *"ada.lovelace@centre.test", "enter")
        await settle(pilot)
        assert app.screen is people
        assert people.query_one(RowTable).row_text(0)[:2] == [
            "Ada Lovelace", "ada.lovelace@centre.test"]
        assert any("Ada Lovelace saved (email)" in n for n in notices(app))
    assert tui_centre.people.person("ada.lovelace@centre.test").name == "Ada Lovelace"
    # Her sessions follow her new address.
    assert tui_centre.sessions.show(1).session.mentor == "ada.lovelace@centre.test"


@scenario
async def test_the_form_says_what_is_wrong_beside_the_fields(app, tui_centre: Centre) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_people(pilot)
        await pilot.press("e")  # Ada, the first row
        await settle(pilot)
        await pilot.press("tab", *"not an address", "enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PersonForm)  # still open
        assert "email: 'not an address' is not an email address" in str(
            form.query_one("#person-hint").render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
    assert tui_centre.people.person(ADA).name == "Ada Lovelace"


@SIZES
@scenario
async def test_deactivating_is_refused_while_sessions_to_come_name_them(
        app, tui_centre: Centre, size: tuple[int, int]) -> None:
    async with app.run_test(size=size) as pilot:
        people = await open_people(pilot)
        await search(pilot, "ada")
        await pilot.press("enter", "d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is people
        assert any("cannot be deactivated" in n for n in notices(app))
        assert people.query_one(RowTable).row_text(0)[4] == "active"
    assert tui_centre.people.person(ADA).active


@SIZES
@scenario
async def test_a_person_added_is_deactivated_and_reactivated(
        app, tui_centre: Centre, size: tuple[int, int]) -> None:
    async with app.run_test(size=size) as pilot:
        people = await open_people(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, PersonForm)
        await pilot.press(*"Sam Lee", "tab", *"sam@centre.test", "tab", *"Europe/Paris",
                          "tab", "enter", "up", "enter")  # the role: mentor, above student
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is people
        assert "Sam Lee" in names(people)
        await search(pilot, "sam")
        await pilot.press("enter", "d")
        await settle(pilot)
        await pilot.press("n")  # no: kept
        await settle(pilot)
        assert tui_centre.people.person("sam@centre.test").active
        await pilot.press("d", "y")
        await settle(pilot)
        assert names(people) == []  # the deactivated are hidden...
        assert "1 deactivated hidden" in status(people)
        await pilot.press("i")  # ...until asked for
        await settle(pilot)
        assert people.query_one(RowTable).row_text(0)[:5] == [
            "Sam Lee", "sam@centre.test", "mentor", "Europe/Paris", "deactivated"]
        assert not tui_centre.people.person("sam@centre.test").active
        await pilot.press("a")
        await settle(pilot)
        assert people.query_one(RowTable).row_text(0)[4] == "active"
    sam = tui_centre.people.person("sam@centre.test")
    assert sam.active and sam.role is Role.MENTOR and sam.tz == "Europe/Paris"


@SIZES
@scenario
async def test_a_student_sees_only_themselves_and_the_staff(
        tui_centre: Centre, store: SqlStore, size: tuple[int, int]) -> None:
    student = Centre(store, actor=STUDENTS[0], clock=lambda: NOW)
    app = make_test_app(student)
    async with app.run_test(size=size) as pilot:
        people = await open_people(pilot)
        assert names(people) == ["Ada Lovelace", "Alan Turing", "Amelia Ahmed"]
        await pilot.press("e")  # not theirs to change: core says so
        await settle(pilot)
        await pilot.press("tab", *"ada@elsewhere.test", "enter")
        await settle(pilot)
        assert "amelia@centre.test (student) may not change a mentor" in notices(app)
    assert tui_centre.people.person(ADA).email == ADA


def test_the_form_passes_only_what_changed_and_an_emptied_zone_as_the_centres() -> None:
    sam = Person(1, "Sam Lee", "sam@centre.test", Role.STUDENT, tz="Europe/Paris")
    assert read_fields(" Sam  Lee ", "SAM@centre.test ", "Europe/Paris",
                       Role.STUDENT).changes(sam) == {}
    assert read_fields("Sam Lee", "sam@centre.test", "", Role.MENTOR).changes(sam) == {
        "tz": "", "role": Role.MENTOR}
    with pytest.raises(SessionsctlError, match="zone: unknown time zone 'Mars/Base'"):
        read_fields("Sam Lee", "sam@centre.test", "Mars/Base", Role.STUDENT)
