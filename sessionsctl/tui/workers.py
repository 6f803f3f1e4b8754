"""One way to report a worker that failed: as a message in the app, which carries on."""

from __future__ import annotations

from typing import Any, Protocol

from textual.app import App
from textual.worker import Worker, WorkerState

from .messages import WorkFailed


class _InApp(Protocol):
    @property
    def app(self) -> App[Any]: ...


class ReportsFailures:
    """Mixed into every screen and widget that runs workers: Worker.StateChanged does not
    bubble, so each owner hands its failures to the app's one reporter (as a message, which
    reaches the app even when the owner has gone meanwhile)."""

    def on_worker_state_changed(self: _InApp, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.app.post_message(WorkFailed(event.worker.error))
