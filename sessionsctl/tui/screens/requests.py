"""The request queue (`ctrl+r`): open mentorship requests, the most urgent and oldest first,
and those the acting mentor claimed; `c` claims the one under the cursor, `s` (or enter)
opens the booking form for a claimed one, filled in at its first free slot (the same finder
as `request schedule`), whose save books it as `request schedule` does."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ...core.domain.errors import SessionsctlError
from ...core.requests.model import MentorRequest, RequestStatus
from .. import format as fmt
from .. import keys
from ..keys import bindings
from ..workers import ReportsFailures
from .request_booking import scheduling_saver, scheduling_values

if TYPE_CHECKING:
    from ..context import TuiContext

_URGENCY_STYLE = {"high": "bold $error", "normal": "$warning", "low": "$text-muted"}


class RequestsScreen(ReportsFailures, ModalScreen[None]):
    BINDINGS = bindings(keys.REQUESTS_SCREEN)

    class Loaded(Message):
        def __init__(self, requests: list[MentorRequest]) -> None:
            super().__init__()
            self.requests = requests

    class Done(Message):
        """A claim or a booking made (``said``), or refused (``error``)."""

        def __init__(self, said: str | None = None,
                     error: SessionsctlError | None = None) -> None:
            super().__init__()
            self.said = said
            self.error = error

    class Drafted(Message):
        """The booking form for a claimed request, filled in (``start``: its first free
        slot, None when none fits)."""

        def __init__(self, request: MentorRequest, start: datetime | None) -> None:
            super().__init__()
            self.request = request
            self.start = start

    def __init__(self, ctx: TuiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.requests: list[MentorRequest] = []
        self._keep: int | None = None  # the request the cursor stays on across a reload

    def compose(self) -> ComposeResult:
        with Vertical(id="requests-box"):
            yield Label("[b]Requests[/b] · the open queue, and those you claimed")
            yield OptionList(id="requests-list")
            yield Static("c: claim · s or enter: schedule it in the booking form · "
                         "escape: back",
                         classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="requests", exit_on_error=False)
    def load(self) -> None:
        found = self.ctx.centre.requests.find()  # open first, the most urgent and oldest first
        # Those claimed (to schedule) above the open queue.
        self.post_message(self.Loaded(
            [r for r in found if r.status is RequestStatus.CLAIMED]
            + [r for r in found if r.status is RequestStatus.OPEN]))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        self.requests = message.requests
        options = self.query_one(OptionList)
        options.clear_options()
        if not self.requests:
            options.add_option(Option("no open requests", disabled=True))
            return
        for r in self.requests:
            options.add_option(Option(self._prompt(r), id=str(r.id)))
        options.highlighted = next((i for i, r in enumerate(self.requests)
                                    if r.id == self._keep), 0)

    def _prompt(self, r: MentorRequest) -> Content:
        state = "open" if r.status is RequestStatus.OPEN else f"claimed by {r.mentor}"
        return Content.assemble(
            (f" #{r.id} ", "bold $text-accent"), (f"{r.urgency.value:6}", _URGENCY_STYLE[
                r.urgency.value]), "  ", (fmt.clip(r.title, 30), "bold"),
            f"  {r.minutes} min  ", (fmt.clip(self.ctx.name(r.student), 20), "$text-muted"),
            f"  {state}")

    def _current(self) -> MentorRequest | None:
        index = self.query_one(OptionList).highlighted
        return self.requests[index] if index is not None and index < len(self.requests) \
            else None

    def action_claim(self) -> None:
        current = self._current()
        if current is not None:
            self._act(current.id, "claim")

    def action_schedule(self) -> None:
        current = self._current()
        if current is None:
            return
        if current.status is RequestStatus.OPEN:
            self.notify(f"Claim request {current.id} first (c)", timeout=4)
            return
        self._act(current.id, "schedule")

    @on(OptionList.OptionSelected, "#requests-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_schedule()

    @work(thread=True, exclusive=True, group="request-act", exit_on_error=False)
    def _act(self, request_id: int, what: str) -> None:
        requests = self.ctx.centre.requests
        self._keep = request_id
        try:
            if what == "claim":
                claimed = requests.claim(request_id)
                self.post_message(self.Done(f"Request {request_id} is yours, "
                                            f"{claimed.mentor}: s schedules it"))
                return
            request = requests.show(request_id)
            slots = requests.suggest(request_id, 1)
            if not get_current_worker().is_cancelled:
                self.post_message(self.Drafted(request, slots[0].start if slots else None))
        except SessionsctlError as exc:
            self.post_message(self.Done(error=exc))

    @on(Drafted)
    def _open_form(self, message: Drafted) -> None:
        """The booking form, filled in; saving it schedules the request, leaving it (or
        escape) keeps it claimed. The queue is read again after."""
        from .booking.screen import BookingScreen

        request = message.request
        if message.start is None:
            self.notify(f"No free slot fits request {request.id}'s preferences: "
                        "choose a time in the form", timeout=6)
        self.app.push_screen(BookingScreen(
            self.ctx, values=scheduling_values(self.ctx, request, message.start),
            saver=scheduling_saver(self.ctx, request.id),
            heading=f"Schedule request #{request.id} {request.title}"),
            lambda _booked: self.load())

    @on(Done)
    def _done(self, message: Done) -> None:
        if message.error is not None:
            self.notify(message.error.message, severity="error", timeout=8)
        else:
            self.notify(message.said or "")
        self.load()
