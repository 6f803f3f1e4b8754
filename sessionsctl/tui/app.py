"""The Textual app: the factory both `sessionsctl tui` and the tests use, app-wide keys and
commands, and the workers that read the dashboard and watch the database for changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App, SystemCommand
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from ..config import Settings
from ..core.centre import Centre
from ..core.context import utcnow
from ..core.domain.errors import SessionsctlError
from ..core.domain.model import Person, Room, Subject, Term
from ..core.domain.timeutil import system_zone_name, zone
from ..core.reports.stats import Dashboard
from . import keys
from .commands import Finds
from .context import TuiContext
from .format import shown
from .keys import bindings
from .messages import (
    CalendarShown,
    DashboardLoaded,
    DataChanged,
    OpenAttendance,
    OpenSession,
    ReferenceDataLoaded,
    SessionSaved,
    ShowPerson,
    WorkFailed,
    WriteRequested,
)
from .theme import settled

if TYPE_CHECKING:
    from .screens.main import MainScreen

Clock = Callable[[], datetime]

REFRESH_SECONDS = 3.0  # how often the database is asked whether anything changed


@dataclass
class _Version(Message):
    version: tuple[tuple[str, int], ...]


@dataclass
class _Figures(Message):
    figures: Dashboard


@dataclass
class _References(Message):
    actor: Person | None
    people: list[Person]
    rooms: list[Room]
    subjects: list[Subject]
    terms: list[Term]


class SessionsApp(App[None]):
    """The front desk: calendar, list, booking and attendance over one centre."""

    CSS_PATH = "app.tcss"
    TITLE = "sessionsctl"
    BINDINGS = bindings(keys.APP)
    COMMANDS = App.COMMANDS | {Finds}  # people and sessions beside the commands

    def __init__(self, ctx: TuiContext, *, refresh_every: float | None = REFRESH_SECONDS) -> None:
        super().__init__()
        self.ctx = ctx
        self.refresh_every = refresh_every
        self._version: tuple[tuple[str, int], ...] | None = None
        self.theme = "textual-dark"

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables, with muted and disabled text as plain colours (theme.py)."""
        variables = super().get_css_variables()
        return {**variables, **settled(variables)}

    # ------------------------------------------------------------------ start
    def on_mount(self) -> None:
        from .screens.main import MainScreen

        self.push_screen(MainScreen(self.ctx))
        self._read_references()
        self.poll()

    @on(CalendarShown)
    def calendar_shown(self) -> None:
        """The first days are on screen: now read what can wait (the dashboard's figures)."""
        self.load_dashboard()
        self._warm_up()
        if self.refresh_every:
            self.set_interval(self.refresh_every, self.poll)

    @work(thread=True, group="warm-up", exit_on_error=False)
    def _warm_up(self) -> None:
        """Read the zone names the booking form completes from, and load the reader of times
        as people type them, so the form opens and answers at once."""
        from ..core.domain.typed import read_typed
        from .screens.booking.reading import zone_names

        zone_names()
        read_typed("tomorrow 16:00", self.ctx.now().replace(tzinfo=None))  # loads dateparser

    @work(thread=True, exclusive=True, group="references", exit_on_error=False)
    def _read_references(self) -> None:
        centre = self.ctx.centre
        self.post_message(_References(centre.people.whoami(), centre.people.list_people(),
                                      centre.people.list_rooms(), centre.people.list_subjects(),
                                      centre.calendar.list_terms()))

    @on(_References)
    def _references_read(self, message: _References) -> None:
        self.ctx.actor = message.actor
        self.ctx.people = {p.email: p for p in message.people}
        self.ctx.rooms = message.rooms
        self.ctx.subjects = message.subjects
        self.ctx.terms = message.terms
        self._broadcast(ReferenceDataLoaded)

    @work(thread=True, exclusive=True, group="dashboard", exit_on_error=False)
    def load_dashboard(self) -> None:
        self.post_message(_Figures(self.ctx.centre.reports.dashboard(self.ctx.now(), self.ctx.tz)))

    @on(_Figures)
    def _dashboard(self, message: _Figures) -> None:
        from .screens.main import MainScreen

        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.post_message(DashboardLoaded(message.figures))

    # ------------------------------------------------------------------ watching for changes
    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def poll(self) -> None:
        """Ask the database whether anything changed (this terminal or another)."""
        self.post_message(_Version(self.ctx.centre.reports.data_version()))

    @on(_Version)
    def _version_seen(self, message: _Version) -> None:
        if self._version is None:
            self._version = message.version
            return
        if message.version != self._version:
            self._version = message.version
            self._broadcast(DataChanged)
            self._read_references()
            self.load_dashboard()

    def _broadcast(self, kind: type[Message]) -> None:
        for screen in self.screen_stack:
            screen.post_message(kind())

    @on(SessionSaved)
    def _saved(self, message: SessionSaved) -> None:
        self.poll()

    # ------------------------------------------------------------------ navigation
    @on(OpenSession)
    def _open_session(self, message: OpenSession) -> None:
        from .screens.details import SessionScreen

        self.push_screen(SessionScreen(self.ctx, message.session_id))

    @on(OpenAttendance)
    def _open_attendance(self, message: OpenAttendance) -> None:
        from .screens.attendance import AttendanceScreen

        self.push_screen(AttendanceScreen(self.ctx, message.session_id))

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_today_sessions(self) -> None:
        from .screens.today import TodayScreen

        if not isinstance(self.screen, TodayScreen):
            self.push_screen(TodayScreen(self.ctx))

    def action_request_queue(self) -> None:
        from .screens.requests import RequestsScreen

        if not isinstance(self.screen, RequestsScreen):
            self.push_screen(RequestsScreen(self.ctx))

    def action_people(self) -> None:
        from .screens.people import PeopleScreen

        if not isinstance(self.screen, PeopleScreen):
            self.push_screen(PeopleScreen(self.ctx))

    def action_undo_last(self) -> None:
        from .screens.undo import ask_undo

        ask_undo(self, self.ctx)

    def action_new_booking(self, start: datetime | None = None) -> None:
        from .screens.booking.screen import BookingScreen

        if isinstance(self.screen, BookingScreen):
            return
        if start is None:
            start = self._calendar_start()
        self.push_screen(BookingScreen(self.ctx, start=start))

    def _calendar_start(self) -> datetime | None:
        """A new booking starts on the day the calendar cursor is on (at the next hour today)."""
        from .screens.main import MainScreen

        main = next((s for s in self.screen_stack if isinstance(s, MainScreen)), None)
        if main is None:
            return None
        from .screens.booking.reading import default_start

        return default_start(self.ctx, main.calendar.cursor)

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Save an SVG of the screen in the data folder's ``screenshots`` (the Downloads
        folder Textual would use may not exist), and say where it went."""
        from platformdirs import user_data_path

        folder = Path(path) if path else user_data_path("sessionsctl") / "screenshots"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            saved = self.save_screenshot(filename, str(folder))
        except OSError as exc:
            self.notify(f"cannot save the screenshot in {folder}: {exc.strerror or exc}",
                        title="Screenshot", severity="error", timeout=8)
            return
        self.notify(f"saved in {saved}", title="Screenshot", timeout=6)

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def _back_to_main(self) -> MainScreen | None:
        """Close the screens over the main one (palette commands act on it)."""
        from .screens.main import MainScreen

        while not isinstance(self.screen, MainScreen) and len(self.screen_stack) > 1:
            self.pop_screen()
        return self.screen if isinstance(self.screen, MainScreen) else None

    @on(ShowPerson)
    def _show_person(self, message: ShowPerson) -> None:
        main = self._back_to_main()
        if main is not None:
            main.show_person(message.person)

    def action_go(self, what: str) -> None:
        """Palette commands that act on the main screen."""
        main = self._back_to_main()
        if main is None:
            return
        if what in ("month", "week", "day"):
            main.action_show("calendar")
            main.calendar.action_mode(what)  # type: ignore[arg-type]
        elif what == "today":
            main.action_show("calendar")
            main.calendar.action_today()
        elif what == "date":
            main.action_go_to_date()
        elif what == "list":
            main.action_show("list")
        elif what == "search":
            main.action_search()
        elif what == "clear":
            main.action_show("list")
            main.session_list.when_ready(main.session_list.action_clear)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        k = keys
        yield SystemCommand("New booking", f"Book a session ({k.NEW_BOOKING.first})",
                            self.action_new_booking)
        yield SystemCommand("Attendance",
                            f"Take attendance for a session today ({k.TODAY.first})",
                            self.action_today_sessions)
        yield SystemCommand("People", "Search, edit, deactivate or add people "
                            f"({k.PEOPLE.first} on the main screen)", self.action_people)
        yield SystemCommand("Go to today", f"Show today on the calendar ({k.GO_TODAY.first})",
                            lambda: self.action_go("today"))
        yield SystemCommand("Go to date", "Show a day on the calendar: 2026-12-08, next "
                            f"tuesday ({k.GO_TO_DATE.first})", lambda: self.action_go("date"))
        for mode, key in (("month", k.MONTH), ("week", k.WEEK), ("day", k.DAY)):
            yield SystemCommand(f"Calendar: {mode} view", f"Show the {mode} ({key.first})",
                                lambda mode=mode: self.action_go(mode))
        yield SystemCommand("Session list", f"Search and filter sessions ({k.SHOW_LIST.first})",
                            lambda: self.action_go("list"))
        yield SystemCommand("Search sessions", f"Search the list ({k.SEARCH.first})",
                            lambda: self.action_go("search"))
        yield SystemCommand("Clear filters",
                            f"Show every session from today on ({k.CLEAR.first} in the list)",
                            lambda: self.action_go("clear"))
        yield SystemCommand("Light or dark theme", "Switch between the light and the dark "
                            f"theme ({k.THEME.first})", self.action_toggle_dark)
        yield SystemCommand("Refresh", "Read everything on screen again", self._refresh_all)
        yield SystemCommand("Keys", f"Every key, screen by screen ({k.HELP.first})",
                            self.action_help)
        for command in super().get_system_commands(screen):
            # Textual's own "Keys" (its key panel) would be a second entry of that name.
            if command.title != "Keys":
                yield command

    def _refresh_all(self) -> None:
        self._broadcast(DataChanged)
        self.load_dashboard()
        self._read_references()

    # ------------------------------------------------------------------ writes and errors
    @on(WriteRequested)
    def _write_requested(self, message: WriteRequested) -> None:
        self.write(message.write, message.done)

    @work(thread=True, group="write", exit_on_error=False)
    def write(self, fn: Callable[[], Any], done: str,
              then: Callable[[Any], None] | None = None) -> None:
        """Run a core use case off the UI thread; say what happened, never crash on a refusal."""
        try:
            result = fn()
        except SessionsctlError as exc:
            self.call_from_thread(self.notify, shown(exc), title="Not saved",
                                  severity="error", timeout=8)
            return
        self.call_from_thread(self._written, result, done, then)

    def _written(self, result: Any, done: str, then: Callable[[Any], None] | None) -> None:
        if done:
            self.notify(done, timeout=4)
        if then is not None:
            then(result)
        self.post_message(SessionSaved((), done))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.report_failure(event.worker.error)

    @on(WorkFailed)
    def _work_failed(self, message: WorkFailed) -> None:
        self.report_failure(message.error)

    def report_failure(self, error: BaseException | None) -> None:
        """The one place a failed worker is reported (the app carries on)."""
        if isinstance(error, SessionsctlError):
            self.notify(shown(error), title="Refused", severity="error", timeout=8)
        else:
            self.notify(f"{type(error).__name__}: {error}", title="Unexpected error",
                        severity="error", timeout=10)


def make_app(centre: Centre, settings: Settings, now: datetime | Clock | None = None, *,
             refresh_every: float | None = REFRESH_SECONDS,
             db_label: str | None = None) -> SessionsApp:
    """The app over ``centre``, showing times in ``settings.tz`` (the system's zone if unset).

    ``now`` freezes the clock (a datetime) or replaces it (a callable), for tests and demos;
    ``db_label`` replaces the database shown in the header (snapshots need a fixed one).
    """
    clock: Clock
    if now is None:
        clock = utcnow
    elif isinstance(now, datetime):
        frozen = now.astimezone(UTC)

        def clock() -> datetime:
            return frozen
    else:
        clock = now
    tz = zone(settings.tz or system_zone_name(), field="tz")
    if db_label is None:
        from ..wiring import database_label

        db_label = database_label(centre.store.url)
    return SessionsApp(TuiContext(centre, tz, clock, db_label), refresh_every=refresh_every)


def run(centre: Centre, settings: Settings) -> None:
    """Start the app in this terminal (what `sessionsctl tui` calls). An unknown acting
    person or an unreachable database is refused here, before the screen opens, as the
    command's own error."""
    app = make_app(centre, settings)
    centre.people.whoami()
    app.run()
