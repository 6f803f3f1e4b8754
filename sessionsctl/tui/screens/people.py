"""People (`P` on the main screen, or the palette's "People"): everyone the viewer may list
(a student: themselves and those who are not students), narrowed as the search is typed; a
person edited, deactivated, reactivated or added through core's use cases, each written in a
worker, core's refusal said as a notice."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from ...core.domain.model import Person
from ...core.names import folded
from .. import keys
from ..keys import bindings
from ..messages import DataChanged, WriteRequested
from ..widgets.entry import Entry
from ..widgets.keybar import KeyBar
from ..widgets.table import Cell, Column, RowTable
from ..workers import ReportsFailures

if TYPE_CHECKING:
    from ..context import TuiContext

# Each column as wide as its content (up to a bound); a narrow terminal drops the login, then
# the zone.
COLUMNS = (Column("name", "Name", 14, most=32), Column("email", "Email", 18, most=36),
           Column("role", "Role", 7, most=17), Column("zone", "Zone", 8, drop=2, most=22),
           Column("state", "State", 11), Column("login", "Login", 7, drop=1, most=16))
DEACTIVATED = "deactivated"


def state(person: Person) -> str:
    return "active" if person.active else DEACTIVATED


def matching(people: Iterable[Person], text: str, *, deactivated: bool) -> list[Person]:
    """The people whose name, email, role, zone or login (or "deactivated", for those who
    are) hold every word of ``text`` in any case, the deactivated only when asked for; by
    name."""
    words = folded(text).split()
    found = []
    for p in people:
        if not (p.active or deactivated):
            continue
        said = folded(" ".join((p.name, p.email, p.role.value, p.role.label, p.tz or "",
                                p.login or "", "" if p.active else DEACTIVATED)))
        if all(word in said for word in words):
            found.append(p)
    return sorted(found, key=lambda p: (folded(p.name), p.email))


def cells(person: Person) -> list[Cell]:
    muted = "" if person.active else "$text-muted"
    return [(person.name, muted), (person.email, muted), (person.role.label, muted),
            (person.tz or "–", muted or ("" if person.tz else "$text-muted")),
            (state(person), "$text-warning" if not person.active else ""),
            (person.login or "", muted)]


class PeopleScreen(ReportsFailures, Screen[None]):
    BINDINGS = bindings(keys.PEOPLE_SCREEN)

    class Loaded(Message):
        def __init__(self, people: list[Person]) -> None:
            super().__init__()
            self.people = people

    def __init__(self, ctx: TuiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.people: list[Person] = []
        self.shown: list[Person] = []
        self.deactivated = False  # the deactivated are listed too
        self._loaded = False

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("People", "bold"), classes="screen-title")
        with Horizontal(id="people-filters"):
            yield Label("Search", classes="flabel")
            yield Entry(placeholder="/ name, email, role, zone or login", id="people-search",
                        compact=True)
        yield RowTable(COLUMNS, id="people-table")
        yield Static("reading…", id="people-status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.table.focus()
        self.load()

    @property
    def table(self) -> RowTable:
        return self.query_one("#people-table", RowTable)

    @work(thread=True, exclusive=True, group="people", exit_on_error=False)
    def load(self) -> None:
        self.post_message(self.Loaded(self.ctx.centre.people.list_people(inactive=True)))

    @on(Loaded)
    def _loaded_people(self, message: Loaded) -> None:
        self.people = message.people
        self._loaded = True
        self._show()

    @on(DataChanged)
    def _changed(self, message: DataChanged) -> None:
        message.stop()
        self.load()

    @on(Input.Changed, "#people-search")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._show()

    @on(Input.Submitted, "#people-search")
    def _to_list(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

    def _show(self) -> None:
        text = self.query_one("#people-search", Entry).value
        self.shown = matching(self.people, text, deactivated=self.deactivated)
        self.table.replace([str(p.id) for p in self.shown], [cells(p) for p in self.shown])
        self.query_one("#people-status", Static).update(self._status(text))

    def _status(self, text: str) -> Content:
        if not self._loaded:
            return Content.styled("reading…", "$text-muted")
        hidden = 0 if self.deactivated else sum(not p.active for p in self.people)
        listed = len(self.people) - hidden
        count = f"{len(self.shown)} of {listed}" if text.strip() else f"{listed}"
        said = f"{count} {'person' if listed == 1 else 'people'}"
        if text.strip():
            said += f" match {text.strip()!r}"
        if hidden:
            said += f" · {hidden} deactivated hidden ({keys.SHOW_DEACTIVATED.first} shows them)"
        elif self.deactivated:
            said += f" · deactivated shown ({keys.SHOW_DEACTIVATED.first} hides them)"
        return Content.styled(said, "$text-muted")

    def _current(self) -> Person | None:
        """The person on the cursor's row (said when there is none)."""
        row = self.table.cursor_row
        if not self.shown or row >= len(self.shown):
            self.notify("no one is listed" if self._loaded else "still reading…",
                        severity="warning")
            return None
        return self.shown[row]

    # ------------------------------------------------------------------ actions
    def action_mentor_view(self) -> None:
        person = self._current()
        if person is None:
            return
        if not person.role.teaches:
            self.notify(f"{person.name} is {person.role.a}: nobody they mentor",
                        severity="warning")
            return
        from .mentor import MentorScreen

        self.app.push_screen(MentorScreen(self.ctx, person))

    def action_search(self) -> None:
        self.query_one("#people-search", Entry).focus()

    def action_toggle_deactivated(self) -> None:
        self.deactivated = not self.deactivated
        self._show()

    @on(RowTable.Selected, "#people-table")
    def _selected(self, event: RowTable.Selected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        from .person_form import PersonFields, PersonForm

        person = self._current()
        if person is None:
            return

        def edited(fields: PersonFields | None) -> None:
            if fields is None:
                return
            changes = fields.changes(person)
            if not changes:
                self.notify("nothing changed", timeout=3)
                return
            self._write(lambda: self.ctx.centre.upkeep.edit_person(person.email, **changes),
                        f"{fields.name} saved ({', '.join(_words(changes))})")

        self.app.push_screen(PersonForm(f"Edit {person.name}", person, self.ctx.tz_name),
                             edited)

    def action_add(self) -> None:
        from .person_form import PersonFields, PersonForm

        def added(fields: PersonFields | None) -> None:
            if fields is not None:
                self._write(lambda: self.ctx.centre.people.add_person(
                    fields.name, fields.email, fields.role, fields.tz or None),
                    f"{fields.name} added ({fields.role.label})")

        self.app.push_screen(PersonForm("New person", None, self.ctx.tz_name), added)

    def action_deactivate(self) -> None:
        from .dialogs import ConfirmDialog

        person = self._current()
        if person is None:
            return
        if not person.active:
            self.notify(f"{person.name} is deactivated already", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._write(lambda: self.ctx.centre.upkeep.edit_person(person.email,
                                                                       active=False),
                            f"{person.name} deactivated")

        self.app.push_screen(ConfirmDialog(
            f"Deactivate {person.label}?",
            "They stay on their past sessions (history and reports keep them) but cannot be "
            "booked again; refused while sessions to come name them. "
            f"{keys.REACTIVATE.first} takes them back.",
            yes="Deactivate", no="Keep"), answered)

    def action_reactivate(self) -> None:
        person = self._current()
        if person is None:
            return
        if person.active:
            self.notify(f"{person.name} is active already", severity="warning")
            return
        self._write(lambda: self.ctx.centre.upkeep.edit_person(person.email, active=True),
                    f"{person.name} reactivated")

    def _write(self, write: Callable[[], object], done: str) -> None:
        """Written by the app in a worker; the change comes back as DataChanged."""
        self.post_message(WriteRequested(write, done))


def _words(changes: Iterable[str]) -> list[str]:
    """The fields changed, as the form names them."""
    return ["zone" if field == "tz" else field for field in changes]
