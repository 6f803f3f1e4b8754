"""A session's details: every field, attendance, feedback, materials, its history (who changed
what, for those who may read it), its seats and waitlist; edit, cancel, complete, notes,
register a student or take one off."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ...core.audit import changes, headline
from ...core.centre import SessionDetails
from ...core.domain.drafts import AuditQuery
from ...core.domain.errors import SessionsctlError
from ...core.domain.model import AuditEntry, SessionStatus
from ...core.schedule.registration import Waitlist
from ...core.schedule.scopes import Scope
from .. import format as fmt
from .. import keys
from ..keys import bindings
from ..messages import DataChanged, OpenAttendance, ReferenceDataLoaded, WriteRequested
from ..workers import ReportsFailures
from .materials import MaterialTable, SavesMaterials

if TYPE_CHECKING:
    from ..context import TuiContext


ATTENDANCE_COLUMNS = ("Student", "Status", "In–out", "Note")


class SessionScreen(SavesMaterials, ReportsFailures, Screen[None]):
    BINDINGS = bindings(keys.SESSION)

    HISTORY = 20  # the newest changes shown

    class Loaded(Message):
        def __init__(self, details: SessionDetails | None, error: str | None = None,
                     history: list[AuditEntry] | None = None,
                     waitlist: Waitlist | None = None) -> None:
            super().__init__()
            self.details = details
            self.error = error
            self.history = history or []
            self.waitlist = waitlist

    def __init__(self, ctx: TuiContext, session_id: int) -> None:
        super().__init__()
        self.ctx = ctx
        self.session_id = session_id
        self.details: SessionDetails | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="details-title", classes="screen-title")
        with VerticalScroll(id="details-body"):
            yield Vertical(Static("loading…"), id="details-fields")
            yield Static("Attendance", classes="section")
            yield DataTable(id="details-attendance", cursor_type="row", show_cursor=False)
            yield Static("Materials", classes="section", id="details-materials-title")
            yield MaterialTable(id="details-materials")
            yield Static(id="details-waitlist")
            yield Static(id="details-extra")
            yield Static(id="details-history")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#details-attendance", DataTable)
        for label in ATTENDANCE_COLUMNS:
            table.add_column(label)
        for hidden in self.query("#details-materials-title, #details-materials"):
            hidden.display = False  # until there are materials to show
        self.load()

    @work(thread=True, exclusive=True, group="details", exit_on_error=False)
    def load(self) -> None:
        try:
            details = self.ctx.centre.sessions.show(self.session_id)
        except SessionsctlError as exc:
            self.post_message(self.Loaded(None, exc.message))
            return
        try:
            history = self.ctx.centre.audit.entries(
                AuditQuery(session_id=self.session_id, limit=self.HISTORY))
        except SessionsctlError:  # not theirs to read (a student): no history shown
            history = []
        try:
            waitlist: Waitlist | None = self.ctx.centre.registration.waitlist(self.session_id)
        except SessionsctlError:  # who waits is for staff and the mentor
            waitlist = None
        self.post_message(self.Loaded(details, history=history, waitlist=waitlist))

    @on(DataChanged)
    def _changed(self, message: DataChanged) -> None:
        message.stop()
        self.load()

    @on(ReferenceDataLoaded)
    def _names(self, message: ReferenceDataLoaded) -> None:
        """People's names arrived (or changed) after the details were shown: show them."""
        message.stop()
        if self.details is not None:
            self._show(self.details)

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.details is None:
            fields = self.query_one("#details-fields", Vertical)
            fields.remove_children()
            fields.mount(Static(Content.styled(message.error or "not found", "$text-error")))
            return
        self.details = message.details
        self._show(message.details)
        shown = self._waitlist(message.waitlist)
        waitlist = self.query_one("#details-waitlist", Static)
        waitlist.update(shown)
        waitlist.display = bool(shown.plain)  # no empty line where nothing is open
        self.query_one("#details-history", Static).update(self._history(message.history))

    def _show(self, details: SessionDetails) -> None:
        s = details.session
        self.query_one("#details-title", Static).update(Content.assemble(
            (f"#{s.id} ", "$text-muted"), (s.title, "bold"), "  ",
            fmt.status(s, self.ctx.now())))
        fields = self.query_one("#details-fields", Vertical)
        with self.app.batch_update():
            fields.remove_children()
            fields.mount_all(Horizontal(Static(key, classes="detail-key"),
                                        Static(value, classes="detail-value"),
                                        classes="detail-row")
                             for key, value in self._rows(details))
        self._attendance(details)
        materials = self.query_one(MaterialTable)
        materials.show(details.materials, self.ctx, self.ctx.tz)
        materials.display = bool(details.materials)
        self.query_one("#details-materials-title").display = bool(details.materials)
        self.query_one("#details-extra", Static).update(self._extra(details))

    def _rows(self, details: SessionDetails) -> list[tuple[str, str | Content]]:
        """Every field of the session that has a value, as (label, value); what it is flagged
        for first; its guests (instructors and observers, by invitation) under its students."""
        s, ctx, guests = details.session, self.ctx, details.guests
        tz = ctx.tz
        rows: list[tuple[str, str | Content]] = [
            *(("Flagged", Content.styled(f"⚠ {flag}", "bold $text-error")) for flag in details.flags),
            ("When", f"{fmt.long_day(ctx.local(s.start).date())}, {fmt.span(s, tz)}"
                     + (f"  (booked in {s.tz})" if s.tz != ctx.tz_name else "")),
            ("Mentor", f"{ctx.name(s.mentor)} <{s.mentor}>"),
            ("Students", ", ".join(f"{ctx.name(e)}" for e in s.students) or "–"),
            *((label, ", ".join(ctx.name(g.email) for g in guests if g.role == role))
              for label, role in (("Instructors", "instructor"), ("Observers", "observer"))
              if any(g.role == role for g in guests)),
            ("Type", s.type.value),
            ("Subject", Content.assemble(("▌", fmt.subject_style(s.subject)), s.subject or "–")),
            ("Room", s.room or "–"),
        ]
        optional = [
            ("Location", s.location), ("Link", s.link), ("Meeting id", s.meeting_id),
            ("Passcode", s.passcode),
            ("Seats", s.seats if s.max_participants else None),
            ("Cost", f"{s.cost} ({self._paid(details)})" if s.cost is not None else None),
            ("Payment", self._paid(details) if s.cost is None and self._each_paid(details)
             else None),
            ("Description", s.description), ("Notes", s.notes),
            ("Series", f"#{s.series_id} (an occurrence)" if s.series_id else None),
            ("Cancelled", s.cancel_reason), ("Booked over conflicts", s.force_reason),
            ("Created", f"{fmt.when_at(s.created_at, tz)} by {s.created_by or 'local'}"
             if s.created_at else None),
            ("Changed", f"{fmt.when_at(s.modified_at, tz)} by {s.modified_by or 'local'}"
             if s.modified_at else None),
        ]
        rows.extend((k, v) for k, v in optional if v)
        return rows

    @staticmethod
    def _each_paid(details: SessionDetails) -> bool:
        """Whether the students' places are not all paid as the session is."""
        return any(p is not details.session.payment_status for p in details.payments.values())

    def _paid(self, details: SessionDetails) -> str:
        """The session's payment status, or each student's when their places differ."""
        if not self._each_paid(details):
            return details.session.payment_status.value
        return ", ".join(f"{self.ctx.name(e)} {details.payments[e].value}"
                         for e in details.session.students if e in details.payments)

    def _attendance(self, details: SessionDetails) -> None:
        ctx, tz = self.ctx, self.ctx.tz
        table = self.query_one("#details-attendance", DataTable)
        marks = {a.student: a for a in details.attendance}
        variables = self.app.get_css_variables()
        rows = [(fmt.cell(ctx.name(email)),
                 fmt.cell(mark.status.value, fmt.ATTENDANCE_STYLE[mark.status], variables)
                 if mark else fmt.cell("not marked", "$text-muted", variables),
                 fmt.cell(fmt.in_out(mark, tz) if mark else ""),
                 fmt.cell((mark.note or "") if mark else ""))
                for email in details.session.students
                for mark in (marks.get(email),)]
        # Columns as wide as what they hold, set with the rows: a width the table measured
        # later would depend on when the screen is drawn.
        table.clear(columns=True)
        for i, label in enumerate(ATTENDANCE_COLUMNS):
            table.add_column(label, width=max([len(label), *(r[i].cell_len for r in rows)]))
        for row in rows:
            table.add_row(*row)

    def _extra(self, details: SessionDetails) -> Content:
        """Feedback, when there is any."""
        name = self.ctx.name
        extra: list[Any] = []
        if details.feedback:
            extra.append(("Feedback\n", "bold"))
            for f in details.feedback:
                by = f" (recorded by {name(f.recorded_by)})" if f.recorded_by else ""
                extra.append(f"  {name(f.author)}{by}: {f.rating}/5 {f.text or ''}\n")
        return Content.assemble(*extra)

    def _waitlist(self, waitlist: Waitlist | None) -> Content:
        """Registration, if the session is open for it, and who waits for a seat, in order."""
        if waitlist is None or (waitlist.until is None and not waitlist.waiting):
            return Content("")
        lines: list[Any] = [("Registration", "bold")]
        if waitlist.until is not None:
            lines.append(f" open until {fmt.when_at(waitlist.until, self.ctx.tz)}")
        lines.append(f"; seats {waitlist.session.seats}\n")
        if not waitlist.waiting:
            lines.append(("  nobody waiting\n", "$text-muted"))
        for place, (email, _) in enumerate(waitlist.waiting, 1):
            lines.append(f"  waiting {place}. {self.ctx.name(email)} <{email}>\n")
        return Content.assemble(*lines)

    def _history(self, history: list[AuditEntry]) -> Content:
        """The session's newest changes: when, who, what, and the fields changed."""
        if not history:
            return Content("")
        lines: list[Any] = [("History\n", "bold")]
        for e in history:
            # A record added or removed: its every field is no news.
            fields = "" if e.before is None or e.after is None else \
                f" ({', '.join(c.field for c in changes(e)) or '-'})"
            lines.append((f"  #{e.id} {fmt.when_at(e.at, self.ctx.tz)} ", "$text-muted"))
            what = headline(e).removesuffix(f" session {e.entity_id}").removesuffix(" in")
            lines.append(f"{e.actor}: {what}{fields}\n")
        return Content.assemble(*lines)

    # ------------------------------------------------------------------ actions
    def action_attendance(self) -> None:
        self.post_message(OpenAttendance(self.session_id))

    def action_edit(self) -> None:
        if self.details is None:
            return
        from .booking.screen import BookingScreen

        self.app.push_screen(BookingScreen(self.ctx, session=self.details.session))

    def action_complete(self) -> None:
        """Complete, once confirmed: core lets a session that has not started be completed,
        so that case is said plainly and the question defaults to no."""
        if self.details is None:
            return
        from .dialogs import ConfirmDialog

        s = self.details.session
        if s.status in (SessionStatus.CANCELLED, SessionStatus.COMPLETED):
            self.notify(f"the session is {s.status.label}: it cannot be completed",
                        severity="warning")
            return
        tz = self.ctx.tz
        started = s.start <= self.ctx.now()
        if started:
            question = f"Complete #{s.id} {s.title}?"
            detail = "A completed session is not rescheduled; notes can still be added."
        else:
            question = f"#{s.id} {s.title} has not started yet"
            detail = (f"It starts {fmt.day_label(s.start.astimezone(tz).date())} at "
                      f"{fmt.hhmm(s.start, tz)}. Complete it anyway?")

        def answered(yes: bool | None) -> None:
            if yes:
                self.post_message(WriteRequested(
                    lambda: self.ctx.centre.sessions.complete(self.session_id, force=True),
                    f"Session #{self.session_id} completed"))

        self.app.push_screen(ConfirmDialog(question, detail, yes="Complete",
                                           no="Back" if started else "Not yet",
                                           default=started), answered)

    def action_cancel_session(self) -> None:
        if self.details is None:
            return
        from .dialogs import PromptDialog, ScopeDialog

        session = self.details.session
        if session.status in (SessionStatus.CANCELLED, SessionStatus.COMPLETED):
            self.notify(f"the session is {session.status.label}: it cannot be cancelled",
                        severity="warning")
            return

        def cancel(scope: Scope) -> None:
            def with_reason(reason: str | None) -> None:
                if reason is None:
                    return
                self.post_message(WriteRequested(
                    lambda: self.ctx.centre.sessions.cancel_scoped(self.session_id, scope=scope,
                                                          reason=reason or None),
                    f"Session #{self.session_id} cancelled"
                    + ("" if scope == "this" else f" ({scope})")))

            self.app.push_screen(PromptDialog("Cancel the session: why?", "reason (optional)"),
                                 with_reason)

        if session.series_id is None:
            cancel("this")
        else:
            self.app.push_screen(ScopeDialog("Cancel"),
                                 lambda scope: cancel(scope) if scope else None)

    def action_register(self) -> None:
        """Register a student (a seat, or the waitlist when full); core refuses, with the
        reason, what may not be done."""
        if self.details is None:
            return
        from .dialogs import PromptDialog

        def register(who: str | None) -> None:
            if not who:
                return
            self.post_message(WriteRequested(
                lambda: self.ctx.centre.registration.register(self.session_id, who),
                f"{who} registered for #{self.session_id}"))

        self.app.push_screen(PromptDialog("Register a student", "name or email",
                                          required=True), register)

    def action_add_students(self) -> None:
        """Put students on the session as `session enrol` does: each named by name or email
        (the fuzzy lookup's "did you mean"), judged on their clashes and the seats, all of
        them or none; core's refusal is shown."""
        self._roster("Add students", lambda names: self.ctx.centre.roster.enrol(
            self.session_id, names), "added to")

    def action_remove_student(self) -> None:
        """Take students off the session (`session unenrol`); a seat freed goes to the first
        one waiting who is free then."""
        self._roster("Take students off", lambda names: self.ctx.centre.roster.unenrol(
            self.session_id, names), "taken off")

    def _roster(self, title: str, write: Callable[[list[str]], object], done: str) -> None:
        if self.details is None:
            return
        from .dialogs import PromptDialog

        def answered(text: str | None) -> None:
            names = [n.strip() for n in re.split(r"[,;]", text or "") if n.strip()]
            if names:
                self.post_message(WriteRequested(
                    lambda: write(names), f"{', '.join(names)} {done} #{self.session_id}"))

        self.app.push_screen(PromptDialog(title, "names or emails, commas between",
                                          required=True), answered)

    def action_note(self) -> None:
        if self.details is None:
            return
        from .dialogs import PromptDialog

        def add(text: str | None) -> None:
            if not text:
                return
            self.post_message(WriteRequested(
                lambda: self.ctx.centre.sessions.add_note(self.session_id, text, tz=self.ctx.tz),
                "Note added"))

        self.app.push_screen(PromptDialog("Add a note to this session", "note", required=True),
                             add)
