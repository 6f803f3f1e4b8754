"""What a session's extras need from storage: registration for group sessions and the
session's materials (protocols the store implements, held by the unit of work as
``uow.registrations`` and ``uow.materials``)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from ..domain.model import Material


class RegistrationRepo(Protocol):
    """Group sessions students register for: which are open, until when, their waitlists."""

    def until(self, session_id: int) -> datetime | None:
        """When registration for the session closes (None: it is not open)."""
        ...
    def open(self, session_id: int, until: datetime) -> None: ...
    def close(self, session_id: int) -> None: ...
    def open_ids(self, now: datetime) -> list[int]:
        """The scheduled sessions whose registration is still open at ``now``."""
        ...
    def waiting(self, session_id: int) -> list[tuple[str, datetime]]:
        """(student email, when they joined) of the session's waitlist, first come first."""
        ...
    def wait(self, session_id: int, student: str) -> None: ...
    def unwait(self, session_id: int, student: str) -> None: ...


class MaterialRepo(Protocol):
    """Materials of sessions: a URL, or a file kept in the database."""

    def add(self, material: Material, content: bytes | None) -> Material: ...
    def get(self, material_id: int) -> Material | None: ...
    def content(self, material_id: int) -> bytes | None: ...
    def replace(self, material: Material, content: bytes) -> None:
        """Write a new file (name, type, size, uploader) in place of material ``id``'s."""
        ...
    def remove(self, material_id: int) -> None: ...
