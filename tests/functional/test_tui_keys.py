"""The key registry (sessionsctl/tui/keys.py): every binding of every screen, widget and the
app is explained on the help page, and the help page explains no key that nothing binds.

A binding written straight into a class's BINDINGS (not taken from the registry), or taken
from it but left off the help page, fails the first test with the class and key named.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

from textual.app import App
from textual.binding import Binding, BindingsMap, BindingType
from textual.dom import DOMNode
from textual.widgets import Static

import sessionsctl.tui
from sessionsctl.tui.keys import HELP_PAGE, Row
from sessionsctl.tui.screens.help import HelpScreen

from .conftest import scenario

Signature = tuple[str, str, str, bool, bool, str | None]


def signature(binding: Binding) -> Signature:
    """What a user meets of a binding: one key, its action, and how the key bar shows it."""
    return (binding.key, binding.action, binding.description, binding.show, binding.priority,
            binding.key_display)


def each_key(bindings: list[BindingType]) -> Iterator[Binding]:
    """``bindings`` a key at a time (``"left,h"`` is two), as Textual reads them."""
    for found in BindingsMap(bindings).key_to_bindings.values():
        yield from found


def classes_with_bindings() -> list[type[DOMNode]]:
    """Every app, screen and widget class in sessionsctl.tui that declares BINDINGS."""
    found: list[type[DOMNode]] = []

    def visit(owner: object, module: str) -> None:
        for value in vars(owner).values():
            if (isinstance(value, type) and issubclass(value, DOMNode)
                    and value.__module__ == module and value not in found):
                if "BINDINGS" in vars(value):
                    found.append(value)
                visit(value, module)  # classes nested in a widget

    for info in pkgutil.walk_packages(sessionsctl.tui.__path__, "sessionsctl.tui."):
        module = importlib.import_module(info.name)
        visit(module, module.__name__)
    return found


def explained() -> dict[Signature, list[Row]]:
    """The bindings the help page explains, and the rows that explain them."""
    rows: dict[Signature, list[Row]] = {}
    for section in HELP_PAGE:
        for row in section.rows:
            for key in row.keys:
                for binding in each_key([key.binding()]):
                    rows.setdefault(signature(binding), []).append(row)
    return rows


class HelpOnly(App[None]):
    def on_mount(self) -> None:
        self.push_screen(HelpScreen())


async def help_page_text() -> str:
    """The help screen's text, as its widgets draw it (a line per widget)."""
    app = HelpOnly()
    async with app.run_test(size=(120, 80)) as pilot:
        await pilot.pause()
        return "\n".join(str(static.render()) for static in app.screen.query(Static))


def test_the_walk_finds_the_classes_with_bindings() -> None:
    names = {cls.__name__ for cls in classes_with_bindings()}
    assert {"SessionsApp", "MainScreen", "CalendarView", "SessionList", "RowTable",
            "SessionScreen", "AttendanceScreen", "TodayScreen", "HelpScreen", "ScopeDialog",
            "PromptDialog", "ConfirmDialog"} <= names
    assert any(name.startswith("Booking") for name in names)


@scenario
async def test_every_binding_is_explained_on_the_help_page() -> None:
    page = await help_page_text()
    rows = explained()
    missing: list[str] = []
    for cls in classes_with_bindings():
        for binding in each_key(cls.BINDINGS):
            found = rows.get(signature(binding))
            if not found:
                missing.append(f"{cls.__module__}.{cls.__qualname__}: {binding.key!r} -> "
                               f"{binding.action!r} ({binding.description!r})")
                continue
            for row in found:  # and the row that explains it is on the screen
                assert row.label in page and row.what in page, row
    assert not missing, ("bindings not in the key registry's help page (take them from "
                         "sessionsctl/tui/keys.py):\n" + "\n".join(missing))


def test_the_help_page_explains_no_key_that_nothing_binds() -> None:
    bound = {signature(b) for cls in classes_with_bindings() for b in each_key(cls.BINDINGS)}
    stale = [sig for sig in explained() if sig not in bound]
    assert not stale


def test_the_help_page_keeps_its_sections() -> None:
    assert [section.title for section in HELP_PAGE] == [
        "Anywhere", "Calendar", "Session list", "Session", "Attendance", "People",
        "Booking form", "Questions"]
