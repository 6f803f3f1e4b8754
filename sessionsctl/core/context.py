"""What every use case works with: the store, the acting person and the clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # a command that only reads loads neither the protocols nor the locks
    from .storage import Store, UnitOfWork

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


# What the writes made now are done for (an undo from the audit log): each writing unit opened
# while it is set records it too, in its own transaction. Per thread and task, as TUI workers are.
_CAUSE: ContextVar[tuple[str, str, object, dict[str, Any]] | None] = ContextVar(
    "sessionsctl_cause", default=None)


@contextmanager
def because(action: str, entity: str, key: object, details: dict[str, Any]) -> Iterator[None]:
    """Every write made inside this block also records ``action`` on ``entity`` ``key`` in
    the audit log (``details`` as its record after), committed with the write or not at all."""
    token = _CAUSE.set((action, entity, key, details))
    try:
        yield
    finally:
        _CAUSE.reset(token)


@dataclass(slots=True)
class Context:
    """Shared by the services of one :class:`~sessionsctl.core.centre.Centre`: setting the
    clock here sets it for all of them."""

    store: Store
    actor: str | None = None
    clock: Clock = utcnow
    # The audit records of each change made through this context (a terminal), newest last:
    # what "undo the last change made here" takes back (a bulk change's are undone together).
    # An undo's own are not kept.
    made: list[list[int]] = field(default_factory=list)

    def read(self) -> AbstractContextManager[UnitOfWork]:
        """A unit of work that reads (one consistent snapshot)."""
        return self.store.unit(self.actor)

    @contextmanager
    def write(self) -> Iterator[UnitOfWork]:
        """A unit of work that writes: committed when the block ends, rolled back on error;
        held to the calendar lock (:mod:`.lock`), and recording what it is done for
        (:func:`because`)."""
        from .lock import guarded

        with self.store.unit(self.actor, write=True) as uow:
            yield guarded(uow)
            cause = _CAUSE.get()
            if cause is not None:
                action, entity, key, details = cause
                uow.audit.record(action, entity, key, None, details)
        if uow.audit.written and cause is None:
            self.made.append(list(uow.audit.written))
