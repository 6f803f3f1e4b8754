"""A session's recordings (`session recording`): links its mentor or staff add, seen by its
participants, or (``public``) by anyone who may see the session."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..access import Action, require, seen_recordings
from ..domain.errors import InvalidInput
from ..domain.serialize import record
from .ports import Recording
from .sessions import get_session

if TYPE_CHECKING:
    from ..context import Context
    from ..domain.model import Session


def _url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise InvalidInput(f"{url!r} is not a web link (http:// or https://)", field="url")
    return url


class Recordings:
    """Links to the recordings of sessions."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def add(self, session_id: int, url: str, *, title: str | None = None,
            public: bool = False) -> tuple[Session, Recording]:
        """Keep a link to a recording of session ``session_id`` (its mentor or staff),
        audited."""
        link = _url(url)
        title = (title or "").strip() or None
        if title is not None and len(title) > 200:
            raise InvalidInput("the title is longer than 200 characters", field="title")
        with self.ctx.write() as uow:
            session = get_session(uow, session_id, Action.VIEW_SESSION)
            require(uow.actor, Action.EDIT_SESSION, session=session)
            made = uow.recordings.add(Recording(
                0, session_id, link, title, public,
                uow.actor.email if uow.actor else None, self.ctx.clock()))
            uow.audit.record("recording", "session", session_id, None, record(made))
            return session, made

    def of(self, session_id: int) -> tuple[Session, list[Recording]]:
        """Session ``session_id``'s recordings the acting person may see."""
        with self.ctx.read() as uow:
            session = get_session(uow, session_id, Action.VIEW_SESSION)
            return session, seen_recordings(uow.actor, session, uow.recordings.of(session_id))
