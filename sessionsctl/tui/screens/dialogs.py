"""Small modal questions: which occurrences of a series, a line of text (a reason, a note),
and yes or no."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from ...core.domain.errors import SessionsctlError
from ...core.schedule.scopes import Scope
from .. import keys
from ..format import shown
from ..keys import bindings
from ..widgets.entry import Entry


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
    BINDINGS = bindings(keys.SCOPE)

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
    """One line of text; None when the user backs out. ``check`` reads the text before it
    is taken: what it refuses (a SessionsctlError) is said beside the field."""

    DEFAULT_CSS = """
    PromptDialog { align: center middle; }
    PromptDialog > Vertical {
        width: 70; height: auto; padding: 1 2; border: thick $primary; background: $surface;
    }
    PromptDialog .hint { color: $text-muted; }
    PromptDialog .error { color: $text-error; }
    """
    BINDINGS = bindings(keys.PROMPT)

    def __init__(self, title: str, placeholder: str = "", value: str = "", *,
                 required: bool = False, hint: str = "enter to save · escape to go back",
                 check: Callable[[str], object] | None = None) -> None:
        super().__init__()
        self.check = check
        self.title_text = title
        self.placeholder = placeholder
        self.value = value
        self.required = required
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"[b]{self.title_text}[/b]")
            yield Entry(self.value, placeholder=self.placeholder, id="prompt")
            yield Static(self.hint, classes="hint", id="prompt-hint")

    @on(Input.Submitted, "#prompt")
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        problem = "must not be empty" if self.required and not text else None
        if problem is None and self.check is not None:
            try:
                self.check(text)
            except SessionsctlError as exc:
                problem = shown(exc)
        if problem is not None:
            hint = self.query_one("#prompt-hint", Static)
            hint.update(problem)
            hint.add_class("error")
            return
        self.dismiss(text)


class ConfirmDialog(ModalScreen[bool]):
    """A yes-or-no question: True for yes; no, escape or n answer False. The button focused at
    first is ``default`` (no, for anything that throws work away or cannot be undone)."""

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical {
        width: 70; height: auto; padding: 1 2; border: thick $warning; background: $surface;
    }
    ConfirmDialog .detail { margin-top: 1; }
    ConfirmDialog .hint { color: $text-muted; margin-top: 1; }
    ConfirmDialog Horizontal { height: auto; margin-top: 1; }
    ConfirmDialog Button { margin-right: 1; }
    """
    BINDINGS = bindings(keys.CONFIRM)

    def __init__(self, question: str, detail: str = "", *, yes: str = "Yes", no: str = "No",
                 default: bool = False) -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.yes_label = yes
        self.no_label = no
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content.styled(self.question, "bold"))
            if self.detail:
                yield Static(self.detail, classes="detail")
            yield Static(f"y: {self.yes_label.lower()} · n or escape: {self.no_label.lower()}",
                         classes="hint")
            with Horizontal():
                yield Button(self.yes_label, id="yes", variant="warning")
                yield Button(self.no_label, id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#yes" if self.default else "#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
