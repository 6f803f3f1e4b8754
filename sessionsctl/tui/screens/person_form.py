"""A person's details in one small form: name, email, zone and role, for a new person or a
correction. What a field holds is checked by core's rules before the form closes (said
beside the fields); what only the database can judge (an email already registered, a role
that sessions to come forbid) is core's to refuse when the change is written."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from ...core.domain import rules
from ...core.domain.errors import SessionsctlError
from ...core.domain.model import Person, Role
from ...core.domain.timeutil import zone
from .. import keys
from ..keys import bindings
from ..widgets.entry import Entry


@dataclass(frozen=True, slots=True)
class PersonFields:
    """What the form holds once checked; ``tz`` is "" for the centre's zone."""

    name: str
    email: str
    tz: str
    role: Role

    def changes(self, person: Person) -> dict[str, Any]:
        """The arguments of ``edit_person`` that change ``person`` into these (none: no
        change); a zone emptied is "" (the centre's)."""
        changed: dict[str, Any] = {}
        if self.name != person.name:
            changed["name"] = self.name
        if self.email != person.email:
            changed["email"] = self.email
        if self.tz != (person.tz or ""):
            changed["tz"] = self.tz
        if self.role is not person.role:
            changed["role"] = self.role
        return changed


def read_fields(name: str, email: str, tz: str, role: Role) -> PersonFields:
    """The form's text as fields, checked by the rules core applies (a SessionsctlError
    naming the first field that is wrong)."""
    tz = tz.strip()
    if tz:
        zone(tz, field="zone")
    return PersonFields(rules.name(name), rules.email(email.strip()), tz, role)


class PersonForm(ModalScreen[PersonFields | None]):
    """Name, email, zone and role; enter in a field (or ctrl+s) saves, escape leaves."""

    DEFAULT_CSS = """
    PersonForm { align: center middle; }
    PersonForm > Vertical {
        width: 72; max-width: 100%; height: auto; padding: 1 2; border: thick $primary;
        background: $surface;
    }
    PersonForm .field-row { height: 1; margin-top: 1; }
    PersonForm .flabel { width: 7; color: $text-muted; }
    PersonForm Entry, PersonForm Select { width: 1fr; }
    PersonForm .hint { color: $text-muted; margin-top: 1; }
    PersonForm .error { color: $text-error; }
    """
    BINDINGS = bindings(keys.PERSON_FORM)

    def __init__(self, title: str, person: Person | None, centre_zone: str) -> None:
        super().__init__()
        self.title_text = title
        self.person = person
        self.centre_zone = centre_zone

    def compose(self) -> ComposeResult:
        p = self.person
        with Vertical():
            yield Label(Content.styled(self.title_text, "bold"))
            with Horizontal(classes="field-row"):
                yield Label("Name", classes="flabel")
                yield Entry(p.name if p else "", placeholder="Sam Lee", id="person-name",
                            compact=True)
            with Horizontal(classes="field-row"):
                yield Label("Email", classes="flabel")
                yield Entry(p.email if p else "", placeholder="sam@example.org",
                            id="person-email", compact=True)
            with Horizontal(classes="field-row"):
                yield Label("Zone", classes="flabel")
                yield Entry((p.tz or "") if p else "",
                            placeholder=f"empty: the centre's ({self.centre_zone})",
                            id="person-zone", compact=True)
            with Horizontal(classes="field-row"):
                yield Label("Role", classes="flabel")
                yield Select([(r.label, r) for r in Role], allow_blank=False,
                             value=p.role if p else Role.STUDENT, id="person-role",
                             compact=True)
            yield Static("enter or ctrl+s: save · tab: next field · escape: back",
                         classes="hint", id="person-hint")

    def on_mount(self) -> None:
        self.query_one("#person-name", Entry).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        role = self.query_one("#person-role", Select).value
        try:
            fields = read_fields(self.query_one("#person-name", Entry).value,
                                 self.query_one("#person-email", Entry).value,
                                 self.query_one("#person-zone", Entry).value,
                                 role if isinstance(role, Role) else Role.STUDENT)
        except SessionsctlError as exc:
            hint = self.query_one("#person-hint", Static)
            hint.update(Content(exc.message))  # "email: 'x' is not an email address"
            hint.add_class("error")
            return
        self.dismiss(fields)
