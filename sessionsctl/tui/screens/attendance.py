"""Taking attendance: one key per status, then the next student; every mark saved at once.

Marks are written in the order they were given by one worker draining a queue; the row shows
the mark at once and its times when saved. A key on a student marked otherwise asks before
changing the mark (the same status again just moves on), and ``u`` undoes the screen's last
write, putting back the mark it replaced exactly (core's restore). A session that has not
started is marked only once the user says so (core's rule, asked here before the cursor moves;
core's own refusal, should the clock beat us, asks the same).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ...core.attendance import MarkChange, check_markable
from ...core.centre import SessionDetails
from ...core.domain.errors import NotStarted, SessionsctlError
from ...core.domain.model import Attendance, AttendanceStatus
from .. import format as fmt
from .. import keys
from ..format import shown
from ..keys import bindings
from ..messages import DataChanged, SessionSaved
from ..workers import ReportsFailures
from .roll_writes import REST, UNDO, Job, Writes

if TYPE_CHECKING:
    from ..context import TuiContext


class AttendanceScreen(ReportsFailures, Screen[None]):
    BINDINGS = bindings(keys.ATTENDANCE_SCREEN)

    class Loaded(Message):
        def __init__(self, details: SessionDetails | None, error: str | None = None) -> None:
            super().__init__()
            self.details = details
            self.error = error

    class Saved(Message):
        def __init__(self, changes: list[MarkChange], error: str | None = None,
                     student: str | None = None, *,
                     not_started: AttendanceStatus | None = None) -> None:
            super().__init__()
            self.changes = changes
            self.error = error
            self.student = student  # a student's email, REST or UNDO
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
        self.writes = Writes(ctx.centre.attendance, session_id)
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
        # What is marked comes before the email, so 80 columns show it.
        table.add_column("#", key="n", width=3)
        table.add_column("Student", key="name", width=26)
        table.add_column("Status", key="status", width=12)
        table.add_column("In–out", key="in", width=11)
        table.add_column("Note", key="note")
        table.add_column("Email", key="email")
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
            fmt.status(s, self.ctx.now())))
        table = self.query_one("#roster", DataTable)
        row = table.cursor_row
        self._variables = self.app.get_css_variables()
        table.clear()
        for i, email in enumerate(s.students, 1):
            table.add_row(fmt.cell(i), fmt.cell(self.ctx.name(email)), *self._cells(email),
                          fmt.cell(email), key=email)
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
                fmt.cell(fmt.in_out(mark, self.ctx.tz)), note]

    def _status(self, email: str) -> AttendanceStatus | None:
        """The student's mark as the roster shows it (one being saved first)."""
        mark = self.marks.get(email)
        return self.pending.get(email) or (mark.status if mark else None)

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
            status = self._status(email)
            if status is not None:
                counts[status] += 1
        unmarked = len(students) - sum(counts.values())
        parts: list[Any] = []
        for status, count in counts.items():
            parts.append((f"{count} {status.value}", fmt.ATTENDANCE_STYLE[status]))
            parts.append("  ")
        parts.append((f"{unmarked} not marked", "$text-muted"))
        if self.writes.queue or self.pending:
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

    def _next_row(self) -> None:
        table = self.query_one("#roster", DataTable)
        if table.cursor_row < table.row_count - 1:
            table.move_cursor(row=table.cursor_row + 1, animate=False)

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
        value = AttendanceStatus(status)
        if email is None:
            return
        if self._status(email) is value:
            self._next_row()  # marked so already: nothing to change
        elif self._too_early():
            self._ask_to_force(lambda: self._change(email, value))
        else:
            self._change(email, value)

    def _change(self, email: str, value: AttendanceStatus) -> None:
        """Mark the student, asking first when that replaces another mark."""
        from .dialogs import ConfirmDialog

        was = self._status(email)
        if was is None or was is value:  # (the same again: its times are kept)
            self._mark(email, value)
            return
        if self._asking:
            return
        self._asking = True
        mark = self.marks.get(email)
        times = fmt.in_out(mark, self.ctx.tz) if mark and mark.status is was else ""

        def answered(yes: bool | None) -> None:
            self._asking = False
            if yes:
                self._mark(email, value)

        self.app.push_screen(ConfirmDialog(
            f"Change {self.ctx.name(email)} from {was.value} to {value.value}?",
            f"Now: {was.value}{' ' + times if times else ''}. "
            f"({keys.UNDO.first} undoes the last mark.)", yes="Change", no="Keep"), answered)

    def _mark(self, email: str, value: AttendanceStatus) -> None:
        note = self.marks[email].note if email in self.marks else None
        self.pending[email] = value
        self._update_row(email)
        self._enqueue(Job(email, value, note))
        self._next_row()

    def action_undo(self) -> None:
        """Undo the last write made on this screen (once the writes before it are saved)."""
        if not self.writes.done and not self.writes.queue and not self._draining:
            self.notify("nothing to undo: no mark was made here", severity="warning")
            return
        self._enqueue(Job(UNDO))

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
        self._enqueue(Job(REST))

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
            self._enqueue(Job(email, status, text or None))
            self._update_row(email)

        self.app.push_screen(PromptDialog(f"Note for {self.ctx.name(email)}", "note",
                                          mark.note if mark and mark.note else ""), save)

    def _enqueue(self, item: Job) -> None:
        self.writes.queue.append(item)
        self._summary()
        if not self._draining:
            self._draining = True
            self._drain()

    @work(thread=True, group="marks", exit_on_error=False)
    def _drain(self) -> None:
        while self.writes.queue:
            job = self.writes.queue.popleft()
            try:
                changes = self.writes.write(job, force=self.force)
            except NotStarted as exc:
                self.post_message(self.Saved([], shown(exc), job.student, not_started=job.status
                                             or AttendanceStatus.PRESENT))
            except SessionsctlError as exc:
                self.post_message(self.Saved([], shown(exc), job.student))
            else:
                self.post_message(self.Saved(changes, student=job.student))
        self.post_message(self.Drained())

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        for change in message.changes:
            mark, student = change.after, change.student
            if mark is None:
                self.marks.pop(student, None)
            else:
                self.marks[student] = mark
            if mark is not None and self.pending.get(student) == mark.status:
                del self.pending[student]
            self._update_row(student)
        if message.student == UNDO and message.changes:
            self._undone(message.changes)
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
            elif message.student == UNDO:
                self.notify(message.error, title="Not undone", severity="warning", timeout=8)
            else:
                self.notify(message.error, title="Not saved", severity="error", timeout=8)
        self._summary()

    def _undone(self, changes: list[MarkChange]) -> None:
        """Say what an undo put back, with the cursor on the (first) student."""
        students = self.details.session.students if self.details else []
        if changes[0].student in students:
            self.query_one("#roster", DataTable).move_cursor(
                row=students.index(changes[0].student), animate=False)
        mark, name = changes[0].after, self.ctx.name(changes[0].student)
        said = (f"{len(changes)} marks taken back" if len(changes) > 1
                else f"{name}: {mark.status.value if mark else 'not marked'} again")
        self.notify(said, title="Undone", timeout=4)

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
        if self.writes.queue:
            self._draining = True
            self._drain()
            return
        self.pending.clear()
        self._summary()
        self.post_message(SessionSaved((self.session_id,), "attendance"))
