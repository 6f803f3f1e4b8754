"""The command palette's finds beside its commands: people (from what the app has read) and
sessions by title or ``#id`` (read in a worker through the centre). Picking a person shows
their sessions in the list; picking a session opens it."""

from __future__ import annotations

import re
from functools import partial

from textual.command import Hit, Hits, Provider
from textual.worker import WorkerCancelled, WorkerFailed

from ..core.domain.drafts import SessionQuery
from ..core.domain.model import Person, Session
from . import format as fmt
from .context import TuiContext
from .messages import OpenSession, ShowPerson

SHOWN = 8  # sessions (and people) a search shows at most
FOUND_ELSEWHERE = 0.3  # the score of a session whose notes or people, not its title, hold the text


def find_sessions(ctx: TuiContext, text: str) -> list[Session]:
    """The session numbered ``text`` (``#12`` or ``12``), and (unless it starts with ``#``)
    those whose title, notes, people or room hold it: the coming ones first, then the
    latest past."""
    find = ctx.centre.sessions.find
    number = re.fullmatch(r"#?\s*(\d+)", text)
    found = find(SessionQuery(ids=(int(number[1]),))) if number else []
    if text.startswith("#"):
        return found
    now = ctx.now()
    found += find(SessionQuery(search=text, start=now, limit=SHOWN))
    if len(found) < SHOWN:
        found += find(SessionQuery(search=text, end=now, descending=True, limit=SHOWN))
    unique = {s.id: s for s in found}
    return list(unique.values())[:SHOWN]


class Finds(Provider):
    """People and sessions, for the palette."""

    @property
    def ctx(self) -> TuiContext | None:
        ctx = getattr(self.app, "ctx", None)
        return ctx if isinstance(ctx, TuiContext) else None

    async def search(self, query: str) -> Hits:
        ctx, text = self.ctx, query.strip()
        if ctx is None or not text:
            return
        matcher = self.matcher(text)
        people = sorted(((matcher.match(f"{p.name} {p.email}"), p)
                         for p in ctx.people.values()), key=lambda found: -found[0])
        for score, person in people[:SHOWN]:
            if score > 0:
                shown = f"{person.name} · {person.role.value} · {person.email}"
                yield Hit(score, matcher.highlight(shown), partial(self._person, person),
                          text=shown, help="Their sessions, in the session list")
        for session in await self._sessions(ctx, text):
            shown = (f"#{session.id} {session.title} · {fmt.when(session, ctx.tz)} · "
                     f"{fmt.status(session, ctx.now())[0]}")
            score = 1.0 if text.lstrip("#").strip() == str(session.id) else max(
                matcher.match(session.title), FOUND_ELSEWHERE)
            yield Hit(score, matcher.highlight(shown), partial(self._open, session.id),
                      text=shown, help="Open the session")

    async def _sessions(self, ctx: TuiContext, text: str) -> list[Session]:
        """The sessions ``text`` finds, read in a worker (a failure is reported by the app
        and finds none)."""
        worker = self.app.run_worker(partial(find_sessions, ctx, text), thread=True,
                                     group="palette", exclusive=True, exit_on_error=False)
        try:
            return await worker.wait()
        except (WorkerCancelled, WorkerFailed):
            return []

    def _person(self, person: Person) -> None:
        self.app.post_message(ShowPerson(person))

    def _open(self, session_id: int) -> None:
        self.app.post_message(OpenSession(session_id))
