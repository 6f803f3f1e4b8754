"""Errors a user can cause, each carrying the exit code of docs/CLI.md."""

from __future__ import annotations

from typing import Any

from .words import counted


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


class Ambiguous(InvalidInput):
    """A name that fits several people (rooms, subjects): refused rather than guessed, with
    each candidate (``Name <email>``) so the user can give the one meant."""

    def __init__(self, text: str, candidates: list[str], *, field: str | None = None) -> None:
        super().__init__(f"{text!r} could be {either(candidates)}: give the one meant"
                         + (" by email" if any("<" in c for c in candidates) else ""),
                         field=field)
        self.candidates = candidates

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "candidates": self.candidates}


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
            message or f"refused: {counted(len(conflicts) + more, 'scheduling conflict')}")
        self.conflicts = conflicts
        self.more = more

    @property
    def count(self) -> int:
        """Every conflict met, listed or not."""
        return len(self.conflicts) + self.more


class NotFound(SessionsctlError):
    """No such session, person, room, subject...; ``suggestions`` are the nearest that
    exist, for "did you mean ...?"."""

    exit_code = 4

    def __init__(self, kind: str, key: object, suggestions: list[str] | None = None) -> None:
        guess = f" (did you mean {either(suggestions)}?)" if suggestions else ""
        super().__init__(f"no {kind} {key!s}{guess}")
        self.kind = kind
        self.key = key
        self.suggestions = suggestions or []

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "kind": self.kind, "key": str(self.key),
                "suggestions": self.suggestions}


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


class Taken(SessionsctlError):
    """Refused because someone else got there first or the thing has moved on (a request
    another mentor claimed, an invitation already used)."""

    exit_code = 3


class DatabaseDenied(NotPermitted):
    """The database refused the role the program connects as a privilege it needs (the tables
    belong to another role, and nobody granted this one the rights): who it is, and what it
    lacks, so whoever owns the database knows what to grant."""

    def __init__(self, role: str | None, reason: str, privilege: str | None = None) -> None:
        self.role = role
        self.reason = reason  # the database's own words: "permission denied for table x"
        self.privilege = privilege  # SELECT, INSERT, CREATE...: what the refused statement needed
        # "permission denied for table alembic_version": a table (schema, sequence...) and its name
        words = reason.split()
        known = reason.startswith("permission denied for ") and len(words) > 4
        self.kind: str | None = words[3] if known else None
        self.name: str | None = " ".join(words[4:]) if known else None
        who = f'database role "{role}"' if role else "the database role connected"
        if self.kind and privilege:
            what = f"lacks the {privilege} privilege on {self.kind} {self.name}"
        elif self.kind:
            what = f"may not use {self.kind} {self.name}"
        else:
            what = "is not allowed to do this"
        super().__init__(f"{who} {what} (the database said: {reason}); connect as the role "
                         "that owns the tables, or have it grant this one what it needs")

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "role": self.role, "kind": self.kind, "name": self.name,
                "privilege": self.privilege}


def either(items: list[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``: the alternatives an error offers."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"
