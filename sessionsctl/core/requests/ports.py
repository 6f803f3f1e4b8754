"""What mentorship requests need from storage (a protocol the store implements, held by the
unit of work as ``uow.requests``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..domain.model import SessionStatus
    from .model import MentorRequest, RequestDraft, RequestQuery, RequestStatus


class RequestRepo(Protocol):
    """Mentorship requests. Every change of status is conditional on the status the request
    has in the database (``sources``), so of two terminals moving one request at the same
    moment exactly one wins: the other's change reports False."""

    def add(self, draft: RequestDraft, now: datetime) -> MentorRequest: ...
    def get(self, request_id: int) -> MentorRequest | None: ...
    def find(self, query: RequestQuery) -> list[MentorRequest]: ...
    def move(self, request_id: int, sources: Sequence[RequestStatus], target: RequestStatus,
             now: datetime, *, mentor: str | None = None, clear_mentor: bool = False,
             session_id: int | None = None) -> bool:
        """Move the request to ``target`` if its status is one of ``sources`` (setting the
        mentor who claimed it, or clearing it; the session it was scheduled as)."""
        ...
    def expire(self, created_before: datetime, now: datetime) -> list[int]:
        """Expire every open request made before ``created_before``; the ids expired."""
        ...
    def lapse(self, claimed_before: datetime, now: datetime) -> list[int]:
        """Put back in the queue every claim made before ``claimed_before`` and never
        scheduled; the ids reopened."""
        ...
    def of_session(self, session_id: int) -> MentorRequest | None: ...
    def ended(self) -> list[tuple[MentorRequest, SessionStatus]]:
        """The scheduled requests whose session is completed or cancelled, with its status."""
        ...
    def mark_feedback_asked(self, request_id: int, now: datetime) -> bool:
        """Note that the student was asked for feedback, unless they were already: whether
        this call did (the ask is queued once however often this runs)."""
        ...
