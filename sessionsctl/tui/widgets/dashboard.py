"""The dashboard header: four figure cards, and who is acting on which database."""

from __future__ import annotations

from textual.app import ComposeResult, RenderResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widget import Widget

from ...core.reports.stats import Dashboard
from .. import format as fmt

CARDS = (("today", "Today"), ("week", "This week"), ("completion", "Completed"),
         ("attendance", "Attended"))


class Card(Widget):
    """One figure, its caption in the border, and what it counts when there is room."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._value = "…"
        self._details: tuple[str, ...] = ()

    def set(self, value: str, *details: str) -> None:
        """``details``: what the figure counts, longest first; the longest that fits shows."""
        self._value, self._details = value, details
        self.refresh()

    def render(self) -> RenderResult:
        room = self.content_size.width - len(self._value)
        for detail in self._details:
            for gap in ("  ", " "):
                if len(gap) + len(detail) <= room:
                    return Content.assemble((self._value, "bold"), (gap + detail, "$text-muted"))
        return Content.styled(self._value, "bold")


class Where(Widget):
    """The acting person and the database, each cut to one line: the database's path keeps
    its file name and loses its middle (and the home folder is ``~``)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._actor = ""
        self._database = ""

    def show(self, actor: str, database: str) -> None:
        self._actor, self._database = actor, database
        self.refresh()

    def render(self) -> RenderResult:
        width = self.content_size.width
        return Content.assemble((fmt.clip(self._actor, width), "$text-muted"), "\n",
                                (fmt.short_database(self._database, width), "$text-muted"))


class DashboardBar(Horizontal):
    def compose(self) -> ComposeResult:
        for key, caption in CARDS:
            card = Card(id=f"card-{key}", classes="card")
            card.border_title = caption
            yield card
        yield Where(id="whoami")

    def show(self, figures: Dashboard) -> None:
        days = f"last {figures.window_days} days"
        short = f"{figures.window_days} days"
        self.query_one("#card-today", Card).set(
            str(figures.today), "session" if figures.today == 1 else "sessions")
        self.query_one("#card-week", Card).set(str(figures.upcoming_week), "upcoming")
        self.query_one("#card-completion", Card).set(fmt.percent(figures.completion_rate),
                                                     days, short)
        self.query_one("#card-attendance", Card).set(fmt.percent(figures.attendance_rate),
                                                     days, short)

    def who(self, actor: str, database: str) -> None:
        self.query_one(Where).show(actor, database)
