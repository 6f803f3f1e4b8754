"""Who is told of a change: the notices a booking, move or cancellation queues in the outbox,
in the same transaction as the change (ARCHITECTURE.md, decision 5), so a change is never made
without its notice nor a notice queued for a change that rolled back."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..domain.model import Session
from .notices import Notice, NoticeKind

if TYPE_CHECKING:
    from ..context import Context
    from ..storage import UnitOfWork

# What participants see: a change to anything else (notes, cost...) sends no notice.
VISIBLE = ("title", "start", "end", "tz", "mentor", "room", "location", "link", "meeting_id",
           "passcode", "type", "subject", "status")


class Notifier:
    """Queues the notices of a change inside the caller's unit of work."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def notify(self, uow: UnitOfWork, kind: NoticeKind, sessions: Sequence[Session], *,
               before: Sequence[Session] = ()) -> None:
        """Queue the notices of a change, in its transaction, in one insert; none for
        sessions that started before now.

        Sessions of one series changed together make one notice per person (not one per
        occurrence). On a change, students added get a booking notice and students removed a
        cancellation that says they were taken off it (the session itself still goes ahead);
        a change nobody sees (notes, cost) queues nothing.
        """
        old = {s.id: s for s in before}
        # Nobody is told of what is over: a session held before now, booked or changed to
        # record it (one moved from the future into the past still is).
        now = self.ctx.clock()
        sessions = [s for s in sessions if s.start >= now
                    or (s.id in old and old[s.id].start >= now)]
        if not sessions:
            return
        groups, removed = _recipients(kind, sessions, old)
        notices = []
        for (uid, k), by_person in groups.items():
            for person, items in by_person.items():
                items = sorted({s.id: s for s in items}.values(), key=lambda s: s.start)
                first = items[0]
                payload: dict[str, Any] = {"sessions": [s.id for s in items]}
                if first.id in old and k is NoticeKind.CHANGED:
                    payload["previous"] = {"start": old[first.id].start.isoformat(),
                                           "end": old[first.id].end.isoformat()}
                if k is NoticeKind.CANCELLED and first.cancel_reason:
                    payload["reason"] = first.cancel_reason
                if k is NoticeKind.CANCELLED and (uid, person) in removed:
                    payload["removed"] = True
                notices.append(Notice(k, k.value, person, first.id, first.start, payload))
        uow.outbox.enqueue(notices, now=self.ctx.clock())

    def roster(self, uow: UnitOfWork, session: Session, *, added: Sequence[str] = (),
               removed: Sequence[str] = ()) -> None:
        """Tell the students put on a session (a booking notice) and those taken off it (a
        cancellation saying they were taken off; the session goes ahead), no one else: the
        session itself did not change for them. None for a session that has started."""
        if session.start < self.ctx.clock():
            return
        payload: dict[str, Any] = {"sessions": [session.id]}
        notices = [Notice(NoticeKind.BOOKED, NoticeKind.BOOKED.value, p, session.id,
                          session.start, payload) for p in added]
        notices += [Notice(NoticeKind.CANCELLED, NoticeKind.CANCELLED.value, p, session.id,
                           session.start, {**payload, "removed": True}) for p in removed]
        if notices:
            uow.outbox.enqueue(notices, now=self.ctx.clock())


_Groups = dict[tuple[str, NoticeKind], dict[str, list[Session]]]


def _recipients(kind: NoticeKind, sessions: Sequence[Session], old: dict[int, Session]
                ) -> tuple[_Groups, set[tuple[str, str]]]:
    """(uid, kind) -> recipient -> sessions, and the (uid, person) taken off a session."""
    groups: _Groups = defaultdict(lambda: defaultdict(list))
    removed: set[tuple[str, str]] = set()
    for s in sessions:
        people: tuple[str, ...] = (s.mentor, *s.students)
        was = old.get(s.id)
        if kind is NoticeKind.CHANGED and was is not None:
            if all(getattr(was, f) == getattr(s, f) for f in VISIBLE) \
                    and was.students == s.students:
                continue
            gone = set(was.students) - set(s.students)
            added = set(s.students) - set(was.students)
            if was.mentor != s.mentor:  # the old mentor is let go, the new one booked
                gone.add(was.mentor)
                added.add(s.mentor)
            for person in sorted(gone):
                groups[s.uid, NoticeKind.CANCELLED][person].append(was)
                removed.add((s.uid, person))
            for person in sorted(added):
                groups[s.uid, NoticeKind.BOOKED][person].append(s)
            people = tuple(p for p in people if p not in added)
        for person in people:
            groups[s.uid, kind][person].append(s)
    return groups, removed
