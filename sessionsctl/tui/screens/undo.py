"""ctrl+z: undo the last change made in this terminal, after saying what it will undo."""

from __future__ import annotations

from typing import Any

from textual.app import App

from ...core.domain.errors import SessionsctlError
from ...core.domain.words import counted
from ..context import TuiContext
from ..format import shown
from ..messages import WriteRequested
from .dialogs import ConfirmDialog


def ask_undo(app: App[Any], ctx: TuiContext) -> None:
    """Read what undoing the last change made here would do (in a worker), show it, and
    undo it if the answer is yes; the change before it is next."""
    entries = ctx.centre.audit.last_made()
    if not entries:
        app.notify("No change made in this terminal is left to undo.", severity="warning")
        return

    def read() -> None:
        try:
            said = ctx.centre.audit.preview_last(ctx.tz)
        except SessionsctlError as exc:
            app.call_from_thread(app.notify, shown(exc), title="Cannot undo",
                                 severity="error", timeout=8)
            return
        app.call_from_thread(confirm, said)

    def confirm(said: str) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                app.post_message(WriteRequested(
                    lambda: ctx.centre.audit.undo_last(entries),
                    f"Undone: {counted(len(entries), 'change')} ({entries[0]}…{entries[-1]})"
                    if len(entries) > 1 else f"Undone: change {entries[0]}"))

        app.push_screen(ConfirmDialog("Undo the last change made here?", said, yes="Undo",
                                      no="Keep it"), answered)

    app.run_worker(read, thread=True, group="undo", exit_on_error=False)
