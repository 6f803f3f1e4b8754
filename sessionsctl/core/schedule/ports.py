"""What a session's extras need from storage: registration for group sessions and the
session's materials, its recordings and check-in codes (protocols the store implements, held by
the unit of work as ``uow.registrations``, ``uow.materials``, ``uow.recordings`` and
``uow.checkins``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..domain.model import Material


@dataclass(frozen=True, slots=True)
class Recording:
    """A link to a recording of a session; ``public`` ones are for anyone who may see the
    session, the others for its participants."""

    id: int
    session_id: int
    url: str
    title: str | None = None
    public: bool = False
    added_by: str | None = None
    added_at: datetime | None = None


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
        """(student email, when they joined) of the session's waitlist, first come first;
        an email is empty where the connection may not know who waits (a student's own
        database login: only its own place is named)."""
        ...
    def missed(self, since: datetime, now: datetime) -> list[tuple[int, str]]:
        """(session id, student email) of those still waiting for a seat of a session, not
        cancelled, that started in ``[since, now]``."""
        ...
    def wait(self, session_id: int, student: str) -> None: ...
    def unwait(self, session_id: int, student: str) -> None: ...
    def promote_unseen(self, session_id: int, notify: bool) -> int | None:
        """Where the connection may not see who waits (a student's own login): promote on
        the database's side, as :func:`..registration.promote` would, and say how many
        were seated; None where the program sees them and promotes itself."""
        ...


class MaterialRepo(Protocol):
    """Materials of sessions: a URL, or a file kept in the database."""

    def add(self, material: Material, content: bytes | None) -> Material: ...
    def get(self, material_id: int) -> Material | None: ...
    def content(self, material_id: int) -> bytes | None: ...
    def replace(self, material: Material, content: bytes) -> None:
        """Write a new file (name, type, size, uploader) in place of material ``id``'s."""
        ...
    def remove(self, material_id: int) -> None: ...


class RecordingRepo(Protocol):
    """The recordings of sessions, in the order they were added."""

    def add(self, recording: Recording) -> Recording: ...
    def of(self, session_id: int) -> list[Recording]: ...


class CheckinRepo(Protocol):
    """The check-in codes of sessions (stored as given) and the wrong codes students gave."""

    def code(self, session_id: int) -> str | None: ...
    def set_code(self, session_id: int, code: str, at: datetime) -> None: ...
    def sessions_with(self, code: str) -> list[int]:
        """The sessions whose code is ``code``."""
        ...
    def failures(self, student: str, since: datetime) -> int:
        """How many wrong codes ``student`` gave from ``since`` on."""
        ...
    def fail(self, student: str, at: datetime) -> None:
        """Count a wrong code of ``student``'s (and forget those older than a day)."""
        ...
