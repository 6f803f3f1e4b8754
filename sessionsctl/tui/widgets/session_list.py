"""The session list: filters, and a table that reads a page at a time as the cursor nears its end.

Sorting by a column asks the database for that order, so the first page is the first of all
the sessions that match, however many there are. The table draws only the rows on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Label, Select, Static
from textual.worker import get_current_worker

from ...core.domain.drafts import SessionOrder, SessionQuery
from ...core.domain.errors import SessionsctlError
from ...core.domain.model import Role, Session, SessionStatus, SessionType
from ...core.domain.timeutil import parse_bound
from .. import format as fmt
from .. import keys
from ..keys import bindings
from ..workers import ReportsFailures
from .entry import Entry
from .table import Cell, Column, RowTable

if TYPE_CHECKING:
    from ..context import TuiContext

PAGE = 100
# Each column is as wide as its content needs (up to ``most``) while there is room; the title
# takes the width the others leave; a narrow terminal drops the columns with the highest
# ``drop`` first (subject, room, students, then mentor).
COLUMNS = (Column("date", "Date", 11), Column("time", "Time", 11),
           Column("title", "Title", 16, flex=True),
           Column("mentor", "Mentor", 15, drop=1, most=24),
           Column("students", "Students", 15, drop=2, most=28),
           Column("subject", "Subject", 11, drop=4, most=20),
           Column("room", "Room", 11, drop=3, most=24), Column("status", "Status", 11))
LABELS = {c.key: c.label for c in COLUMNS}
# The order each column sorts by (the date and time columns both sort by the start).
ORDERS: dict[str, SessionOrder] = {"date": "start", "time": "start", "title": "title",
                                   "mentor": "mentor", "students": "students",
                                   "subject": "subject", "room": "room", "status": "status"}


@dataclass(frozen=True, slots=True)
class Filters:
    """What the filter bar says, as typed."""

    search: str = ""
    start: str = ""
    end: str = ""
    status: SessionStatus | None = None
    mentor: str | None = None
    subject: str | None = None
    type: SessionType | None = None
    room: str | None = None
    student: str | None = None  # no field of its own: the status line names them


class SessionList(ReportsFailures, Vertical):
    """Filters over a paged table of sessions."""

    BINDINGS = bindings(keys.SESSION_LIST)

    class Page(Message):
        def __init__(self, sessions: list[Session], offset: int, generation: int,
                     error: str | None = None) -> None:
            super().__init__()
            self.sessions = sessions
            self.offset = offset
            self.generation = generation
            self.error = error

    class BulkRequested(Message):
        """Cancel, move or reassign the marked sessions (the screen asks how, and first)."""

        def __init__(self, kind: str, session_ids: tuple[int, ...]) -> None:
            super().__init__()
            self.kind = kind
            self.session_ids = session_ids

    class SessionChosen(Message):
        def __init__(self, session_id: int) -> None:
            super().__init__()
            self.session_id = session_id

    def __init__(self, ctx: TuiContext, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ctx = ctx
        self._rows: list[Session] = []
        self._generation = 0
        self._more = False
        self._busy = False
        self._sort: str = "date"
        self._reverse = False
        self._debounce: Timer | None = None
        self._query = SessionQuery()
        self._student: str | None = None
        self._ready = False
        self._waiting: list[Callable[[], None]] = []  # what waits for the fields to be built
        self.active = False  # read only once the list is first shown

    def default_filters(self) -> Filters:
        return Filters(start=self.ctx.today().isoformat())

    def compose(self) -> ComposeResult:
        defaults = self.default_filters()
        with Horizontal(classes="filters"):
            yield Label("Search", classes="flabel")
            yield Entry(placeholder="/ title, notes, people, room", id="f-search", compact=True)
            yield Label("From", classes="flabel")
            yield Entry(defaults.start, placeholder="YYYY-MM-DD", id="f-from", compact=True)
            yield Label("To", classes="flabel")
            yield Entry(placeholder="YYYY-MM-DD", id="f-to", compact=True)
            yield Select([(fmt.STATUS_LABEL[s], s) for s in SessionStatus], prompt="any status",
                         id="f-status", compact=True)
        with Horizontal(classes="filters", id="filters-2"):
            yield Label("Filter", classes="flabel")
            yield Select([], prompt="any mentor", id="f-mentor", compact=True)
            yield Select([], prompt="any subject", id="f-subject", compact=True)
            yield Select([(t.value, t) for t in SessionType], prompt="any type", id="f-type",
                         compact=True)
            yield Select([], prompt="any room", id="f-room", compact=True)
        yield RowTable(COLUMNS, id="session-table")
        yield Static(id="list-status")

    def on_mount(self) -> None:
        self.query_one(RowTable).sorted_by(self._sort, self._reverse)
        self.refresh_choices()
        self._ready = True
        if self.active:
            self.reload()
        for then in self._waiting:
            then()
        self._waiting.clear()

    def when_ready(self, then: Callable[[], None]) -> None:
        """Call ``then`` now if the filters and table are built, else once they are."""
        if self._ready:
            then()
        else:
            self._waiting.append(then)

    def activate(self) -> None:
        """Read the list from now on (the first page now): the main screen asks once the
        calendar is up, so a start on the calendar does not pay for it and ``2`` finds the
        rows there."""
        if not self.active:
            self.active = True
            if self._ready:
                self.reload()

    # ------------------------------------------------------------------ filters
    def refresh_choices(self) -> None:
        """Fill the mentor, subject and room choices from the app's reference data."""
        mentors = [(f"{p.name}", p.email) for p in self.ctx.of_role(Role.MENTOR, Role.STAFF,
                                                                    Role.ADMIN)]
        for select_id, options in (
            ("#f-mentor", mentors),
            ("#f-subject", [(s.name, s.name) for s in self.ctx.subjects]),
            ("#f-room", [(r.name, r.name) for r in self.ctx.rooms]),
        ):
            select: Select[str] = self.query_one(select_id, Select)
            current = select.value
            select.set_options(options)
            if current is not Select.NULL and any(v == current for _, v in options):
                with select.prevent(Select.Changed):
                    select.value = current

    def filters(self) -> Filters:
        def picked(select_id: str) -> Any:
            value = self.query_one(select_id, Select).value
            return None if value is Select.NULL else value

        return Filters(
            search=self.query_one("#f-search", Input).value.strip(),
            start=self.query_one("#f-from", Input).value.strip(),
            end=self.query_one("#f-to", Input).value.strip(),
            status=picked("#f-status"), mentor=picked("#f-mentor"), subject=picked("#f-subject"),
            type=picked("#f-type"), room=picked("#f-room"), student=self._student)

    def set_filters(self, filters: Filters) -> None:
        """Put ``filters`` in the bar (without a read per field) and read once."""
        self._student = filters.student
        for input_id, value in (("#f-search", filters.search), ("#f-from", filters.start),
                                ("#f-to", filters.end)):
            field = self.query_one(input_id, Input)
            with field.prevent(Input.Changed):
                field.value = value
        for select_id, chosen in (("#f-status", filters.status), ("#f-mentor", filters.mentor),
                                  ("#f-subject", filters.subject), ("#f-type", filters.type),
                                  ("#f-room", filters.room)):
            select: Select[Any] = self.query_one(select_id, Select)
            with select.prevent(Select.Changed):
                if chosen is None:
                    select.clear()
                else:
                    select.value = chosen
        self.reload()

    def query_of(self, filters: Filters) -> SessionQuery:
        """The query the filters ask for; bad dates raise InvalidInput naming the field."""
        tz = self.ctx.tz
        now = self.ctx.now()
        start = parse_bound(filters.start, tz, field="from", now=now) if filters.start else None
        end = parse_bound(filters.end, tz, field="to", end=True, now=now) if filters.end else None
        return SessionQuery(
            start=start, end=end, mentor=filters.mentor, student=filters.student,
            subject=filters.subject,
            room=filters.room, statuses=(filters.status,) if filters.status else (),
            types=(filters.type,) if filters.type else (), search=filters.search or None)

    @on(Input.Changed, ".filters Input")
    def _typed(self) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(0.25, self.reload)

    @on(Input.Submitted, ".filters Input")
    def _submitted(self) -> None:
        self.reload()
        self.query_one(RowTable).focus()

    @on(Select.Changed, ".filters Select")
    def _picked(self) -> None:
        if self._ready:
            self.reload()

    # ------------------------------------------------------------------ loading
    def reload(self, *, keep: bool = False) -> None:
        """Read the first page for the filters (``keep``: as many rows as are shown now)."""
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
        if not self.active:
            return
        status = self.query_one("#list-status", Static)
        try:
            query = self.query_of(self.filters())
        except SessionsctlError as exc:
            status.update(Content.styled(exc.message, "$text-error"), layout=False)
            return
        self._query = query = replace(query, order=ORDERS[self._sort], descending=self._reverse)
        self._generation += 1
        limit = max(PAGE, len(self._rows)) if keep else PAGE
        self._busy = True
        self._read(query, 0, limit, self._generation)

    def _next_page(self) -> None:
        if self._more and not self._busy:
            self._busy = True
            self._read(self._query, len(self._rows), PAGE, self._generation)

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def _read(self, query: SessionQuery, offset: int, limit: int, generation: int) -> None:
        try:
            sessions = self.ctx.centre.sessions.find(replace(query, offset=offset, limit=limit + 1))
        except SessionsctlError as exc:
            self.post_message(self.Page([], offset, generation, exc.message))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Page(sessions, offset, generation))

    @on(Page)
    def _page(self, message: Page) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self._busy = False
        if message.error:
            self.query_one("#list-status", Static).update(Content.styled(message.error, "$text-error"),
                                                          layout=False)
            return
        wanted = max(PAGE, len(self._rows)) if message.offset == 0 else PAGE
        sessions = message.sessions
        self._more = len(sessions) > wanted
        sessions = sessions[:wanted]
        table = self.query_one(RowTable)
        if message.offset == 0:
            self._rows = list(sessions)
            table.sorted_by(self._sort, self._reverse)
            table.replace([str(s.id) for s in sessions], [self._cells(s) for s in sessions])
        else:
            known = {s.id for s in self._rows}
            fresh = [s for s in sessions if s.id not in known]
            self._rows.extend(fresh)
            table.extend([str(s.id) for s in fresh], [self._cells(s) for s in fresh])
        self._show_status()

    # ------------------------------------------------------------------ table
    def _cells(self, s: Session) -> list[Cell]:
        tz = self.ctx.tz
        local = s.start.astimezone(tz)
        day = (f"{local:%a %d %b}" if local.year == self.ctx.today().year
               else f"{local:%d %b %Y}")
        return [
            (day, ""), (fmt.span(s, tz), ""), (s.title, ""), (self.ctx.name(s.mentor), ""),
            (self.students(s), ""), (s.subject or "", ""),
            (s.room or s.location or ("online" if s.link else ""), ""),
            fmt.status(s, self.ctx.now()),
        ]

    def students(self, s: Session) -> str:
        """The first student by name, and how many more (the order the column sorts by)."""
        if not s.students:
            return ""
        first = min((self.ctx.name(e) for e in s.students), key=lambda n: (n.lower(), n))
        return first if len(s.students) == 1 else f"{first} +{len(s.students) - 1}"

    def _show_status(self) -> None:
        count = len(self._rows)
        text = f"{count} session{'s' if count != 1 else ''}"
        if self._more:
            text += " shown · more are read as you scroll"
        marked = len(self.query_one(RowTable).marked)
        if marked:
            text += f" · {marked} marked"
        if self._student:
            text += f" · with {self.ctx.name(self._student)} (x clears)"
        if self._sort not in ("date",) or self._reverse:
            label = LABELS[self._sort].lower()
            text += f" · sorted by {label}{' (reversed)' if self._reverse else ''}"
        # One line whatever it says: no layout of the screen for it.
        self.query_one("#list-status", Static).update(Content.styled(text, "$text-muted"),
                                                      layout=False)

    @on(RowTable.Highlighted, "#session-table")
    def _near_end(self, event: RowTable.Highlighted) -> None:
        event.stop()
        # Read on before the end is reached, so scrolling does not stop.
        if event.row >= event.count - max(1, PAGE // 10):
            self._next_page()

    @on(RowTable.Selected, "#session-table")
    def _chosen(self, event: RowTable.Selected) -> None:
        event.stop()
        self.post_message(self.SessionChosen(int(event.key)))

    @on(RowTable.HeaderClicked, "#session-table")
    def _header(self, event: RowTable.HeaderClicked) -> None:
        event.stop()
        if event.column == self._sort:
            self._reverse = not self._reverse
        else:
            self._sort, self._reverse = event.column, False
        self.reload()

    # ------------------------------------------------------------------ actions
    def action_search(self) -> None:
        self.query_one("#f-search", Input).focus()

    def action_clear(self) -> None:
        self.set_filters(self.default_filters())
        self.query_one(RowTable).focus()

    def action_sort_next(self) -> None:
        keys = [c.key for c in COLUMNS if c.key != "time"]
        self._sort = keys[(keys.index(self._sort) + 1) % len(keys)] if self._sort in keys else "date"
        self._reverse = False
        self.reload()

    def action_sort_reverse(self) -> None:
        self._reverse = not self._reverse
        self.reload()

    def action_mark(self) -> None:
        self.query_one(RowTable).toggle_mark()
        self._show_status()

    def action_mark_all(self) -> None:
        self.query_one(RowTable).mark_all()
        self._show_status()

    def clear_marks(self) -> None:
        self.query_one(RowTable).clear_marks()
        self._show_status()

    def action_bulk(self, kind: str) -> None:
        """The marked sessions, or else the cursor's, to the screen to change together."""
        table = self.query_one(RowTable)
        chosen = table.marked_keys or table.keys[table.cursor_row:table.cursor_row + 1]
        if chosen:
            self.post_message(self.BulkRequested(kind, tuple(int(k) for k in chosen)))

    def focus_table(self) -> None:
        self.query_one(RowTable).focus()
