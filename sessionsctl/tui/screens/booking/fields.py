"""The booking form's fields: their rows and pickers, what they say (as `FormValues`), and the
problem (or, in the people fields, the names) shown beside each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.dom import DOMNode
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Select, Static

from ....core.domain.errors import SessionsctlError
from ....core.domain.model import PaymentStatus, Role, SessionType
from ...widgets.entry import Entry
from ...widgets.picker import Choice, Picker
from .reading import REPEATS, FormValues, zone_names

if TYPE_CHECKING:
    from ...context import TuiContext

INPUTS = ("title", "start", "end", "tz", "count", "rule", "max", "location", "link",
          "meeting_id", "passcode", "cost", "description", "notes", "force")
PICKERS = ("mentor", "students", "room", "subject")
CHOICES = ("type", "repeat", "payment")


def people(ctx: TuiContext, role: Role) -> list[Choice]:
    roles = (role,) if role is Role.STUDENT else (Role.MENTOR, Role.STAFF, Role.ADMIN)
    return [Choice(p.email, p.name, p.email) for p in ctx.of_role(*roles)]


def rooms(ctx: TuiContext) -> list[Choice]:
    return [Choice(r.name, r.name, f"{r.capacity} seats" if r.capacity else "")
            for r in ctx.rooms]


def subjects(ctx: TuiContext) -> list[Choice]:
    return [Choice(s.name, s.name) for s in ctx.subjects]


def row(label: str, field: str, widget: Any, hint: str = "") -> ComposeResult:
    """A field: its label, the widget, and the line beside it for its problem (or hint)."""
    with Horizontal(classes="field", id=f"row-{field}"):
        yield Label(label, classes="field-label")
        yield widget
        yield Static(hint, classes="field-error", id=f"err-{field}")


def _input(field: str, value: str | None = None, placeholder: str = "", **options: Any) -> Input:
    return Entry(value, id=field, compact=True, placeholder=placeholder, **options)


def booking_rows(ctx: TuiContext, v: FormValues, *, new: bool) -> ComposeResult:
    """Who, when and where; for a new booking, how it repeats."""
    yield from row("Title", "title", _input("title", v.title, "e.g. GCSE Maths"))
    yield from row("Mentor", "mentor", Picker(people(ctx, Role.MENTOR), id="mentor",
                                              value=v.mentor, placeholder="type a name or email"))
    yield from row("Students", "students", Picker(
        people(ctx, Role.STUDENT), id="students", multiple=True,
        value=", ".join(v.students) + (", " if v.students else ""),
        placeholder="type names; enter adds one"))
    yield from row("Start", "start", _input("start", v.start, "2026-12-01 16:00"))
    yield from row("End", "end", _input("end", v.end, "17:00, +60 or a date and time"))
    yield from row("Zone", "tz", _input(
        "tz", v.tz, "Europe/London", suggester=SuggestFromList(zone_names(),
                                                               case_sensitive=False)))
    yield from row("Type", "type", Select(
        [(t.value, t) for t in SessionType], prompt="by number of students",
        value=v.type if v.type else Select.NULL, id="type", compact=True))
    yield from row("Room", "room", Picker(rooms(ctx), id="room", value=v.room,
                                          placeholder="none"))
    yield from row("Subject", "subject", Picker(subjects(ctx), id="subject", value=v.subject,
                                                placeholder="none"))
    if new:
        yield from row("Repeats", "repeat", Select(
            [(label, key) for key, label in REPEATS.items()], value="none",
            allow_blank=False, id="repeat", compact=True))
        yield from row("Until", "count", _input("count", v.count,
                                                "10 (times), until 28 Jan, or a term"))
        yield from row("Rule", "rule", _input("rule", v.rule, "FREQ=WEEKLY;BYDAY=TU;COUNT=12"))


def override_row() -> ComposeResult:
    """The reason to book over conflicts (shown only beside them)."""
    yield from row("Override", "force", _input(
        "force", placeholder="to book despite conflicts, say why"))


def more_rows(v: FormValues) -> ComposeResult:
    """The rest, under "More"."""
    yield Static("More", classes="section")
    yield from row("Max students", "max", _input("max", v.max))
    yield from row("Location", "location", _input("location", v.location))
    yield from row("Link", "link", _input("link", v.link))
    yield from row("Meeting id", "meeting_id", _input("meeting_id", v.meeting_id))
    yield from row("Passcode", "passcode", _input("passcode", v.passcode))
    yield from row("Cost", "cost", _input("cost", v.cost, "e.g. 35.00"))
    yield from row("Payment", "payment", Select(
        [(p.value, p) for p in PaymentStatus], value=v.payment, allow_blank=False,
        id="payment", compact=True))
    yield from row("Description", "description", _input("description", v.description))
    yield from row("Notes", "notes", _input("notes", v.notes))


class Fields:
    """The fields of the form ``form``: what they say, and what is shown beside them."""

    def __init__(self, form: DOMNode, ctx: TuiContext) -> None:
        self.form = form
        self.ctx = ctx

    def values(self) -> FormValues:
        """The form as typed (a new booking's repeat fields; an edit has none)."""
        form = self.form

        def text(field: str) -> str:
            found = form.query(f"#{field}")
            return found.first(Input).value if found else ""

        def choice(field: str, default: Any) -> Any:
            found = form.query(f"#{field}")
            if not found:
                return default
            value = found.first(Select).value
            return default if value is Select.NULL else value

        return FormValues(
            title=text("title"), mentor=form.query_one("#mentor", Picker).value,
            students=tuple(form.query_one("#students", Picker).values()),
            start=text("start"), end=text("end"), tz=text("tz"), type=choice("type", None),
            room=form.query_one("#room", Picker).value,
            subject=form.query_one("#subject", Picker).value,
            repeat=choice("repeat", "none"), count=text("count"), rule=text("rule"),
            max=text("max"), location=text("location"), link=text("link"),
            meeting_id=text("meeting_id"), passcode=text("passcode"), cost=text("cost"),
            payment=choice("payment", PaymentStatus.UNPAID), description=text("description"),
            notes=text("notes"), force=text("force"))

    def field_of(self, widget: Any) -> str | None:
        """The field ``widget`` is (or is inside), if any."""
        node = widget
        while node is not None and node is not self.form:
            if node.id in INPUTS or node.id in PICKERS or node.id in CHOICES:
                return str(node.id)
            node = node.parent
        return None

    def set_choices(self) -> None:
        """The pickers' choices from the app's people, rooms and subjects (read again)."""
        form, ctx = self.form, self.ctx
        form.query_one("#mentor", Picker).set_choices(people(ctx, Role.MENTOR))
        form.query_one("#students", Picker).set_choices(people(ctx, Role.STUDENT))
        form.query_one("#room", Picker).set_choices(rooms(ctx))
        form.query_one("#subject", Picker).set_choices(subjects(ctx))

    def sync_repeat(self) -> None:
        """The count or the rule field, as the repeat choice asks (a new booking only)."""
        found = self.form.query("#repeat")
        if not found:
            return
        repeat = found.first(Select).value
        self.form.query_one("#row-count").display = repeat not in ("none", "custom")
        self.form.query_one("#row-rule").display = repeat == "custom"

    def show_problems(self, errors: dict[str, str], shown: set[str], typing: str | None) -> None:
        """``errors`` beside the ``shown`` fields, and hints beside the others. The field
        being typed in is not told off mid-word; its error shows on leaving it (or stays, if
        it was already showing)."""
        for error in self.form.query(".field-error"):
            field = (error.id or "").removeprefix("err-")
            row = error.parent
            assert row is not None and isinstance(error, Static)
            show = field in shown and (field != typing or row.has_class("-invalid"))
            hint = "" if show else self.hint(field)
            error.update(errors[field] if show else hint)
            error.set_class(bool(hint), "-hint")
            row.set_class(show, "-invalid")

    def hint(self, field: str) -> str:
        """Who the people fields name, once they are right: the name of an email typed, the
        email of a name."""
        form, known = self.form, self.ctx.known()
        if known is None:
            return ""
        if field == "mentor":
            typed, part = [form.query_one("#mentor", Picker).value.strip()], "mentor"
        elif field == "students":
            typed, part = form.query_one("#students", Picker).values(), "student"
        else:
            return ""
        found = []
        for text in typed:
            try:
                person = known.person(text, part)
            except SessionsctlError:
                continue
            found.append(person.email if person.email != text.lower() else person.name)
        return ", ".join(found)

    def mark(self, field: str, text: str) -> bool:
        """Show ``text`` as the problem of ``field``; False when the form has no such field."""
        found = self.form.query(f"#err-{field}")
        if not found:
            return False
        error = found.first(Static)
        error.update(text)
        error.parent.add_class("-invalid")  # type: ignore[union-attr]
        return True

    def focus(self, field: str) -> None:
        """Go to ``field`` (its input, for a picker), scrolled into view."""
        found = self.form.query(f"#{field}")
        if not found:
            return
        widget = found.first()
        if isinstance(widget, Picker):
            widget.input.focus()
        else:
            widget.focus()
        self.form.query_one("#form-body", VerticalScroll).scroll_to_widget(widget, animate=False)
