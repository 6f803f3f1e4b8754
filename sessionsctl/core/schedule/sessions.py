"""Use cases of one session: check, book, list, show, edit, add a note, and walk its status
(start, complete, cancel). A change to several occurrences of a series goes to
:class:`~sessionsctl.core.schedule.scopes.ScopedEdits`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..access import (
    Action,
    require,
    require_view,
    seen,
    seen_feedback,
    seen_guests,
    seen_marks,
    seen_recordings,
    visible,
)
from ..billing.cancelling import CancelledBy, cancelled_by, noted
from ..billing.places import places_paid
from ..domain import rules
from ..domain.drafts import Row, SessionDraft, SessionQuery
from ..domain.errors import ConflictError, InvalidInput, NotFound
from ..domain.model import (
    Attendance,
    Feedback,
    Guest,
    Material,
    PaymentStatus,
    Session,
    SessionStatus,
)
from ..domain.serialize import record
from ..mail.notices import NoticeKind
from .booking import (
    EDITABLE,
    Booked,
    BookingResult,
    check_not_past,
    check_options,
    draft_of,
    new_uid,
    retry_race,
)

if TYPE_CHECKING:  # for the types alone: reading sessions loads no series, scopes or booker
    from ..completion import Unmarked
    from ..context import Context
    from ..mail.notify import Notifier
    from ..storage import UnitOfWork
    from .booker import Booker
    from .conflicts import Conflict
    from .ports import Recording
    from .scopes import Scope, ScopedEdits
    from .series import SeriesResult


@dataclass(frozen=True, slots=True)
class SessionDetails:
    session: Session
    attendance: list[Attendance]
    feedback: list[Feedback]
    materials: list[Material]
    recordings: list[Recording] = field(default_factory=list)
    guests: list[Guest] = field(default_factory=list)  # instructors and observers, invited
    flags: list[str] = field(default_factory=list)  # "mentor unavailable: why" (flags.py)
    # Each student's place -> what it is paid as (their own status, else the session's), for
    # a reader who may read payments (empty for others): :func:`~..billing.places.places_paid`.
    payments: dict[str, PaymentStatus] = field(default_factory=dict)


def guests(uow: UnitOfWork, session_id: int) -> list[Guest]:
    """The session's instructors and observers: its accepted invitations of those roles, in
    the order they were sent (a learner who accepted is one of its students)."""
    from ..invitations.model import InviteRole, InviteStatus

    return [Guest(i.email, i.role.value)
            for i in uow.invitations.find(session_id, InviteStatus.ACCEPTED)
            if i.role is not InviteRole.LEARNER]


def flags_of(uow: UnitOfWork, session: Session, now: datetime) -> list[str]:
    """What the session is flagged for (flags.py): its mentor unavailable then."""
    from .flags import flagged

    return flagged(uow, [session], now).get(session.id, [])


def get_session(uow: UnitOfWork, session_id: int, action: Action) -> Session:
    """The session, if it exists and the acting person may do ``action`` to it."""
    session = uow.sessions.get(session_id)
    if session is None:
        raise NotFound("session", session_id)
    if action is Action.VIEW_SESSION:
        require_view(uow, session)
    else:
        require(uow.actor, action, session=session)
    return session


# Who may put a session back from a status: whoever may bring it there.
_UNDONE_BY = {SessionStatus.IN_PROGRESS: Action.BEGIN_SESSION,
              SessionStatus.COMPLETED: Action.COMPLETE_SESSION,
              SessionStatus.CANCELLED: Action.CANCEL_SESSION}


class Sessions:
    """One-off sessions and single occurrences. Its collaborators are asked for when first
    used (each built once, by the centre): finding and showing sessions builds no booker,
    notifier or scoped edits, nor loads their modules."""

    def __init__(self, ctx: Context, booker: Callable[[], Booker],
                 notifier: Callable[[], Notifier], scoped: Callable[[], ScopedEdits],
                 unmarked_as: Callable[[], Unmarked] = lambda: "absent") -> None:
        self.ctx = ctx
        self.booker, self.notifier, self.scoped = booker, notifier, scoped
        self.unmarked_as = unmarked_as  # what completing does to unmarked students

    # ------------------------------------------------------------------ book and check
    def check(self, draft: SessionDraft, exclude: Sequence[int] = ()) -> list[Conflict]:
        """The conflicts a booking would meet, without writing anything (live warnings)."""
        draft = rules.validate_session(draft)
        with self.ctx.read() as uow:
            # Only a booking one could make may be tried out: a clash names other sessions.
            require(uow.actor, Action.BOOK, mentor=draft.mentor)
            refs = self.booker().resolve(uow, [draft])
            return self.booker().against_stored(uow, [draft], refs, exclude)[0]

    def book(self, draft: SessionDraft, *, force_reason: str | None = None,
             notify: bool = True, past: bool = False) -> Booked:
        """Book a one-off session: refused with every conflict unless forced with a reason,
        and on a day before today unless ``past``."""
        result = self.book_many([draft], force_reason=force_reason, notify=notify, past=past)
        return Booked(result.booked[0], result.conflicts, result.more)

    def book_many(self, drafts: Sequence[SessionDraft], *, force_reason: str | None = None,
                  skip_conflicts: bool = False, notify: bool = True,
                  past: bool = False) -> BookingResult:
        """Book one-off sessions together in one transaction, all or none
        (:meth:`Booker.book`); a day before today only when ``past``."""
        check_options(force_reason, skip_conflicts)
        rows = [Row(rules.validate_session(d), uid=new_uid()) for d in drafts]
        now = self.ctx.clock()
        for row in rows:
            check_not_past(row.draft.start, row.draft.tz, now, past)
        given = {id(row): d for row, d in zip(rows, drafts, strict=True)}

        def attempt() -> BookingResult:
            with self.ctx.write() as uow:
                return self.booker().book(uow, rows, force_reason=force_reason,
                                          skip_conflicts=skip_conflicts, notify=notify)

        result = retry_race(attempt)
        # The drafts skipped as the caller gave them (validation fills in defaults).
        return replace(result, skipped=[given[id(r)] for r in result.skipped_rows])

    # ------------------------------------------------------------------------- read
    def find(self, query: SessionQuery) -> list[Session]:
        """The sessions ``query`` selects that the acting person may see."""
        with self.ctx.read() as uow:
            actor = uow.actor
            if query.payments:  # what was paid is the staff's to filter by
                require(actor, Action.MANAGE_BILLING)
            return [seen(actor, s) for s in uow.sessions.find(visible(actor, query))]

    def show(self, session_id: int) -> SessionDetails:
        with self.ctx.read() as uow:
            session = get_session(uow, session_id, Action.VIEW_SESSION)
            actor = uow.actor
            shown = seen(actor, session)
            return SessionDetails(
                shown,
                seen_marks(actor, session, uow.attendance.marks(session_id)),
                seen_feedback(actor, session, uow.attendance.feedback(session_id)),
                uow.attendance.materials(session_id),
                seen_recordings(actor, session, uow.recordings.of(session_id)),
                seen_guests(actor, session, guests(uow, session_id)),
                flags_of(uow, session, self.ctx.clock()),
                places_paid(uow, actor, shown))

    # ------------------------------------------------------------------------- edit
    def edit(self, session_id: int, changes: dict[str, Any], *,
             force_reason: str | None = None, notify: bool = True,
             past: bool = False) -> Booked:
        """Change fields of one session; moving its start keeps its length unless end is given,
        and moving it to a day before today needs ``past``."""
        check_options(force_reason, False)
        return retry_race(lambda: self._edit_one(session_id, changes, force_reason, notify,
                                                 past))

    def edit_scoped(self, session_id: int, changes: dict[str, Any], *, scope: Scope = "this",
                    repeat: str | None = None, force_reason: str | None = None,
                    notify: bool = True, past: bool = False) -> SeriesResult | Booked:
        """Edit one occurrence, or it and the following ones, or the whole series; a move to
        a day before today only when ``past``."""
        from .scopes import SCOPES

        if scope not in SCOPES:
            raise InvalidInput(f"must be one of {', '.join(SCOPES)}", field="scope")
        check_options(force_reason, False)
        session = self._peek(session_id)
        if scope == "this" or session.series_id is None:
            if repeat is not None:
                raise InvalidInput("a new rule needs --scope following or all", field="repeat")
            return self.edit(session_id, changes, force_reason=force_reason, notify=notify,
                             past=past)
        # A shift of the following occurrences moves only those still to be held: not asked.
        return self.scoped().edit(session, changes, scope, repeat=repeat,
                                  force_reason=force_reason, notify=notify)

    def _roster(self) -> Any:
        from .roster import Roster

        return Roster(self.ctx, self.booker(), self.notifier())

    def _peek(self, session_id: int) -> Session:
        with self.ctx.read() as uow:
            session = uow.sessions.get(session_id)
        if session is None:
            raise NotFound("session", session_id)
        return session

    def _edit_one(self, session_id: int, changes: dict[str, Any], force_reason: str | None,
                  notify: bool, past: bool) -> Booked:
        unknown = set(changes) - EDITABLE
        if unknown:
            raise InvalidInput(f"cannot change {', '.join(sorted(unknown))}", field="edit")
        with self.ctx.write() as uow:
            before = get_session(uow, session_id, Action.EDIT_SESSION)
            if "start" in changes and "end" not in changes:
                changes = {**changes, "end": changes["start"] + before.duration}
            old = draft_of(before)
            draft = rules.validate_session(replace(old, **changes))
            changed = {f for f in changes if getattr(draft, f) != getattr(old, f)}
            if "start" in changed:
                check_not_past(draft.start, draft.tz, self.ctx.clock(), past)
            rules.editable(before.status, changed)
            if draft.mentor != before.mentor:
                require(uow.actor, Action.BOOK, mentor=draft.mentor)
            found: list[Conflict] = []
            if changed <= rules.ANNOTATIONS:
                # Notes, description, cost or payment move nobody: no clash to look for, and
                # a session booked over one stays recorded as such.
                reason = before.force_reason
            else:
                refs = self.booker().resolve(uow, [draft])
                [found] = self.booker().against_stored(uow, [draft], refs, [session_id])
                if found and force_reason is None:
                    raise ConflictError(found)
                # A session moved to a free slot is no longer forced: the database guard
                # covers it.
                reason = force_reason.strip() if found and force_reason else None
            uow.sessions.update(session_id, Row(
                draft, uid=before.uid, status=before.status, series_id=before.series_id,
                recurrence_id=before.recurrence_id, force_reason=reason,
                sequence=before.sequence + 1))
            after = uow.sessions.get(session_id)
            assert after is not None
            uow.audit.record("edit", "session", session_id, record(before), record(after))
            if notify:
                self.notifier().notify(uow, NoticeKind.CHANGED, [after], before=[before])
            if "max_participants" in changed:  # seats added go to those waiting
                from .registration import promote

                if promote(uow, self._roster(), self.notifier(), session_id, self.ctx.clock(),
                           notify):
                    after = uow.sessions.get(session_id) or after
            return Booked(after, found)

    def add_note(self, session_id: int, text: str, *, tz: ZoneInfo | None = None) -> Session:
        """Add a line to the session's notes, stamped with when (in ``tz``, else the
        session's zone) and by whom; appended in the database itself, so a note added
        meanwhile from another terminal is kept. Any session's notes may grow, a completed
        or cancelled one's too."""
        text = " ".join(text.split())
        if not text:
            raise InvalidInput("must not be empty", field="note")
        if len(text) > rules.MAX_NOTE:
            raise InvalidInput(f"is longer than {rules.MAX_NOTE} characters", field="note")
        with self.ctx.write() as uow:
            before = get_session(uow, session_id, Action.NOTE_SESSION)
            now = self.ctx.clock().astimezone(tz or ZoneInfo(before.tz))
            stamp = now.strftime("%Y-%m-%d %H:%M")
            author = f" {uow.actor.email}" if uow.actor else ""
            uow.sessions.append_note(session_id, f"[{stamp}{author}] {text}")
            after = uow.sessions.get(session_id)
            assert after is not None
            uow.audit.record("note", "session", session_id, {"notes": before.notes},
                             {"notes": after.notes})
            return after

    # ----------------------------------------------------------------------- status
    def _set_status(self, session_id: int, target: SessionStatus, action: Action,
                    reason: str | None = None, notify: bool = True,
                    by: CancelledBy | None = None, force: bool = False) -> Session:
        """Walk the session to ``target`` (ARCHITECTURE.md, decision 4), each step audited;
        a cancellation records who cancelled (``by``: whether it is billed, or owed); started
        or completed before its start only when ``force``."""
        with self.ctx.write() as uow:
            before = get_session(uow, session_id, action)
            path = rules.lifecycle_path(before.status, target)
            rules.check_started(before, target, self.ctx.clock(), force)
            for step in path:
                uow.sessions.set_status(session_id, step, cancel_reason=reason)
                cancelling = step is SessionStatus.CANCELLED
                cancelled_by(uow, [session_id], by if cancelling else None)
                after = uow.sessions.get(session_id)
                assert after is not None
                uow.audit.record(step.value, "session", session_id, record(before),
                                 noted(record(after), by if cancelling else None))
                before = after
            if target is SessionStatus.CANCELLED and notify:
                self.notifier().notify(uow, NoticeKind.CANCELLED, [before])
            if target is SessionStatus.COMPLETED:  # by either path: core/completion.py
                from ..completion import completed  # only when one completes

                completed(uow, before, self.ctx.clock(), self.unmarked_as(), notify=notify)
            return before

    def cancel(self, session_id: int, reason: str | None = None, *,
               notify: bool = True, by: CancelledBy | None = None) -> Session:
        return self._set_status(session_id, SessionStatus.CANCELLED, Action.CANCEL_SESSION,
                                reason, notify, by)

    def cancel_scoped(self, session_id: int, *, scope: Scope = "this",
                      reason: str | None = None, notify: bool = True,
                      by: CancelledBy | None = None) -> list[Session]:
        """Cancel one occurrence, or it and the following ones (the rule ends before it),
        or every scheduled occurrence of the series. Cancelled sessions stay on record."""
        from .scopes import SCOPES

        if scope not in SCOPES:
            raise InvalidInput(f"must be one of {', '.join(SCOPES)}", field="scope")
        session = self._peek(session_id)
        if scope == "this" or session.series_id is None:
            return [self.cancel(session_id, reason, notify=notify, by=by)]
        return self.scoped().cancel(session, scope, reason=reason, notify=notify, by=by)

    def put_back(self, session_id: int, target: SessionStatus, *,
                 notify: bool = True) -> Session:
        """Undo a status change made by mistake: reopen a completed session (to in progress or
        scheduled), reinstate a cancelled one. Whoever may make the change may undo it; a
        session reinstated takes its slot back, so it is judged for conflicts like a booking
        (refused with every one) and its people are told it is on again."""
        with self.ctx.write() as uow:
            before = uow.sessions.get(session_id)
            if before is None:
                raise NotFound("session", session_id)
            rules.check_reversal(before.status, target)
            get_session(uow, session_id, _UNDONE_BY[before.status])
            reinstated = before.status is SessionStatus.CANCELLED
            if reinstated:
                draft = draft_of(before)
                refs = self.booker().resolve(uow, [draft])
                [found] = self.booker().against_stored(uow, [draft], refs, [session_id])
                if found:
                    raise ConflictError(found)
            uow.sessions.set_status(session_id, target)
            after = uow.sessions.get(session_id)
            assert after is not None
            uow.audit.record("reinstate" if reinstated else "reopen", "session", session_id,
                             record(before), record(after))
            if reinstated and notify:
                self.notifier().notify(uow, NoticeKind.BOOKED, [after])
            return after

    def complete(self, session_id: int, *, force: bool = False,
                 notify: bool = True) -> Session:
        """Complete a session; before its start only when ``force`` (the TUI asks first);
        its mentor is sent the attendance summary unless not ``notify``."""
        return self._set_status(session_id, SessionStatus.COMPLETED, Action.COMPLETE_SESSION,
                                notify=notify, force=force)

    def begin(self, session_id: int, *, force: bool = False) -> Session:
        """Start a session; before its start only when ``force``."""
        return self._set_status(session_id, SessionStatus.IN_PROGRESS, Action.BEGIN_SESSION,
                                force=force)
