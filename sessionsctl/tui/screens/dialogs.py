"""Small modal questions: which occurrences of a series, and a line of text (a reason, a note)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from ...core.scheduling import Scope


class ScopeDialog(ModalScreen[Scope | None]):
    """Which occurrences of a series a change applies to; None when the user backs out."""

    DEFAULT_CSS = """
    ScopeDialog { align: center middle; }
    ScopeDialog > Vertical {
        width: 64; height: auto; padding: 1 2; border: thick $primary; background: $surface;
    }
    ScopeDialog Horizontal { height: auto; margin-top: 1; }
    ScopeDialog Button { margin-right: 1; }
    """
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back"),
        Binding("t", "pick('this')", "This one", show=False),
        Binding("f", "pick('following')", "This and following", show=False),
        Binding("a", "pick('all')", "All", show=False),
    ]

    def __init__(self, what: str = "Change") -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"[b]{self.what}[/b] an occurrence of a series")
            yield Static("Which occurrences?  [dim](t, f, a · escape to go back)[/dim]")
            with Horizontal():
                yield Button("This one", id="this", variant="primary")
                yield Button("This and following", id="following")
                yield Button("All", id="all")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)  # type: ignore[arg-type]

    def action_pick(self, scope: Scope) -> None:
        self.dismiss(scope)


class PromptDialog(ModalScreen[str | None]):
    """One line of text; None when the user backs out."""

    DEFAULT_CSS = """
    PromptDialog { align: center middle; }
    PromptDialog > Vertical {
        width: 70; height: auto; padding: 1 2; border: thick $primary; background: $surface;
    }
    PromptDialog .hint { color: $text-muted; }
    PromptDialog .error { color: $error; }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Back")]

    def __init__(self, title: str, placeholder: str = "", value: str = "", *,
                 required: bool = False, hint: str = "enter to save · escape to go back") -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.value = value
        self.required = required
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"[b]{self.title_text}[/b]")
            yield Input(self.value, placeholder=self.placeholder, id="prompt")
            yield Static(self.hint, classes="hint", id="prompt-hint")

    @on(Input.Submitted, "#prompt")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if self.required and not text:
            hint = self.query_one("#prompt-hint", Static)
            hint.update("must not be empty")
            hint.add_class("error")
            return
        self.dismiss(text)
