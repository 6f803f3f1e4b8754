"""The booking form, for a new session (or series) and for changing one.

Every change is read again after a short pause: problems are shown beside their field, and
once the form reads as a session, core's `check` (for a new series `check_series`, every
occurrence) runs in a worker and the conflicts it finds are listed with the next free slots,
which one key (or a click) takes. Saving calls the same use case as `sessionsctl session add` /
`edit`; a refusal is shown, never a crash. The conflicts a refused save names stay in view
(with the override, and for a new series "book the free ones") until a field changes.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.timer import Timer
from textual.widgets import Button, Footer, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from ...core.domain.drafts import SessionDraft
from ...core.domain.errors import (
    ConflictError,
    InvalidInput,
    NotFound,
    SessionsctlError,
)
from ...core.domain.model import PaymentStatus, Role, Session, SessionType
from ...core.domain.timeutil import localize
from ...core.schedule.conflicts import Conflict
from ...core.schedule.service import Scope, SeriesResult, Slot
from .. import format as fmt
from .. import keys
from ..booking import (
    REPEATS,
    FormValues,
    Reading,
    changes_between,
    form_field,
    keep_length,
    read_form,
    values_of,
    with_slot,
)
from ..keys import bindings
from ..messages import ConflictsFound, DataChanged, ReferenceDataLoaded, SessionSaved
from ..widgets.picker import Choice, Picker
from ..workers import ReportsFailures

if TYPE_CHECKING:
    from ..context import TuiContext

DEBOUNCE = 0.35  # seconds of quiet typing before the form is read and checked
SLOTS = 5
SHOWN_CONFLICTS = 8  # lines of conflicts listed; the rest are counted
SLOT_HORIZON = timedelta(days=14)
INPUTS = ("title", "start", "end", "tz", "count", "rule", "max", "location", "link",
          "meeting_id", "passcode", "cost", "description", "notes", "force")
PICKERS = ("mentor", "students", "room", "subject")
_KIND_FIELD = {"mentor": "mentor", "student": "students", "person": "students", "room": "room",
               "subject": "subject", "term": "repeat"}


OPENING, CLOSING = time(8), time(20)  # where the next full hour is a sensible default start


def default_start(ctx: TuiContext, day: date) -> datetime:
    """The next full hour when ``day`` is today and that is within the working day, else
    16:00 (after school) on ``day``."""
    now = ctx.now().astimezone(ctx.tz)
    wall = datetime.combine(day, time(16))
    if day == now.date():
        soon = now.replace(minute=0, second=0, microsecond=0, tzinfo=None) + timedelta(hours=1)
        if OPENING <= soon.time() <= CLOSING:
            wall = soon
    return localize(wall, ctx.tz)


def describe(conflict: Conflict, tz: Any, *, dated: bool = False) -> Content:
    """One conflict; ``dated`` names the occurrence it is on (a series has many)."""
    parts: list[Any] = [("⚠ ", "bold $warning")]
    if dated:
        local = conflict.start.astimezone(tz)
        parts.append((f"{fmt.day_label(local.date())} {local:%H:%M}  ", "bold"))
    parts.append((conflict.detail, "$warning"))
    other = conflict.with_
    if other is not None and other.id:
        parts.append((f"  #{other.id} {fmt.when(other, tz)}", "$text-muted"))
    return Content.assemble(*parts)


class BookingScreen(ReportsFailures, Screen[int | None]):
    BINDINGS = bindings(keys.BOOKING)

    class Saved(Message):
        def __init__(self, session_ids: list[int], verb: str) -> None:
            super().__init__()
            self.session_ids = session_ids
            self.verb = verb

    class SaveFailed(Message):
        def __init__(self, error: SessionsctlError) -> None:
            super().__init__()
            self.error = error

    def __init__(self, ctx: TuiContext, *, session: Session | None = None,
                 start: datetime | None = None) -> None:
        super().__init__()
        self.ctx = ctx
        self.session = session
        if session is not None:
            self.initial = values_of(session)
        else:
            begin = start or default_start(ctx, ctx.today())
            self.initial = FormValues(start=f"{begin.astimezone(ctx.tz):%Y-%m-%d %H:%M}",
                                      end="+60", tz=ctx.tz_name)
        self._timer: Timer | None = None
        self._token = 0
        self._touched: set[str] = set()
        # The end follows the start (keeping the session's length) until it is typed in.
        self._end_typed = False
        self._conflicts: list[Conflict] = []
        self._slots: list[Slot] = []
        self._series = False  # the conflicts shown are of several occurrences
        self._occurrences: int | None = None  # how many a new series has (from its check)
        # The conflicts a refused save returned: they stay until a field changes (a live
        # check of one occurrence must not replace the clashes of the others).
        self._held: list[Conflict] | None = None
        self._held_series = False
        self._saving_series = False
        self._pristine: FormValues | None = None  # the form as it opened, to tell an edit
        self._saving = False
        self._tried = False  # after a first save, every problem stays in view
        self.reading: Reading | None = None

    # ------------------------------------------------------------------ layout
    def _row(self, label: str, field: str, widget: Any, hint: str = "") -> ComposeResult:
        with Horizontal(classes="field", id=f"row-{field}"):
            yield Label(label, classes="field-label")
            yield widget
            yield Static(hint, classes="field-error", id=f"err-{field}")

    def compose(self) -> ComposeResult:
        v = self.initial
        title = (f"Change #{self.session.id} {self.session.title}" if self.session
                 else "New booking")
        if self.session and self.session.series_id:
            title += "  (an occurrence of a series: you will be asked which occurrences)"
        yield Static(Content.styled(title, "bold"), classes="screen-title", id="form-title")
        with VerticalScroll(id="form-body"):
            yield from self._row("Title", "title", Input(v.title, id="title", compact=True,
                                                          placeholder="e.g. GCSE Maths"))
            yield from self._row("Mentor", "mentor", Picker(self._people(Role.MENTOR), id="mentor",
                                                            value=v.mentor,
                                                            placeholder="type a name or email"))
            yield from self._row("Students", "students", Picker(
                self._people(Role.STUDENT), id="students", multiple=True,
                value=", ".join(v.students) + (", " if v.students else ""),
                placeholder="type names; enter adds one"))
            yield from self._row("Start", "start", Input(v.start, id="start", compact=True,
                                                          placeholder="2026-12-01 16:00"))
            yield from self._row("End", "end", Input(v.end, id="end", compact=True,
                                                      placeholder="17:00, +60 or a date and time"))
            yield from self._row("Zone", "tz", Input(
                v.tz, id="tz", compact=True, placeholder="Europe/London",
                suggester=SuggestFromList(zone_names(), case_sensitive=False)))
            yield from self._row("Type", "type", Select(
                [(t.value, t) for t in SessionType], prompt="by number of students",
                value=v.type if v.type else Select.NULL, id="type", compact=True))
            yield from self._row("Room", "room", Picker(self._rooms(), id="room", value=v.room,
                                                        placeholder="none"))
            yield from self._row("Subject", "subject", Picker(self._subjects(), id="subject",
                                                              value=v.subject, placeholder="none"))
            if self.session is None:
                yield from self._row("Repeats", "repeat", Select(
                    [(label, key) for key, label in REPEATS.items()], value="none",
                    allow_blank=False, id="repeat", compact=True))
                yield from self._row("Occurrences", "count", Input(
                    v.count, id="count", compact=True, placeholder="10"))
                yield from self._row("Rule", "rule", Input(
                    v.rule, id="rule", compact=True, placeholder="FREQ=WEEKLY;BYDAY=TU;COUNT=12"))
            yield Static(id="conflicts")
            yield OptionList(id="slots")
            yield from self._row("Override", "force", Input(
                id="force", compact=True, placeholder="to book despite conflicts, say why"))
            yield Static("More", classes="section")
            yield from self._row("Max students", "max", Input(v.max, id="max", compact=True))
            yield from self._row("Location", "location", Input(v.location, id="location",
                                                                compact=True))
            yield from self._row("Link", "link", Input(v.link, id="link", compact=True))
            yield from self._row("Meeting id", "meeting_id", Input(v.meeting_id, id="meeting_id",
                                                                    compact=True))
            yield from self._row("Passcode", "passcode", Input(v.passcode, id="passcode",
                                                                compact=True))
            yield from self._row("Cost", "cost", Input(v.cost, id="cost", compact=True,
                                                        placeholder="e.g. 35.00"))
            yield from self._row("Payment", "payment", Select(
                [(p.value, p) for p in PaymentStatus], value=v.payment, allow_blank=False,
                id="payment", compact=True))
            yield from self._row("Description", "description", Input(
                v.description, id="description", compact=True))
            yield from self._row("Notes", "notes", Input(v.notes, id="notes", compact=True))
            yield Static(id="form-error")
            with Horizontal(id="form-buttons"):
                yield Button("Save (ctrl+s)", id="save", variant="primary")
                yield Button("Book the free ones (ctrl+b)", id="skip")
                yield Button("Back (escape)", id="back")
        yield Footer()

    def _people(self, role: Role) -> list[Choice]:
        roles = (role,) if role is Role.STUDENT else (Role.MENTOR, Role.STAFF, Role.ADMIN)
        return [Choice(p.email, p.name, p.email) for p in self.ctx.of_role(*roles)]

    def _rooms(self) -> list[Choice]:
        return [Choice(r.name, r.name, f"{r.capacity} seats" if r.capacity else "")
                for r in self.ctx.rooms]

    def _subjects(self) -> list[Choice]:
        return [Choice(s.name, s.name) for s in self.ctx.subjects]

    def on_mount(self) -> None:
        self._sync_repeat()
        self.query_one("#slots", OptionList).display = False
        self.query_one("#row-force").display = False
        self.query_one("#skip", Button).display = False
        self.query_one("#title", Input).focus()
        self._schedule(0)
        self.call_after_refresh(self._opened)

    def _opened(self) -> None:
        self._pristine = self.values()

    @property
    def edited(self) -> bool:
        """Whether anything differs from the form as it opened (a reason typed included)."""
        return self._pristine is not None and self.values() != self._pristine

    @on(ReferenceDataLoaded)
    def _references(self, message: ReferenceDataLoaded) -> None:
        message.stop()
        self.query_one("#mentor", Picker).set_choices(self._people(Role.MENTOR))
        self.query_one("#students", Picker).set_choices(self._people(Role.STUDENT))
        self.query_one("#room", Picker).set_choices(self._rooms())
        self.query_one("#subject", Picker).set_choices(self._subjects())

    # ------------------------------------------------------------------ reading the form
    def values(self) -> FormValues:
        def text(field: str) -> str:
            found = self.query(f"#{field}")
            return found.first(Input).value if found else ""

        def choice(field: str, default: Any) -> Any:
            found = self.query(f"#{field}")
            if not found:
                return default
            value = found.first(Select).value
            return default if value is Select.NULL else value

        return FormValues(
            title=text("title"), mentor=self.query_one("#mentor", Picker).value,
            students=tuple(self.query_one("#students", Picker).values()),
            start=text("start"), end=text("end"), tz=text("tz"), type=choice("type", None),
            room=self.query_one("#room", Picker).value,
            subject=self.query_one("#subject", Picker).value,
            repeat=choice("repeat", "none"), count=text("count"), rule=text("rule"),
            max=text("max"), location=text("location"), link=text("link"),
            meeting_id=text("meeting_id"), passcode=text("passcode"), cost=text("cost"),
            payment=choice("payment", PaymentStatus.UNPAID), description=text("description"),
            notes=text("notes"), force=text("force"))

    def read(self) -> Reading:
        return read_form(self.values(), self.ctx.tz, self.ctx.now())

    def _field_of(self, widget: Any) -> str | None:
        node = widget
        while node is not None and node is not self:
            if node.id in INPUTS or node.id in PICKERS or node.id in ("type", "repeat", "payment"):
                return node.id
            node = node.parent
        return None

    @on(Input.Changed)
    @on(Select.Changed)
    def _edited(self, event: Input.Changed | Select.Changed) -> None:
        field = self._field_of(event.control)
        if field is None or field == "force":
            return
        self._touched.add(field)
        self._held = None
        if field == "repeat":
            self._sync_repeat()
        elif field == "end" and event.control.has_focus:  # typed, not set by the form
            self._end_typed = True
        elif field == "start":
            self._keep_length()
        self._schedule()

    def _keep_length(self) -> None:
        """Moving an existing session's start moves its end with it, until the end is typed
        in (a new booking's end is a length, +60, already)."""
        if self.session is None or self._end_typed:
            return
        moved = keep_length(self.values(), self.session.duration, self.ctx.tz, self.ctx.now())
        if moved is not None:
            self.query_one("#end", Input).value = moved.end

    @on(Picker.Picked)
    def _picked(self, event: Picker.Picked) -> None:
        self._touched.add(event.picker.id or "")
        self._held = None
        self._schedule(0.05)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def _sync_repeat(self) -> None:
        if self.session is not None:
            return
        repeat = self.query_one("#repeat", Select).value
        self.query_one("#row-count").display = repeat not in ("none", "custom")
        self.query_one("#row-rule").display = repeat == "custom"

    def _schedule(self, delay: float = DEBOUNCE) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(delay, self.revalidate)

    def revalidate(self, *, everything: bool = False) -> Reading:
        """Show the problems of the fields touched so far (``everything``: of all fields);
        when the form reads as a session, check it for conflicts."""
        self._timer = None
        everything = everything or self._tried
        reading = self.read()
        self.reading = reading
        self._token += 1
        shown = set(reading.errors) if everything else (set(reading.errors) & self._touched)
        typing = None if everything else self._field_of(self.focused)
        for error in self.query(".field-error"):
            field = (error.id or "").removeprefix("err-")
            row = error.parent
            assert row is not None
            # The field being typed in is not told off mid-word; its error shows on leaving
            # it (or stays, if it was already showing).
            show = field in shown and (field != typing or row.has_class("-invalid"))
            hint = "" if show else self._hint(field)
            error.update(reading.errors[field] if show else hint)
            error.set_class(bool(hint), "-hint")
            row.set_class(show, "-invalid")
        if reading.ok and reading.draft is not None:
            self._check(reading.draft, self._token, reading.rule if self.session is None else None)
        else:
            self._show_conflicts([], [])
        return reading

    def _hint(self, field: str) -> str:
        """Who the emails in the people fields are, once they are right."""
        if field == "mentor":
            emails = [self.query_one("#mentor", Picker).value.strip()]
        elif field == "students":
            emails = self.query_one("#students", Picker).values()
        else:
            return ""
        known = [self.ctx.people[e].name for e in emails if e in self.ctx.people]
        return ", ".join(known)

    # ------------------------------------------------------------------ live conflicts
    @work(thread=True, exclusive=True, group="form-check", exit_on_error=False)
    def _check(self, draft: SessionDraft, token: int, rule: str | None = None) -> None:
        centre = self.ctx.centre
        exclude = [self.session.id] if self.session is not None else []
        try:
            if rule is not None:
                # A new series: every occurrence, as booking it will judge them. Slots are
                # not offered: a start free for the first occurrence says nothing of the rest.
                planned = centre.check_series(draft, rule)
                self.post_message(ConflictsFound(token, planned.conflicts, [], series=True,
                                                 occurrences=len(planned.starts)))
                return
            conflicts = centre.check(draft, exclude=exclude)
            slots: list[Slot] = []
            if conflicts:
                slots = centre.free_slots(draft, until=draft.start + SLOT_HORIZON, count=SLOTS)
                if exclude:  # the session being moved does not block its own new slot
                    slots = [s for s in slots if s.start != draft.start]
        except (InvalidInput, NotFound) as exc:
            field = (_KIND_FIELD.get(exc.kind, "title") if isinstance(exc, NotFound)
                     else form_field(exc.field))
            message = (f"no {exc.kind} {exc.key}" if isinstance(exc, NotFound)
                       else exc.detail)
            self.post_message(ConflictsFound(token, [], [], message, field))
            return
        self.post_message(ConflictsFound(token, conflicts, slots))

    @on(ConflictsFound)
    def _found(self, message: ConflictsFound) -> None:
        message.stop()
        if message.token != self._token:
            return  # the form changed since: a newer check is on its way
        if message.problem and message.problem_field:
            error = self.query_one(f"#err-{message.problem_field}", Static)
            error.update(message.problem)
            error.parent.add_class("-invalid")  # type: ignore[union-attr]
        if message.series:
            self._occurrences = message.occurrences
        if self._held is not None:
            self._show_conflicts(self._held, message.slots, series=self._held_series)
        else:
            self._show_conflicts(message.conflicts, message.slots, series=message.series)

    def _skippable(self) -> bool:
        """Whether "book the free ones" applies: a new series, some of it clashing, some free."""
        if self.session is not None or not self._series or not self._conflicts:
            return False
        clashing = len({c.start for c in self._conflicts})
        return self._occurrences is None or clashing < self._occurrences

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "skip_conflicts":
            return self._skippable()
        return True

    def _show_conflicts(self, conflicts: list[Conflict], slots: list[Slot], *,
                        series: bool = False) -> None:
        self._conflicts, self._slots, self._series = conflicts, slots, series
        panel = self.query_one("#conflicts", Static)
        options = self.query_one("#slots", OptionList)
        self.query_one("#row-force").display = bool(conflicts)
        self.query_one("#skip", Button).display = self._skippable()
        self.refresh_bindings()
        if not conflicts:
            panel.update("")
            panel.remove_class("-shown")
            options.display = False
            return
        tz = self.ctx.tz
        lines = [describe(c, tz, dated=series) for c in conflicts[:SHOWN_CONFLICTS]]
        if len(conflicts) > SHOWN_CONFLICTS:
            lines.append(Content.styled(f"… and {len(conflicts) - SHOWN_CONFLICTS} more",
                                        "$text-muted"))
        if series:
            clashing = len({c.start for c in conflicts})
            if self._occurrences and self.session is None:
                head = f"{clashing} of {self._occurrences} occurrences clash:"
            else:
                head = (f"{clashing} occurrences clash:" if clashing != 1
                        else "1 occurrence clashes:")
            lines.insert(0, Content.styled(head, "bold"))
            lines.append(Content.styled(
                "Say why below to book every occurrence anyway"
                + (", or book only the free ones (ctrl+b)." if self._skippable() else "."),
                "$text-muted"))
        elif slots:
            lines.append(Content.styled("Free instead (enter or click takes one):", "bold"))
        else:
            lines.append(Content.styled("No free slot in the next two weeks for these people "
                                        "and room.", "$text-muted"))
        panel.update(Content("\n").join(lines))
        panel.add_class("-shown")
        options.clear_options()
        for i, slot in enumerate(slots):
            local = slot.start.astimezone(tz)
            options.add_option(Option(
                f"{fmt.day_label(local.date())} {local:%H:%M}–{fmt.hhmm(slot.end, tz)}", id=str(i)))
        options.display = bool(slots)
        if slots:
            options.highlighted = 0

    def action_slots(self) -> None:
        """Jump to the free slots offered beside a conflict."""
        slots = self.query_one("#slots", OptionList)
        if slots.display and slots.option_count:
            slots.focus()
            self.query_one("#form-body", VerticalScroll).scroll_to_widget(slots, animate=False)
        elif self._conflicts:
            self._focus_field("force")
            self.notify("no free slot to offer here: say why to book anyway"
                        + (", or ctrl+b books only the free occurrences"
                           if self._skippable() else ""), timeout=5)
        else:
            self.notify("no conflict, so no other slot to offer", timeout=3)

    @on(OptionList.OptionSelected, "#slots")
    def _slot_taken(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        slot = self._slots[int(event.option.id or 0)]
        values = self.values()
        tz = self.ctx.tz
        try:
            from ...core.domain.timeutil import zone

            tz = zone(values.tz or self.ctx.tz_name)
        except InvalidInput:
            pass
        moved = with_slot(values, slot.start, slot.end, tz)
        self.query_one("#start", Input).value = moved.start
        self.query_one("#end", Input).value = moved.end
        self._touched.update({"start", "end"})
        self.notify(f"moved to {moved.start}", timeout=3)
        self._schedule(0)
        self.query_one("#start", Input).focus()

    @on(DataChanged)
    def _changed(self, message: DataChanged) -> None:
        message.stop()
        if not self._saving:
            self._schedule(0)

    # ------------------------------------------------------------------ saving
    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#skip")
    def _skip_pressed(self) -> None:
        self.action_skip_conflicts()

    @on(Button.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.action_leave()

    def action_leave(self) -> None:
        """Back, at once when nothing was typed; otherwise only once the user says to discard."""
        if not self.edited:
            self.dismiss(None)
            return
        from .dialogs import ConfirmDialog

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog(
            "Discard your changes?", "What you typed in this form has not been saved.",
            yes="Discard", no="Keep editing"), answered)

    def _ready(self) -> Reading | None:
        """The form read in full for saving, or None (its problems shown) when it does not read."""
        if self._saving:
            return None
        if self._timer is not None:
            self._timer.stop()
        self._tried = True
        reading = self.revalidate(everything=True)
        if not reading.ok or reading.draft is None:
            first = next(iter(reading.errors))
            self._set_form_error(f"Not saved: {len(reading.errors)} field"
                                 f"{'s' if len(reading.errors) != 1 else ''} to correct")
            self._focus_field(first)
            return None
        return reading

    def action_skip_conflicts(self) -> None:
        """Book the occurrences of a new series that are free, and leave out those that
        clash (`session add --repeat … --skip-conflicts`)."""
        if not self._skippable():
            return
        reading = self._ready()
        if reading is None:
            return
        if reading.rule is None:
            self.notify("only a repeating booking has occurrences to leave out", timeout=4)
            return
        self._begin_save(reading, None, "this", {}, skip=True)

    def action_save(self) -> None:
        reading = self._ready()
        if reading is None:
            return
        assert reading.draft is not None
        force = self.values().force.strip() or None
        if self.session is None:
            self._begin_save(reading, force, "this", {})
            return
        changes = changes_between(self.session, reading.draft)
        if not changes:
            self.notify("nothing changed", timeout=3)
            self.dismiss(None)
            return
        if self.session.series_id is None:
            self._begin_save(reading, force, "this", changes)
            return
        from .dialogs import ScopeDialog

        def chosen(scope: Scope | None) -> None:
            if scope is not None:
                self._begin_save(reading, force, scope, changes)

        self.app.push_screen(ScopeDialog("Change"), chosen)

    def _begin_save(self, reading: Reading, force: str | None, scope: Scope,
                    changes: dict[str, Any], *, skip: bool = False) -> None:
        self._saving = True
        self._saving_series = (self.session is None and reading.rule is not None) \
            or (self.session is not None and self.session.series_id is not None
                and scope != "this")
        self._set_form_error("saving…", error=False)
        assert reading.draft is not None
        self._save(reading.draft, reading.rule, force, scope, changes, skip)

    @work(thread=True, exclusive=True, group="form-save", exit_on_error=False)
    def _save(self, draft: SessionDraft, rule: str | None, force: str | None, scope: Scope,
              changes: dict[str, Any], skip: bool = False) -> None:
        centre = self.ctx.centre
        try:
            if self.session is None and rule:
                series = centre.create_series(draft, rule, force_reason=force,
                                              skip_conflicts=skip)
                ids = [s.id for s in series.booked]
                tz = self.ctx.tz
                days = ", ".join(fmt.day_label(s.astimezone(tz).date())
                                 for s in series.skipped[:3])
                more = "…" if len(series.skipped) > 3 else ""
                verb = (f"Booked series #{series.series.id}: {len(ids)} sessions"
                        + (f", {len(series.skipped)} left out for clashes ({days}{more})"
                           if series.skipped else "")
                        + (f", {len(series.closed)} skipped for closures" if series.closed else ""))
            elif self.session is None:
                booked = centre.book(draft, force_reason=force)
                ids, verb = [booked.session.id], f"Booked #{booked.session.id} {booked.session.title}"
            else:
                result = centre.edit_scoped(self.session.id, changes, scope=scope,
                                            force_reason=force)
                if isinstance(result, SeriesResult):
                    ids = [s.id for s in result.changed or result.booked]
                    verb = f"Changed {len(ids)} occurrence{'s' if len(ids) != 1 else ''}"
                else:
                    ids, verb = [result.session.id], f"Changed #{result.session.id}"
        except SessionsctlError as exc:
            self.post_message(self.SaveFailed(exc))
            return
        self.post_message(self.Saved(ids, verb))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self._saving = False
        self.app.post_message(SessionSaved(tuple(message.session_ids), message.verb))
        self.notify(message.verb, timeout=4)
        self.dismiss(message.session_ids[0] if message.session_ids else None)

    @on(SaveFailed)
    def _failed(self, message: SaveFailed) -> None:
        self._saving = False
        error = message.error
        if isinstance(error, ConflictError):
            # What the save met is what is shown, every occurrence of a series included,
            # until a field changes; a check of one occurrence only looks for free slots.
            series = self._saving_series
            self._held, self._held_series = list(error.conflicts), series
            self._token += 1
            self._show_conflicts(self._held, [], series=series)
            if series:
                clashing = len({c.start for c in self._held})
                verb = "occurrences clash" if clashing != 1 else "occurrence clashes"
                self._set_form_error(
                    f"Not saved: {clashing} {verb}. "
                    "Say why to book anyway"
                    + (", or book only the free ones (ctrl+b)." if self._skippable() else "."))
                self._focus_field("force")
            else:
                self._set_form_error(f"Not saved: {error.message}. Take a free slot, or say "
                                     "why to book anyway.")
                if self.reading is not None and self.reading.draft is not None:
                    self._check(self.reading.draft, self._token)
            return
        field = None
        if isinstance(error, NotFound):
            field = _KIND_FIELD.get(error.kind)
        elif isinstance(error, InvalidInput):
            field = form_field(error.field)
        text = error.detail if isinstance(error, InvalidInput) else error.message
        if field and self.query(f"#err-{field}"):
            error_widget = self.query_one(f"#err-{field}", Static)
            error_widget.update(text)
            error_widget.parent.add_class("-invalid")  # type: ignore[union-attr]
            self._focus_field(field)
        self._set_form_error(f"Not saved: {error.message}")
        self.notify(error.message, title="Not saved", severity="error", timeout=8)

    def _set_form_error(self, text: str, *, error: bool = True) -> None:
        self.query_one("#form-error", Static).update(
            Content.styled(text, "bold $error" if error else "$text-muted"))

    def _focus_field(self, field: str) -> None:
        found = self.query(f"#{field}")
        if not found:
            return
        widget = found.first()
        if isinstance(widget, Picker):
            widget.input.focus()
        else:
            widget.focus()
        self.query_one("#form-body", VerticalScroll).scroll_to_widget(widget, animate=False)


@lru_cache(maxsize=1)
def zone_names() -> list[str]:
    """Every IANA zone name, for the zone field's completion (read once: it walks tzdata)."""
    from zoneinfo import available_timezones

    return sorted(available_timezones())
