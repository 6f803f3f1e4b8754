"""ctrl+z: undo the last change made in this terminal, after saying what it will undo."""

from __future__ import annotations

from typing import Any

from textual.app import App

from ...core.domain.errors import SessionsctlError
from ..context import TuiContext
from ..format import shown
from ..messages import WriteRequested
from .dialogs import ConfirmDialog


def ask_undo(app: App[Any], ctx: TuiContext) -> None:
    """Read what undoing the last change made here would do (in a worker), show it, and
    undo it if the answer is yes; the change before it is next."""
    entry = ctx.centre.audit.last_made()
    if entry is None:
        app.notify("No change made in this terminal is left to undo.", severity="warning")
        return

    def read() -> None:
        try:
            said = ctx.centre.audit.preview(entry, ctx.tz)
        except SessionsctlError as exc:
            app.call_from_thread(app.notify, shown(exc), title="Cannot undo",
                                 severity="error", timeout=8)
            return
        app.call_from_thread(confirm, said)

    def confirm(said: str) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                app.post_message(WriteRequested(lambda: ctx.centre.audit.undo_last(entry),
                                                f"Undone: change {entry}"))

        app.push_screen(ConfirmDialog("Undo the last change made here?", said, yes="Undo",
                                      no="Keep it"), answered)

    app.run_worker(read, thread=True, group="undo", exit_on_error=False)
