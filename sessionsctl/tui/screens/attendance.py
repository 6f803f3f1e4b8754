"""Taking attendance: one key per status, then the next student; every mark saved at once.

Marks are written in the order they were given by one worker draining a queue, so a quick
"present, no: late" ends as late; the row shows the mark at once and its check-in when saved.
A session that has not started is marked only once the user says so (core's rule, asked here
before the cursor moves; core's own refusal, should the clock beat us, asks the same).
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ...core.attendance import check_markable
from ...core.centre import SessionDetails
from ...core.domain.errors import NotStarted, SessionsctlError
from ...core.domain.model import Attendance, AttendanceStatus
from .. import format as fmt
from .. import keys
from ..format import shown
from ..keys import bindings
from ..messages import DataChanged, SessionSaved
from ..workers import ReportsFailures

if TYPE_CHECKING:
    from ..context import TuiContext

REST = "rest"  # the queue item that marks every unmarked student present


class AttendanceScreen(ReportsFailures, Screen[None]):
    BINDINGS = bindings(keys.ATTENDANCE_SCREEN)

    class Loaded(Message):
        def __init__(self, details: SessionDetails | None, error: str | None = None) -> None:
            super().__init__()
            self.details = details
            self.error = error

    class Saved(Message):
        def __init__(self, marks: list[Attendance], error: str | None = None,
                     student: str | None = None, *,
                     not_started: AttendanceStatus | None = None) -> None:
            super().__init__()
            self.marks = marks
            self.error = error
            self.student = student
            self.not_started = not_started  # refused as too early: the mark that was asked

    class Drained(Message):
        pass

    def __init__(self, ctx: TuiContext, session_id: int) -> None:
        super().__init__()
        self.ctx = ctx
        self.session_id = session_id
        self.details: SessionDetails | None = None
        self.marks: dict[str, Attendance] = {}
        self.pending: dict[str, AttendanceStatus] = {}
        self._queue: deque[tuple[str, AttendanceStatus | None, str | None]] = deque()
        self._draining = False
        self._variables: dict[str, str] = {}
        # The user said to mark this session although it has not started (asked once).
        self.force = False
        self._asking = False

    def compose(self) -> ComposeResult:
        yield Static("loading…", id="roster-title", classes="screen-title")
        yield DataTable(id="roster", cursor_type="row", zebra_stripes=True)
        yield Static(id="roster-summary")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#roster", DataTable)
        table.add_column("#", key="n", width=3)
        table.add_column("Student", key="name", width=26)
        table.add_column("Email", key="email", width=34)
        table.add_column("Status", key="status", width=12)
        table.add_column("Check-in", key="in", width=8)
        table.add_column("Note", key="note")
        table.focus()
        self.load()

    # ------------------------------------------------------------------ reading
    @work(thread=True, exclusive=True, group="roster", exit_on_error=False)
    def load(self) -> None:
        try:
            self.post_message(self.Loaded(self.ctx.centre.sessions.show(self.session_id)))
        except SessionsctlError as exc:
            self.post_message(self.Loaded(None, exc.message))

    @on(DataChanged)
    def _changed(self, message: DataChanged) -> None:
        message.stop()
        if not self._draining:
            self.load()

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.details is None:
            self.query_one("#roster-title", Static).update(
                Content.styled(message.error or "not found", "$text-error"))
            return
        first = self.details is None
        self.details = message.details
        self.marks = {a.student: a for a in message.details.attendance}
        s = message.details.session
        self.query_one("#roster-title", Static).update(Content.assemble(
            ("Attendance  ", "bold"), (f"#{s.id} {s.title}", "bold"), "  ",
            (fmt.when(s, self.ctx.tz), "$text-muted"), "  ",
            (fmt.STATUS_LABEL[s.status], fmt.STATUS_STYLE[s.status])))
        table = self.query_one("#roster", DataTable)
        row = table.cursor_row
        self._variables = self.app.get_css_variables()
        table.clear()
        for i, email in enumerate(s.students, 1):
            table.add_row(fmt.cell(i), fmt.cell(self.ctx.name(email)), fmt.cell(email),
                          *self._cells(email), key=email)
        if first:
            row = next((i for i, e in enumerate(s.students) if e not in self.marks), 0)
        if s.students:
            table.move_cursor(row=min(row, len(s.students) - 1), animate=False)
        self._summary()

    def _cells(self, email: str) -> list[Text]:
        mark = self.marks.get(email)
        waiting = self.pending.get(email)
        variables = self._variables
        note = fmt.cell(mark.note or "" if mark else "")
        if waiting is not None:
            return [fmt.cell(f"{waiting.value}…", fmt.ATTENDANCE_STYLE[waiting], variables),
                    fmt.cell(""), note]
        if mark is None:
            return [fmt.cell("–", "$text-muted", variables), fmt.cell(""), note]
        return [fmt.cell(mark.status.value, fmt.ATTENDANCE_STYLE[mark.status], variables),
                fmt.cell(fmt.hhmm(mark.check_in, self.ctx.tz) if mark.check_in else ""), note]

    def _update_row(self, email: str) -> None:
        table = self.query_one("#roster", DataTable)
        if email not in table.rows:
            return
        status, check_in, note = self._cells(email)
        table.update_cell(email, "status", status)
        table.update_cell(email, "in", check_in)
        table.update_cell(email, "note", note)

    def _summary(self) -> None:
        if self.details is None:
            return
        students = self.details.session.students
        counts = {s: 0 for s in AttendanceStatus}
        for email in students:
            status = self.pending.get(email) or (self.marks[email].status
                                                 if email in self.marks else None)
            if status is not None:
                counts[status] += 1
        unmarked = len(students) - sum(counts.values())
        parts: list[Any] = []
        for status, count in counts.items():
            parts.append((f"{count} {status.value}", fmt.ATTENDANCE_STYLE[status]))
            parts.append("  ")
        parts.append((f"{unmarked} not marked", "$text-muted"))
        if self._queue or self.pending:
            parts.append(("   saving…", "italic $text-muted"))
        self.query_one("#roster-summary", Static).update(Content.assemble(*parts))

    # ------------------------------------------------------------------ marking
    def _current(self) -> str | None:
        table = self.query_one("#roster", DataTable)
        if self.details is None or not table.row_count:
            return None
        return self.details.session.students[table.cursor_row]

    def _too_early(self) -> bool:
        """Whether core's rule refuses a mark now only because the session has not started."""
        if self.details is None or self.force:
            return False
        try:
            check_markable(self.details.session, self.ctx.now())
        except NotStarted:
            return True
        except SessionsctlError:
            return False  # cancelled: the save says so
        return False

    def _ask_to_force(self, then: Any) -> None:
        """Ask whether to mark a session that has not started; ``then()`` once the user agrees."""
        from .dialogs import ConfirmDialog

        if self.details is None or self._asking:
            return  # one question at a time: the marks queued behind it were dropped
        s = self.details.session
        tz = self.ctx.tz
        self._asking = True

        def answered(yes: bool | None) -> None:
            self._asking = False
            if yes:
                self.force = True
                then()

        self.app.push_screen(ConfirmDialog(
            f"#{s.id} {s.title} has not started yet",
            f"It starts {fmt.day_label(s.start.astimezone(tz).date())} at "
            f"{fmt.hhmm(s.start, tz)}. Mark attendance anyway? (Check-ins are then its start.)",
            yes="Mark anyway", no="Not yet"), answered)

    def action_mark(self, status: str) -> None:
        email = self._current()
        if email is None:
            return
        if self._too_early():
            self._ask_to_force(lambda: self._mark(email, AttendanceStatus(status)))
            return
        self._mark(email, AttendanceStatus(status))

    def _mark(self, email: str, value: AttendanceStatus) -> None:
        note = self.marks[email].note if email in self.marks else None
        self.pending[email] = value
        self._update_row(email)
        self._enqueue((email, value, note))
        table = self.query_one("#roster", DataTable)
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1, animate=False)

    def action_rest(self) -> None:
        if self.details is None:
            return
        if self._too_early():
            self._ask_to_force(self.action_rest)
            return
        for email in self.details.session.students:
            if email not in self.marks and email not in self.pending:
                self.pending[email] = AttendanceStatus.PRESENT
                self._update_row(email)
        self._enqueue((REST, None, None))

    def action_note(self) -> None:
        email = self._current()
        if email is None:
            return
        from .dialogs import PromptDialog

        mark = self.marks.get(email)
        status = self.pending.get(email) or (mark.status if mark else None)
        if status is None:
            self.notify("give a mark first (p, a, l or e), then the note", severity="warning")
            return

        def save(text: str | None) -> None:
            if text is None:
                return
            self.pending[email] = status
            self._enqueue((email, status, text or None))
            self._update_row(email)

        self.app.push_screen(PromptDialog(f"Note for {self.ctx.name(email)}", "note",
                                          mark.note if mark and mark.note else ""), save)

    def _enqueue(self, item: tuple[str, AttendanceStatus | None, str | None]) -> None:
        self._queue.append(item)
        self._summary()
        if not self._draining:
            self._draining = True
            self._drain()

    @work(thread=True, group="marks", exit_on_error=False)
    def _drain(self) -> None:
        centre = self.ctx.centre
        while self._queue:
            email, status, note = self._queue.popleft()
            force = self.force
            try:
                if email == REST:
                    marks = centre.attendance.mark_rest(self.session_id, force=force)
                else:
                    assert status is not None
                    marks = [centre.attendance.mark(self.session_id, email, status, note=note,
                                                    force=force)]
            except NotStarted as exc:
                self.post_message(self.Saved([], shown(exc), email, not_started=status
                                             or AttendanceStatus.PRESENT))
            except SessionsctlError as exc:
                self.post_message(self.Saved([], shown(exc), email))
            else:
                self.post_message(self.Saved(marks, student=email))
        self.post_message(self.Drained())

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        for mark in message.marks:
            self.marks[mark.student] = mark
            if self.pending.get(mark.student) == mark.status:
                del self.pending[mark.student]
            self._update_row(mark.student)
        if message.student == REST:
            # Students someone else marked meanwhile kept their mark: drop what we guessed.
            for email in [e for e, s in self.pending.items() if e in self.marks]:
                del self.pending[email]
                self._update_row(email)
        if message.error:
            if message.student == REST:
                stale = [e for e in self.pending if e not in self.marks]
            else:
                stale = [message.student] if message.student else []
            for email in stale:
                self.pending.pop(email, None)
                self._update_row(email)
            if message.not_started is not None:
                self._refused_early(message.student, message.not_started)
            else:
                self.notify(message.error, title="Not saved", severity="error", timeout=8)
        self._summary()

    def _refused_early(self, student: str | None, status: AttendanceStatus) -> None:
        """Core refused the mark as too early: back to that student, and ask to mark anyway."""
        table = self.query_one("#roster", DataTable)
        if self.details is not None and student in self.details.session.students:
            table.move_cursor(row=self.details.session.students.index(student), animate=False)
        if student == REST:
            self._ask_to_force(self.action_rest)
        elif student is not None:
            self._ask_to_force(lambda: self._mark(student, status))

    @on(Drained)
    def _drained(self) -> None:
        self._draining = False
        if self._queue:
            self._draining = True
            self._drain()
            return
        self.pending.clear()
        self._summary()
        self.post_message(SessionSaved((self.session_id,), "attendance"))
