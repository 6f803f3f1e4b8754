"""The booking form's screen, for a new session (or series) and for changing one.

Every change is read again after a short pause: problems are shown beside their field, and
once the form reads as a session, core's `check` (for a new series `check_series`, every
occurrence) runs in a worker and the conflicts it finds are listed with the next free slots,
which one key (or a click) takes. Saving calls the same use case as `sessionsctl session add` /
`edit`; a refusal is shown, never a crash. The conflicts a refused save names stay in view
(with the override, and for a new series "book the free ones") until a field changes.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Footer, Input, OptionList, Select, Static

from ....core.domain.drafts import SessionDraft
from ....core.domain.errors import SessionsctlError
from ....core.domain.model import Session
from ....core.schedule.scopes import Scope
from ... import keys
from ...keys import bindings
from ...messages import ConflictsFound, DataChanged, ReferenceDataLoaded, SessionSaved
from ...widgets.picker import Picker
from ...workers import ReportsFailures
from . import save as saving
from .check import check
from .conflicts import Clashes, ConflictsPanel, SlotList
from .fields import Fields, booking_rows, more_rows, override_row
from .reading import FormValues, Reading, keep_length, opening_values, read_form, with_slot
from .save import Outcome, Refusal, Saver, SaveRequest

if TYPE_CHECKING:
    from ...context import TuiContext

DEBOUNCE = 0.35  # seconds of quiet typing before the form is read and checked


class BookingScreen(ReportsFailures, Screen[int | None]):
    BINDINGS = bindings(keys.BOOKING)

    class Saved(Message):
        def __init__(self, outcome: Outcome) -> None:
            super().__init__()
            self.outcome = outcome

    class SaveFailed(Message):
        def __init__(self, error: SessionsctlError) -> None:
            super().__init__()
            self.error = error

    def __init__(self, ctx: TuiContext, *, session: Session | None = None,
                 start: datetime | None = None, values: FormValues | None = None,
                 saver: Saver | None = None, heading: str | None = None) -> None:
        """A new booking (from ``start``), or a change to ``session``. A caller may open a
        new booking filled in (``values``), say what saving it does (``saver``, run in a
        worker instead of booking it plainly) and what the form is called (``heading``)."""
        super().__init__()
        self.ctx, self.session, self.saver, self.heading = ctx, session, saver, heading
        self.initial = values or opening_values(ctx, session, start)
        self.fields = Fields(self, ctx)
        self._timer: Timer | None = None
        self._token = 0
        self._touched: set[str] = set()
        # The end follows the start (keeping the session's length) until it is typed in.
        self._end_typed = False
        self.clashes = Clashes(self, ctx.tz, new=session is None)
        self._saving_series = False
        self._pristine: FormValues | None = None  # the form as it opened, to tell an edit
        self._saving = False
        self._tried = False  # after a first save, every problem stays in view
        self.reading: Reading | None = None

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        title = (f"Change #{self.session.id} {self.session.title}" if self.session
                 else self.heading or "New booking")
        if self.session and self.session.series_id:
            title += "  (an occurrence of a series: you will be asked which occurrences)"
        yield Static(Content.styled(title, "bold"), classes="screen-title", id="form-title")
        with VerticalScroll(id="form-body"):
            yield from booking_rows(self.ctx, self.initial, new=self.session is None)
            yield ConflictsPanel(id="conflicts")
            yield SlotList(id="slots")
            yield from override_row()
            yield from more_rows(self.initial)
            yield Static(id="form-error")
            with Horizontal(id="form-buttons"):
                yield Button(f"Save ({keys.SAVE.first})", id="save", variant="primary")
                yield Button(f"Book the free ones ({keys.SKIP.first})", id="skip")
                yield Button(f"Back ({keys.LEAVE.first})", id="back")
        yield Footer()

    def on_mount(self) -> None:
        self.fields.sync_repeat()
        self.query_one(SlotList).display = False
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
        self.fields.set_choices()

    # ------------------------------------------------------------------ reading the form
    def values(self) -> FormValues:
        return self.fields.values()

    def read(self) -> Reading:
        return read_form(self.values(), self.ctx.tz, self.ctx.now(), self.ctx.known(),
                         [t.name for t in self.ctx.terms])

    @on(Input.Changed)
    @on(Select.Changed)
    def _edited(self, event: Input.Changed | Select.Changed) -> None:
        field = self.fields.field_of(event.control)
        if field is None or field == "force":
            return
        self._touched.add(field)
        self.clashes.release()
        if field == "repeat":
            self.fields.sync_repeat()
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
        self.clashes.release()
        self._schedule(0.05)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

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
        typing = None if everything else self.fields.field_of(self.focused)
        self.fields.show_problems(reading.errors, shown, typing)
        if reading.ok and reading.draft is not None:
            self._check(reading.draft, self._token, reading.rule, reading.term)  # edit: None
        else:
            self.clashes.show([], [])
        return reading

    # ------------------------------------------------------------------ live conflicts
    @work(thread=True, exclusive=True, group="form-check", exit_on_error=False)
    def _check(self, draft: SessionDraft, token: int, rule: str | None = None,
               term: str | None = None) -> None:
        exclude = [self.session.id] if self.session is not None else []
        found = check(self.ctx.centre, draft, exclude=exclude, rule=rule, term=term)
        self.post_message(ConflictsFound(token, found.conflicts, found.slots, found.problem,
                                         found.problem_field, found.series, found.occurrences))

    @on(ConflictsFound)
    def _found(self, message: ConflictsFound) -> None:
        message.stop()
        if message.token != self._token:
            return  # the form changed since: a newer check is on its way
        if message.problem and message.problem_field:
            self.fields.mark(message.problem_field, message.problem)
        self.clashes.found(message)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "skip_conflicts":
            return self.clashes.skippable
        return True

    def action_slots(self) -> None:
        """Jump to the free slots offered beside a conflict."""
        slots = self.query_one(SlotList)
        if slots.display and slots.option_count:
            slots.focus()
            self.query_one("#form-body", VerticalScroll).scroll_to_widget(slots, animate=False)
        elif self.clashes.conflicts:
            self.fields.focus("force")
            self.notify("no free slot to offer here: say why to book anyway"
                        + (f", or {keys.SKIP.first} books only the free occurrences"
                           if self.clashes.skippable else ""), timeout=5)
        else:
            self.notify("no conflict, so no other slot to offer", timeout=3)

    @on(OptionList.OptionSelected, "#slots")
    def _slot_taken(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        slot = self.clashes.slots[int(event.option.id or 0)]
        values = self.values()
        moved = with_slot(values, slot.start, slot.end, saving.zone_or(values.tz, self.ctx.tz))
        self.query_one("#start", Input).value = moved.start
        self.query_one("#end", Input).value = moved.end
        self._touched.update({"start", "end"})
        where = ""
        if slot.room:  # only the room was taken then: the slot comes with another room
            self.query_one("#room", Picker).value = slot.room
            self._touched.add("room")
            where = f" in {slot.room}"
        self.notify(f"moved to {moved.start}{where}", timeout=3)
        self._schedule(0)
        self.query_one("#start", Input).focus()

    @on(DataChanged)
    def _changed(self, message: DataChanged) -> None:
        message.stop()
        if not self._saving:
            self._schedule(0)

    # ------------------------------------------------------------------ saving
    @on(Button.Pressed, "#form-buttons Button")
    def _pressed(self, event: Button.Pressed) -> None:
        pressed = {"save": self.action_save, "skip": self.action_skip_conflicts,
                   "back": self.action_leave}.get(event.button.id or "")
        if pressed is not None:
            pressed()

    def action_leave(self) -> None:
        """Back, at once when nothing was typed; otherwise only once the user says to discard."""
        if not self.edited:
            self.dismiss(None)
            return
        from ..dialogs import ConfirmDialog

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
            self.fields.focus(first)
            return None
        return reading

    def action_skip_conflicts(self) -> None:
        """Book the occurrences of a new series that are free, and leave out those that
        clash (`session add --repeat … --skip-conflicts`)."""
        if not self.clashes.skippable:
            return
        reading = self._ready()
        if reading is None:
            return
        request = saving.skip_request(reading)
        if request is None:
            self.notify("only a repeating booking has occurrences to leave out", timeout=4)
            return
        self._begin_save(request)

    def action_save(self) -> None:
        reading = self._ready()
        if reading is None:
            return
        plan = saving.plan(self.session, reading, self.values().force.strip() or None)
        request = plan.request
        if request is None:
            self.notify("nothing changed", timeout=3)
            self.dismiss(None)
            return
        if not plan.ask_scope:
            self._begin_save(request)
            return
        from ..dialogs import ScopeDialog

        def chosen(scope: Scope | None) -> None:
            if scope is not None:
                self._begin_save(replace(request, scope=scope))

        self.app.push_screen(ScopeDialog("Change"), chosen)

    def _begin_save(self, request: SaveRequest) -> None:
        question = saving.past_question(request, self.ctx.now(), self.ctx.tz,
                                        self.session is None)
        if question is not None:  # core books a day gone by only when told it is meant
            from ..dialogs import ConfirmDialog

            def answered(yes: bool | None) -> None:
                if yes:
                    self._begin_save(replace(request, past=True))

            self.app.push_screen(ConfirmDialog("Book it before today?", question,
                                               yes="Record it", no="Change the date"), answered)
            return
        self._saving = True
        self._saving_series = saving.saves_series(self.session, request)
        self._set_form_error("saving…", error=False)
        self._save(request)

    @work(thread=True, exclusive=True, group="form-save", exit_on_error=False)
    def _save(self, request: SaveRequest) -> None:
        try:
            outcome = self.saver(request) if self.saver is not None else saving.save(
                self.ctx.centre, self.session, request, self.ctx.tz)
        except SessionsctlError as exc:
            self.post_message(self.SaveFailed(exc))
            return
        self.post_message(self.Saved(outcome))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self._saving = False
        ids, verb = message.outcome.session_ids, message.outcome.verb
        self.app.post_message(SessionSaved(tuple(ids), verb))
        self.notify(verb, timeout=4)
        self.dismiss(ids[0] if ids else None)

    @on(SaveFailed)
    def _failed(self, message: SaveFailed) -> None:
        self._saving = False
        refused = saving.refusal(message.error, series=self._saving_series,
                                 new=self.session is None, occurrences=self.clashes.occurrences)
        if refused.conflicts is not None:
            self._hold(refused)
            return
        if refused.field and self.fields.mark(refused.field, refused.detail):
            self.fields.focus(refused.field)
        self._set_form_error(refused.summary)
        self.notify(refused.notify or refused.summary, title="Not saved", severity="error",
                    timeout=8)

    def _hold(self, refused: Refusal) -> None:
        """What the save met is what is shown, every occurrence of a series included, until
        a field changes; a check of one occurrence only looks for free slots."""
        assert refused.conflicts is not None
        self._token += 1
        self.clashes.hold(refused.conflicts, series=refused.series)
        self._set_form_error(refused.summary)
        if refused.focus:
            self.fields.focus(refused.focus)
        if refused.recheck and self.reading is not None and self.reading.draft is not None:
            self._check(self.reading.draft, self._token)

    def _set_form_error(self, text: str, *, error: bool = True) -> None:
        self.query_one("#form-error", Static).update(
            Content.styled(text, "bold $text-error" if error else "$text-muted"))
