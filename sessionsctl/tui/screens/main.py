"""The main screen: the dashboard header over the calendar and the session list."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import TabbedContent, TabPane

from ...core.domain.model import Person, Role
from ...core.domain.timeutil import parse_day
from .. import keys
from ..keys import bindings
from ..messages import (
    CalendarShown,
    DashboardLoaded,
    DataChanged,
    OpenSession,
    ReferenceDataLoaded,
)
from ..widgets.calendar import CalendarView
from ..widgets.dashboard import DashboardBar
from ..widgets.keybar import KeyBar
from ..widgets.session_list import Filters, SessionList

if TYPE_CHECKING:
    from ..context import TuiContext


LIST_BUILD_DELAY = 0.5  # seconds after the calendar is first on screen


class MainScreen(Screen[None]):
    BINDINGS = bindings(keys.MAIN)

    def __init__(self, ctx: TuiContext) -> None:
        super().__init__()
        self.ctx = ctx

    def compose(self) -> ComposeResult:
        yield DashboardBar(id="dashboard")
        with TabbedContent(initial="calendar", id="tabs"):
            with TabPane("Calendar", id="calendar"):
                yield CalendarView(self.ctx, id="calendar-view")
            # The list is built when first shown: starting on the calendar does not pay for it.
            yield TabPane("Sessions", id="list")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(DashboardBar).who(self.ctx.actor_label(), self.ctx.db_label)
        self.query_one(CalendarView).focus()

    @property
    def calendar(self) -> CalendarView:
        return self.query_one(CalendarView)

    @property
    def session_list(self) -> SessionList:
        found = self.query(SessionList)
        if found:
            return found.first()
        session_list = SessionList(self.ctx, id="session-list")
        self.query_one("#list", TabPane).mount(session_list)
        return session_list

    def action_show(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        if tab == "calendar":
            self.calendar.focus()
        else:
            self._show_list()

    def _show_list(self) -> None:
        session_list = self.session_list

        def ready() -> None:
            session_list.activate()
            session_list.focus_table()

        # Built: in the same frame as the tab (one layout and paint, not two); else once it is.
        session_list.when_ready(ready)

    def action_search(self) -> None:
        self.action_show("list")
        self.call_after_refresh(lambda: self.call_after_refresh(self.session_list.action_search))

    def action_go_to_date(self) -> None:
        """Ask for a day (as people type it) and show it on the calendar; one it cannot read
        is said beside the field."""
        from .dialogs import PromptDialog  # loaded when first asked for

        ctx = self.ctx

        def read(text: str) -> date:
            return parse_day(text, ctx.tz, field="date", now=ctx.now())

        def chosen(text: str | None) -> None:
            if text:
                self.action_show("calendar")
                self.calendar.go_to(read(text))

        self.app.push_screen(PromptDialog(
            "Go to date", "2026-12-08, tomorrow, next tuesday, 12 dec", required=True,
            check=read, hint="enter to go · escape to go back"), chosen)

    def show_person(self, person: Person) -> None:
        """The session list from today on, for ``person``: a mentor's (or staff's) by the
        mentor filter, a student's by theirs."""
        session_list = self.session_list
        self.action_show("list")
        teaches = person.role in (Role.MENTOR, Role.STAFF, Role.ADMIN)
        filters = Filters(start=self.ctx.today().isoformat(),
                          mentor=person.email if teaches else None,
                          student=None if teaches else person.email)
        session_list.when_ready(lambda: session_list.set_filters(filters))

    @on(TabbedContent.TabActivated)
    def _tab(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "calendar":
            self.calendar.focus()
        else:
            self._show_list()

    @on(CalendarView.SessionChosen)
    @on(SessionList.SessionChosen)
    def _chosen(self, message: CalendarView.SessionChosen | SessionList.SessionChosen) -> None:
        message.stop()
        self.post_message(OpenSession(message.session_id))

    @on(SessionList.BulkRequested)
    def _bulk(self, message: SessionList.BulkRequested) -> None:
        message.stop()
        from .bulk import BulkFlow  # loaded when first asked for

        BulkFlow(self, self.ctx, message.kind, message.session_ids,
                 done=self.session_list.clear_marks).start()

    @on(CalendarView.FirstShown)
    def _first_shown(self, message: CalendarView.FirstShown) -> None:
        message.stop()
        self.app.post_message(CalendarShown())
        # Build the (hidden) list and read its first page while the user looks at the
        # calendar, so "2" only has to show it.
        self.set_timer(LIST_BUILD_DELAY, lambda: self.session_list.activate())

    @on(DataChanged)
    def _changed(self, message: DataChanged) -> None:
        message.stop()
        self.calendar.reload()
        for session_list in self.query(SessionList):
            session_list.reload(keep=True)

    @on(DashboardLoaded)
    def _figures(self, message: DashboardLoaded) -> None:
        message.stop()
        self.query_one(DashboardBar).show(message.figures)

    @on(ReferenceDataLoaded)
    def _references(self, message: ReferenceDataLoaded) -> None:
        message.stop()
        self.query_one(DashboardBar).who(self.ctx.actor_label(), self.ctx.db_label)
        for session_list in self.query(SessionList):
            session_list.refresh_choices()
        self.calendar.redraw()
