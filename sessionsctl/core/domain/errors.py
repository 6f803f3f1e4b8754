"""Errors a user can cause, each carrying the exit code of docs/CLI.md."""

from __future__ import annotations

from typing import Any


class SessionsctlError(Exception):
    """Base of every error that is reported to the user without a traceback."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_json(self) -> dict[str, Any]:
        return {"error": type(self).__name__, "message": self.message}


class InvalidInput(SessionsctlError):
    """Bad usage or invalid input; names the field (or file/row) that is wrong.

    ``field`` and ``detail`` are kept apart, so each face places them as it shows errors (a
    form beside the field, a command as ``field: detail``); ``message`` is the two joined."""

    exit_code = 2

    def __init__(self, detail: str, *, field: str | None = None) -> None:
        super().__init__(f"{field}: {detail}" if field else detail)
        self.field = field
        self.detail = detail

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "field": self.field, "detail": self.detail}


class NotStarted(InvalidInput):
    """Refused because the session has not started yet, which the caller may override (each
    face says how: the CLI with --force, the TUI by asking)."""


class ConflictError(SessionsctlError):
    """A booking was refused because of scheduling conflicts; nothing was written.

    ``conflicts`` are those listed in full; ``more`` counts the others met (a request whose
    rows clash with hundreds of others lists the first few of each row)."""

    exit_code = 3

    def __init__(self, conflicts: list[Any], message: str | None = None, *,
                 more: int = 0) -> None:
        super().__init__(
            message or f"refused: {len(conflicts) + more:,} scheduling conflict(s)")
        self.conflicts = conflicts
        self.more = more

    @property
    def count(self) -> int:
        """Every conflict met, listed or not."""
        return len(self.conflicts) + self.more


class NotFound(SessionsctlError):
    """No such session, person, room, subject..."""

    exit_code = 4

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"no {kind} {key!s}")
        self.kind = kind
        self.key = key

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "kind": self.kind, "key": str(self.key)}


class NotPermitted(SessionsctlError):
    """The acting person's role does not allow this."""

    exit_code = 5


class StoreUnavailable(SessionsctlError):
    """The database cannot be reached or opened."""

    exit_code = 1


class Contended(SessionsctlError):
    """Another booking took the slot between our check and our write (the database's guard
    caught it); checking again names the clash."""

    exit_code = 3
