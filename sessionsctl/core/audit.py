"""The audit trail: who changed what, when and as whom (``audit list``, ``audit show``), each
change as a readable diff, and undoing one (``audit revert``).

An undo is the change's ``before`` applied through the ordinary use cases, so it is judged as
any change is (conflicts, permissions, the calendar lock, notices) and audited by them, with a
``revert`` row naming the change undone in the same transaction (``Context.because``). It is
refused, naming the change, when a later one touched the same record, unless forced with a
reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from .access import Action, may, require
from .attendance import MarkChange, Roll
from .context import Context, because
from .domain.drafts import AuditQuery, SessionDraft
from .domain.errors import InvalidInput, NotFound
from .domain.model import (
    Attendance,
    AttendanceStatus,
    AuditEntry,
    PaymentStatus,
    Session,
    SessionStatus,
    SessionType,
)
from .domain.serialize import REDACTED, SECRET_FIELDS
from .domain.words import counted

if TYPE_CHECKING:
    from .billing.service import Billing
    from .schedule.sessions import Sessions
    from .storage import UnitOfWork

# Bookkeeping every change moves: not worth showing in a diff.
_BOOKKEEPING = frozenset({"sequence", "modified_at", "modified_by", "recorded_at"})
_INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Reverted:
    """What an undo did: the change undone, in words, and the session as it now is."""

    entry: AuditEntry
    summary: str
    session: Session | None


# ---------------------------------------------------------------------------- reading
def shown(value: Any, tz: ZoneInfo | None) -> str:
    """A recorded value in words: times in ``tz``, lists joined, nothing as a dash."""
    if value is None or value == [] or value == "":
        return "-"
    if isinstance(value, str) and _INSTANT.match(value):
        try:
            instant = datetime.fromisoformat(value)
        except ValueError:
            return value
        if instant.tzinfo is not None and tz is not None:
            instant = instant.astimezone(tz)
        return instant.strftime("%a %d %b %Y %H:%M")
    if isinstance(value, list):
        return ", ".join(shown(v, tz) for v in value) or "-"
    if isinstance(value, dict):
        return ", ".join(f"{k}={shown(v, tz)}" for k, v in value.items())
    return str(value)


def changes(entry: AuditEntry, tz: ZoneInfo | None = None) -> list[FieldChange]:
    """The fields ``entry`` changed, before and after, in the viewer's zone ``tz``; a record
    added or removed shows every field it held."""
    before, after = _as_fields(entry.before), _as_fields(entry.after)
    keys = [*before, *(k for k in after if k not in before)]
    return [FieldChange(k, shown(before.get(k), tz), shown(after.get(k), tz))
            for k in keys if k not in _BOOKKEEPING and before.get(k) != after.get(k)]


def _as_fields(record: Any) -> dict[str, Any]:
    """A record as fields: most are objects; some are lists (a mentor's availability windows
    set together), shown as one field."""
    if record is None:
        return {}
    return record if isinstance(record, dict) else {"items": record}


def headline(entry: AuditEntry) -> str:
    """One line: what changed ("cancelled session 12", "attendance of ada@… in session 3")."""
    what = f"{entry.entity} {entry.entity_id}"
    if entry.action == "attendance":
        mark = entry.after or entry.before or {}
        return f"attendance of {mark.get('student', '?')} in {what}"
    return f"{entry.action} {what}"


def _record_key(entry: AuditEntry) -> tuple[str, str, str | None]:
    """The record an entry changed: a session, or one student's mark or one author's feedback
    in it, or its notes."""
    data = _as_fields(entry.after) or _as_fields(entry.before)
    part = {"attendance": data.get("student"), "feedback": data.get("author"),
            "note": "notes", "payment": data.get("student")}.get(entry.action)
    return entry.entity, entry.entity_id, part


# ------------------------------------------------------------------ values of a record
def _instant(raw: Any) -> datetime | None:
    return datetime.fromisoformat(raw) if raw else None


_READ: dict[str, Callable[[Any], Any]] = {
    "start": _instant, "end": _instant, "students": lambda v: tuple(v or ()),
    "cost": lambda v: Decimal(v) if v is not None else None,
    "type": lambda v: SessionType(v) if v else None, "payment_status": PaymentStatus,
}
_DRAFT_FIELDS = tuple(f.name for f in fields(SessionDraft))


def _mark(data: dict[str, Any] | None) -> Attendance | None:
    if data is None:
        return None
    return Attendance(int(data["session_id"]), data["student"],
                      AttendanceStatus(data["status"]), _instant(data.get("check_in")),
                      _instant(data.get("check_out")), data.get("note"),
                      data.get("recorded_by"), _instant(data.get("recorded_at")))


class AuditTrail:
    """The audit log as the acting person may read it, and undoing a change from it."""

    def __init__(self, ctx: Context, sessions: Sessions, roll: Roll, billing: Billing) -> None:
        self.ctx = ctx
        self.sessions = sessions
        self.roll = roll
        self.billing = billing

    # ------------------------------------------------------------------------ read
    def entries(self, query: AuditQuery) -> list[AuditEntry]:
        """The changes ``query`` selects, newest first: every change for staff and admins, the
        changes to their own sessions for a mentor (refused for anyone else)."""
        with self.ctx.read() as uow:
            actor = uow.actor
            if query.session_id is not None:
                self._session(uow, query.session_id)
            elif not may(actor, Action.READ_AUDIT):  # a mentor: their own sessions
                if actor is None or not may(actor, Action.READ_AUDIT, mentor=actor.email):
                    require(actor, Action.READ_AUDIT)
                assert actor is not None
                query = replace(query, mentored_by=actor.email)
            return uow.audit.entries(query)

    def entry(self, entry_id: int) -> AuditEntry:
        """One change, if the acting person may read it."""
        with self.ctx.read() as uow:
            return self._visible(uow, entry_id)

    def _session(self, uow: UnitOfWork, session_id: int) -> Session:
        session = uow.sessions.get(session_id)
        if session is None:
            raise NotFound("session", session_id)
        require(uow.actor, Action.READ_AUDIT, session=session)
        return session

    def _visible(self, uow: UnitOfWork, entry_id: int) -> AuditEntry:
        entry = uow.audit.entry(entry_id)
        if entry is None:
            raise NotFound("change", entry_id)
        if not may(uow.actor, Action.READ_AUDIT):
            if entry.entity != "session" or not entry.entity_id.isdigit():
                require(uow.actor, Action.READ_AUDIT)
            self._session(uow, int(entry.entity_id))
        return entry

    # ------------------------------------------------------------------------ undo
    def last_made(self) -> list[int]:
        """The audit records of the newest change made through this centre (this terminal)
        not undone yet (several for a bulk change; none if there is none)."""
        return list(self.ctx.made[-1]) if self.ctx.made else []

    def preview_last(self, tz: ZoneInfo | None = None) -> str:
        """What undoing the newest change made here would do, in words."""
        entries = self.last_made()
        said = [self.preview(e, tz) for e in reversed(entries[-5:])]
        more = len(entries) - 5
        return "\n".join(said) + (f"\n… and {more} more" if more > 0 else "")

    def undo_last(self, entries: list[int], *, notify: bool = True) -> list[Reverted]:
        """Undo ``entries``, the change :meth:`last_made` named (checked again: another undo
        may have come first), newest record first; the change before it is next. Each record
        is undone as ``audit revert`` would; one refused stops there, saying why."""
        if not entries or self.last_made() != entries:
            raise InvalidInput("that is no longer the last change made here", field="undo")
        done = []
        for entry in reversed(entries):
            done.append(self.revert(entry, notify=notify))
            self.ctx.made[-1].remove(entry)
        self.ctx.made.pop()
        return done

    def blockers(self, entry_id: int) -> list[AuditEntry]:
        """The later changes to the record ``entry_id`` changed (what refuses its undo)."""
        with self.ctx.read() as uow:
            entry = self._visible(uow, entry_id)
            return [e for e in uow.audit.later(entry) if _record_key(e) == _record_key(entry)]

    def preview(self, entry_id: int, tz: ZoneInfo | None = None) -> str:
        """What undoing ``entry_id`` would do, in words (shown before it is done)."""
        entry = self.entry(entry_id)
        undo = "; ".join(f"{c.field} {c.after} -> {c.before}" for c in changes(entry, tz))
        return f"undo change {entry.id} ({headline(entry)} by {entry.actor}): {undo or '-'}"

    def revert(self, entry_id: int, *, force_reason: str | None = None,
               notify: bool = True) -> Reverted:
        """Undo change ``entry_id`` through the use case that makes such a change (see the
        module). Refused when a later change touched the same record unless ``force_reason``
        (recorded with the undo), and for changes that cannot be undone, saying which can."""
        if force_reason is not None and not force_reason.strip():
            raise InvalidInput("must not be empty", field="reason")
        entry = self.entry(entry_id)
        later = self.blockers(entry_id)
        if later and force_reason is None:
            names = ", ".join(f"{e.id} ({e.action} by {e.actor})" for e in later[:5])
            raise InvalidInput(f"change {entry.id} was followed by {counted(len(later), 'change')}"
                               f" to the same record: {names}; undo the later ones first, or "
                               "give --force with --reason", field="change")
        details = {"reverts": entry.id, "action": entry.action,
                   "reason": force_reason.strip() if force_reason else None}
        with because("revert", entry.entity, entry.entity_id, details):
            return self._apply(entry, notify)

    def _apply(self, entry: AuditEntry, notify: bool) -> Reverted:
        if entry.entity != "session" or not entry.entity_id.isdigit():
            raise _cannot(entry)
        session_id = int(entry.entity_id)
        if entry.action == "attendance":
            return self._mark(entry, session_id)
        if entry.action == "book":
            after = self.sessions.cancel(session_id, f"booking undone (change {entry.id})",
                                         notify=notify)
            return Reverted(entry, f"cancelled session {session_id}, booked by change "
                                   f"{entry.id}", after)
        if entry.action == "payment" and entry.before is not None \
                and "student" not in entry.before:
            return self._payment(entry, session_id)
        if entry.before is None or entry.after is None or entry.action in ("note", "feedback",
                                                                            "batch") \
                or "student" in entry.before:  # one student's payment: payment record
            raise _cannot(entry)
        if entry.before.get("status") != entry.after.get("status"):
            return self._status(entry, session_id, notify)
        return self._fields(entry, session_id, notify)

    def _status(self, entry: AuditEntry, session_id: int, notify: bool) -> Reverted:
        assert entry.before is not None
        target = SessionStatus(entry.before["status"])
        now = self.sessions.show(session_id).session
        if target is SessionStatus.CANCELLED:
            after = self.sessions.cancel(session_id, entry.before.get("cancel_reason"),
                                         notify=notify)
        elif target is SessionStatus.COMPLETED:
            after = self.sessions.complete(session_id, force=True, notify=notify)
        elif target is SessionStatus.IN_PROGRESS and now.status is SessionStatus.SCHEDULED:
            after = self.sessions.begin(session_id, force=True)
        else:
            after = self.sessions.put_back(session_id, target, notify=notify)
        verb = {SessionStatus.CANCELLED: "reinstated",
                SessionStatus.COMPLETED: "reopened"}.get(now.status, "put back")
        return Reverted(entry, f"session {session_id} {verb}: {now.status.label} -> "
                               f"{after.status.label}", after)

    def _fields(self, entry: AuditEntry, session_id: int, notify: bool) -> Reverted:
        assert entry.before is not None and entry.after is not None
        wanted = {k: _READ.get(k, lambda v: v)(entry.before[k]) for k in _DRAFT_FIELDS
                  if k in entry.before and entry.before[k] != entry.after.get(k)}
        wanted = {k: v for k, v in wanted.items() if v != REDACTED}
        if "students" in wanted and any(r.get("taken") is not None
                                        for r in (entry.before, entry.after)):
            # Recorded from a view that hides the other students (a student's own database
            # login): its list is not the roster, and putting it back would drop them.
            raise InvalidInput(f"change {entry.id} was made by a student who sees no other "
                               "student: put the roster right with session enrol or unenrol",
                               field="change")
        secret = any(REDACTED in (entry.before.get(k), entry.after.get(k))
                     for k in SECRET_FIELDS)
        if not wanted:
            kept = " (the passcode is not kept in the audit log: set it with session edit)" \
                if secret else ""
            raise InvalidInput(f"change {entry.id} changed nothing that can be put back{kept}",
                               field="change")
        booked = self.sessions.edit(session_id, wanted, notify=notify, past=True)
        return Reverted(entry, f"session {session_id} put back: {', '.join(sorted(wanted))}",
                        booked.session)

    def _payment(self, entry: AuditEntry, session_id: int) -> Reverted:
        """A whole session's payment record undone: the session's status and the students'
        own statuses it replaced, put back together."""
        assert entry.before is not None
        status = PaymentStatus(entry.before["payment_status"])
        places = {e: PaymentStatus(p) for e, p in (entry.before.get("payments") or {}).items()}
        session, gone = self.billing.put_back_payment(session_id, status, places)
        said = f"session {session_id} payment put back: {status.value}"
        if kept := [f"{e} {p.value}" for e, p in sorted(places.items()) if e not in gone]:
            said += f"; {', '.join(kept)}"
        if gone:
            said += f" ({', '.join(gone)} no longer in it)"
        return Reverted(entry, said, session)

    def _mark(self, entry: AuditEntry, session_id: int) -> Reverted:
        before, after = _mark(entry.before), _mark(entry.after)
        either = after or before
        if either is None:
            raise _cannot(entry)
        student = either.student
        current = next((m for m in self.roll.marks(session_id) if m.student == student), None)
        self.roll.restore(session_id, [MarkChange(before, current)])
        said = f"{before.status.value}" if before else "no mark"
        return Reverted(entry, f"the mark of {student} in session {session_id} is back to "
                               f"{said}", None)


def _cannot(entry: AuditEntry) -> InvalidInput:
    return InvalidInput(
        f"change {entry.id} ({headline(entry)}) cannot be undone here: only a session's "
        "booking, edit or move, status change and attendance marks can", field="change")


