"""A mentor's view (`v` on a mentor in People): their last 30 days as `report mentors` counts
them (sessions held, hours, average rating, no-shows) and their average rating in each
feedback category, from the same report (core's ``report_mentors``), so both agree."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from ...core.domain.errors import SessionsctlError
from ...core.domain.model import Person
from ...core.domain.policy import REPORT_WINDOW
from ...core.reports.data import ReportFilter
from ...core.reports.report import Report
from .. import format as fmt
from .. import keys
from ..keys import bindings
from ..workers import ReportsFailures

if TYPE_CHECKING:
    from ..context import TuiContext


def category_rows(report: Report, mentor: str) -> list[tuple[str, int, str]]:
    """(category, ratings, average to two places) of ``mentor`` in a mentors report."""
    return [(row["category"], row["ratings"], f"{row['average']:.2f}")
            for row in report.section("categories").rows if row["mentor"] == mentor]


def summary(report: Report, mentor: str) -> str:
    """Their line of the report's mentors table, in words."""
    row: dict[str, Any] | None = next(
        (r for r in report.section("mentor").rows if r["mentor"] == mentor), None)
    if row is None:
        return "No sessions in the last 30 days."
    average = row["average_rating"]
    rated = (f"average rating {average:.2f} from {row['ratings']}" if average is not None
             else "no ratings")
    no_shows = row["no_show_rate"]
    shown = f", no-shows {no_shows:.0%}" if no_shows is not None else ""
    return (f"Last 30 days: {row['held']} of {row['sessions']} sessions held, "
            f"{row['hours']:g} hours, {rated}{shown}.")


class MentorScreen(ReportsFailures, Screen[None]):
    BINDINGS = bindings(keys.MENTOR_SCREEN)

    class Loaded(Message):
        def __init__(self, report: Report | None, error: str | None = None) -> None:
            super().__init__()
            self.report = report
            self.error = error

    def __init__(self, ctx: TuiContext, mentor: Person) -> None:
        super().__init__()
        self.ctx = ctx
        self.mentor = mentor

    def compose(self) -> ComposeResult:
        yield Static(Content.assemble((self.mentor.name, "bold"), "  ",
                                      (self.mentor.email, "$text-muted")),
                     id="mentor-title", classes="screen-title")
        yield Static("loading…", id="mentor-summary")
        yield Static("Ratings by category", classes="section")
        yield DataTable(id="mentor-categories", cursor_type="row", show_cursor=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#mentor-categories", DataTable)
        for label in ("Category", "Ratings", "Average"):
            table.add_column(label)
        self.load()

    @work(thread=True, exclusive=True, group="mentor", exit_on_error=False)
    def load(self) -> None:
        now = self.ctx.now()
        try:
            report = self.ctx.centre.reports.report_mentors(
                ReportFilter(now - REPORT_WINDOW, now, mentor=self.mentor.email), self.ctx.tz)
        except SessionsctlError as exc:
            self.post_message(self.Loaded(None, exc.message))
            return
        self.post_message(self.Loaded(report))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        said = self.query_one("#mentor-summary", Static)
        if message.report is None:
            said.update(Content.styled(message.error or "not found", "$text-error"))
            return
        said.update(summary(message.report, self.mentor.email))
        table = self.query_one("#mentor-categories", DataTable)
        table.clear()
        rows = category_rows(message.report, self.mentor.email)
        for category, ratings, average in rows:
            table.add_row(fmt.cell(category), fmt.cell(ratings), fmt.cell(average))
        if not rows:
            table.add_row(fmt.cell("no ratings by category"), fmt.cell(""), fmt.cell(""))
