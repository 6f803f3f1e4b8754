"""What every use case works with: the store, the acting person and the clock."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime

from .storage import Store, UnitOfWork

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Context:
    """Shared by the services of one :class:`~sessionsctl.core.centre.Centre`: setting the
    clock here sets it for all of them."""

    store: Store
    actor: str | None = None
    clock: Clock = utcnow

    def read(self) -> AbstractContextManager[UnitOfWork]:
        """A unit of work that reads (one consistent snapshot)."""
        return self.store.unit(self.actor)

    def write(self) -> AbstractContextManager[UnitOfWork]:
        """A unit of work that writes: committed when the block ends, rolled back on error."""
        return self.store.unit(self.actor, write=True)
