"""The dashboard header: four figure cards, and who is acting on which database."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Static

from ...core.stats import Dashboard
from .. import format as fmt

CARDS = (("today", "Today"), ("week", "This week"), ("completion", "Completed"),
         ("attendance", "Attended"))


class Card(Static):
    """One figure, its caption in the border."""

    def set(self, value: str, detail: str = "") -> None:
        self.update(Content.assemble((value, "bold"), ("  " + detail if detail else "",
                                                       "$text-muted")))


class DashboardBar(Horizontal):
    def compose(self) -> ComposeResult:
        for key, caption in CARDS:
            card = Card("…", id=f"card-{key}", classes="card")
            card.border_title = caption
            yield card
        yield Static(id="whoami")

    def show(self, figures: Dashboard) -> None:
        days = f"last {figures.window_days} days"
        self.query_one("#card-today", Card).set(
            str(figures.today), "session" if figures.today == 1 else "sessions")
        self.query_one("#card-week", Card).set(str(figures.upcoming_week), "upcoming")
        self.query_one("#card-completion", Card).set(fmt.percent(figures.completion_rate), days)
        self.query_one("#card-attendance", Card).set(fmt.percent(figures.attendance_rate), days)

    def who(self, actor: str, database: str) -> None:
        self.query_one("#whoami", Static).update(
            Content.assemble((actor, "$text-muted"), "\n", (fmt.clip(database, 60), "$text-muted")))
