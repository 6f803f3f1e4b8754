"""Today's sessions, for taking attendance: `ctrl+t` then a digit (or enter) from anywhere."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from ...core.domain.drafts import SessionQuery
from ...core.domain.model import Session, SessionStatus
from ...core.domain.timeutil import day_start
from .. import format as fmt
from .. import keys
from ..keys import bindings
from ..messages import OpenAttendance
from ..workers import ReportsFailures

if TYPE_CHECKING:
    from ..context import TuiContext


class TodayScreen(ReportsFailures, ModalScreen[None]):
    BINDINGS = bindings(keys.TODAY_SCREEN)

    class Loaded(Message):
        def __init__(self, sessions: list[Session]) -> None:
            super().__init__()
            self.sessions = sessions

    def __init__(self, ctx: TuiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.sessions: list[Session] = []
        self._loaded = False
        self._wanted: int | None = None  # a digit pressed before the list was read
        self._cursor: int | None = None  # the option drawn in the cursor's colours

    def compose(self) -> ComposeResult:
        with Vertical(id="today-box"):
            yield Label(f"[b]Today[/b] · {fmt.long_day(self.ctx.today())} — take attendance")
            yield OptionList(id="today-list")
            yield Static("1–9 or enter: attendance · escape: back", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="today", exit_on_error=False)
    def load(self) -> None:
        day = self.ctx.today()
        tz = self.ctx.tz
        sessions = self.ctx.centre.sessions.find(SessionQuery(
            start=day_start(day, tz), end=day_start(day + timedelta(days=1), tz)))
        self.post_message(self.Loaded([s for s in sessions
                                       if s.status is not SessionStatus.CANCELLED]))

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        self.sessions = message.sessions
        self._loaded = True
        if self._wanted is not None:
            self.action_pick(self._wanted)
            return
        options = self.query_one(OptionList)
        options.clear_options()
        self._cursor = None
        if not self.sessions:
            options.add_option(Option("no sessions today", disabled=True))
            return
        for n, s in enumerate(self.sessions, 1):
            options.add_option(Option(self._prompt(n, s), id=str(s.id)))
        # Start on the session running now, or the next one.
        now = self.ctx.now()
        current = next((i for i, s in enumerate(self.sessions) if s.end > now), 0)
        options.highlighted = current

    def _prompt(self, n: int, s: Session, *, cursor: bool = False) -> Content:
        """Session ``n`` as a line of the list; on the cursor in the cursor's own colours (a
        status colour on the cursor's background could not be read)."""
        key = f"{n}" if n < 10 else " "
        parts: list[tuple[str, str] | str] = [
            (f" {key} ", "bold $text-accent"), (fmt.span(s, self.ctx.tz), "bold"), "  ",
            ("▌", fmt.subject_style(s.subject)), (fmt.clip(s.title, 30), fmt.status(s, self.ctx.now())[1]),
            "  ", (fmt.clip(self.ctx.name(s.mentor), 20), "$text-muted"),
            f"  {len(s.students)} student{'s' if len(s.students) != 1 else ''}"]
        if cursor:
            parts = [(part[0], "bold" if "bold" in part[1] else "") if isinstance(part, tuple)
                     else part for part in parts]
        return Content.assemble(*parts)

    @on(OptionList.OptionHighlighted)
    def _lit(self, event: OptionList.OptionHighlighted) -> None:
        options = self.query_one(OptionList)
        for index in {self._cursor, event.option_index}:
            if index is not None and index < len(self.sessions):
                options.replace_option_prompt_at_index(index, self._prompt(
                    index + 1, self.sessions[index], cursor=index == event.option_index))
        self._cursor = event.option_index

    def action_pick(self, n: int) -> None:
        if not self._loaded:
            self._wanted = n
            return
        if 1 <= n <= len(self.sessions):
            self._open(self.sessions[n - 1].id)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self._open(int(event.option.id))

    def _open(self, session_id: int) -> None:
        self.dismiss()
        self.app.post_message(OpenAttendance(session_id))
