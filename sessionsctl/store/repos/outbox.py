"""The outbox of mail notices and reminders (ARCHITECTURE.md, decision 5).

Senders claim messages by setting them ``sending`` with a lease, in a short write transaction:
on PostgreSQL the candidate rows are locked ``FOR UPDATE SKIP LOCKED``, so concurrent senders
take disjoint rows without waiting on each other; on SQLite the write unit starts with
``BEGIN IMMEDIATE``, so claims run one at a time. A message is marked sent right after the
server accepted it, so a sender killed mid-batch leaves at most the one in flight unsettled.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.engine import Connection

from ...core.mail.notices import Notice, NoticeKind, OutboxMessage, OutboxStatus
from ..schema import (
    outbox_table,
    person_table,
    session_student_table,
    session_table,
    setting_table,
)
from ..types import UTCDateTime
from .upsert import insert_ignoring_duplicates

_COLUMNS = (outbox_table.c.id, outbox_table.c.kind, outbox_table.c.template, outbox_table.c.recipient,
            outbox_table.c.session_id, outbox_table.c.start_at, outbox_table.c.payload, outbox_table.c.status,
            outbox_table.c.attempts, outbox_table.c.next_attempt_at, outbox_table.c.last_error,
            outbox_table.c.created_at, outbox_table.c.sent_at)
_KINDS = {k.value: k for k in NoticeKind}
_STATUSES = {s.value: s for s in OutboxStatus}


# Only while the claim is still ours: a lease that ran out may have passed the message on.
_MARK_SENT = (update(outbox_table)
              .where(outbox_table.c.id == bindparam("message_id"),
                     outbox_table.c.claimed_by == bindparam("claimer"))
              .values(status=OutboxStatus.SENT.value, claimed_by=None, claimed_until=None,
                      last_error=None, sent_at=bindparam("sent_at")))


def _participants(start: datetime, end: datetime, extra: Sequence[Any] = (), *,
                  unqueued: bool = False) -> Any:
    """(session id, start, email, *extra) of the mentor and each student of every scheduled
    session starting in ``[start, end)``; two range scans of the start indexes. ``unqueued``:
    only those with no reminder in the outbox yet for that start (in any state)."""

    def fresh() -> Any:
        queued = (select(outbox_table.c.id)
                  .where(outbox_table.c.session_id == session_table.c.id,
                         outbox_table.c.recipient == person_table.c.email,
                         outbox_table.c.kind == NoticeKind.REMINDER.value,
                         outbox_table.c.start_at == session_table.c.start_at))
        return ~exists(queued) if unqueued else true()

    mentors = (select(session_table.c.id, session_table.c.start_at, person_table.c.email, *extra)
               .join(person_table, person_table.c.id == session_table.c.mentor_id)
               .where(session_table.c.start_at >= start, session_table.c.start_at < end,
                      session_table.c.status == "scheduled", fresh()))
    students = (select(session_table.c.id, session_table.c.start_at, person_table.c.email, *extra)
                .select_from(session_student_table)
                .join(session_table, session_table.c.id == session_student_table.c.session_id)
                .join(person_table, person_table.c.id == session_student_table.c.student_id)
                .where(session_student_table.c.start_at >= start, session_student_table.c.start_at < end,
                       session_student_table.c.cancelled.is_(False),
                       session_table.c.status == "scheduled", fresh()))
    return union_all(mentors, students)


def _message(r: Any) -> OutboxMessage:
    return OutboxMessage(
        id=r.id, kind=_KINDS[r.kind], template=r.template, recipient=r.recipient,
        session_id=r.session_id, start=r.start_at, payload=r.payload or {},
        status=_STATUSES[r.status], attempts=r.attempts, next_attempt_at=r.next_attempt_at,
        last_error=r.last_error, created_at=r.created_at, sent_at=r.sent_at)


class SqlOutbox:
    """Implements core's ``OutboxRepo``."""

    def __init__(self, db: Connection) -> None:
        self.db = db

    def enqueue(self, notices: Sequence[Notice], *, once: bool = False,
                now: datetime | None = None) -> int:
        if not notices:
            return 0
        stamp = now or datetime.now(UTC)
        values = [{
            "kind": n.kind.value, "template": n.template, "recipient": n.recipient,
            "session_id": n.session_id, "start_at": n.start, "payload": n.payload,
            "status": OutboxStatus.PENDING.value, "attempts": 0, "next_attempt_at": stamp,
            "created_at": stamp,
        } for n in notices]
        if once:
            stmt = insert_ignoring_duplicates(self.db, outbox_table)
        else:
            stmt = insert(outbox_table)
        # RETURNING makes SQLAlchemy send one multi-row INSERT (insertmanyvalues), and counts.
        return len(self.db.execute(stmt.returning(outbox_table.c.id), values).all())

    def reminder_targets(self, start: datetime, end: datetime
                         ) -> list[tuple[int, datetime, str]]:
        rows = self.db.execute(_participants(start, end, unqueued=True)).all()
        return [(r[0], r[1], r[2]) for r in rows]

    def enqueue_reminders(self, start: datetime, end: datetime, template: str,
                          now: datetime) -> int:
        """One ``INSERT ... SELECT ... ON CONFLICT DO NOTHING``: the rows never leave the
        database (a day of 10k sessions is 20k+ reminders)."""
        extra = {
            "kind": literal(NoticeKind.REMINDER.value), "template": literal(template),
            "payload": literal({}, JSON()), "status": literal(OutboxStatus.PENDING.value),
            "attempts": literal(0), "next_attempt_at": literal(now, UTCDateTime()),
            "created_at": literal(now, UTCDateTime()),
        }
        source = _participants(start, end, [v.label(k) for k, v in extra.items()])
        stmt = insert_ignoring_duplicates(self.db, outbox_table).from_select(
            ["session_id", "start_at", "recipient", *extra], source)
        return len(self.db.execute(stmt.returning(outbox_table.c.id)).all())

    def claim(self, claimer: str, now: datetime, lease_until: datetime,
                     limit: int) -> list[OutboxMessage]:
        due = or_(and_(outbox_table.c.status == OutboxStatus.PENDING.value,
                       outbox_table.c.next_attempt_at <= now),
                  and_(outbox_table.c.status == OutboxStatus.SENDING.value,
                       outbox_table.c.claimed_until < now))
        candidates = select(outbox_table.c.id).where(due).order_by(outbox_table.c.id).limit(limit)
        if self.db.dialect.name == "postgresql":
            candidates = candidates.with_for_update(skip_locked=True)
        rows = self.db.execute(
            update(outbox_table).where(outbox_table.c.id.in_(candidates.scalar_subquery()))
            .values(status=OutboxStatus.SENDING.value, claimed_by=claimer,
                    claimed_until=lease_until)
            .returning(*_COLUMNS)).all()
        return sorted((_message(r) for r in rows), key=lambda m: m.id)

    def claimers(self) -> list[str]:
        rows = self.db.execute(
            select(outbox_table.c.claimed_by).distinct()
            .where(outbox_table.c.status == OutboxStatus.SENDING.value,
                   outbox_table.c.claimed_by.is_not(None))).scalars()
        return sorted(rows)

    def release(self, claimers: Sequence[str], error: str) -> int:
        if not claimers:
            return 0
        result = self.db.execute(
            update(outbox_table)
            .where(outbox_table.c.status == OutboxStatus.SENDING.value,
                   outbox_table.c.claimed_by.in_(list(claimers)))
            .values(status=OutboxStatus.PENDING.value, claimed_by=None, claimed_until=None,
                    last_error=error))
        return result.rowcount or 0

    def settle(self, message_id: int, claimer: str, status: OutboxStatus, *,
                      now: datetime, error: str | None = None, attempts: int | None = None,
                      next_attempt_at: datetime | None = None) -> None:
        if status is OutboxStatus.SENT and error is None and attempts is None \
                and next_attempt_at is None:
            # The hot path (one per message sent): a statement built once.
            self.db.execute(_MARK_SENT, {"message_id": message_id, "claimer": claimer,
                                         "sent_at": now})
            return
        values: dict[str, Any] = {"status": status.value, "claimed_by": None,
                                  "claimed_until": None, "last_error": error}
        if status is OutboxStatus.SENT:
            values["sent_at"] = now
        if attempts is not None:
            values["attempts"] = attempts
        if next_attempt_at is not None:
            values["next_attempt_at"] = next_attempt_at
        # Only while the claim is still ours: a lease that ran out may have passed it on.
        self.db.execute(update(outbox_table).where(outbox_table.c.id == message_id,
                                                   outbox_table.c.claimed_by == claimer).values(values))

    def scrub(self, message_id: int, payload: dict[str, Any]) -> None:
        self.db.execute(update(outbox_table).where(outbox_table.c.id == message_id)
                        .values(payload=payload))

    def unclaim(self, message_ids: Sequence[int], claimer: str, error: str) -> None:
        if not message_ids:
            return
        self.db.execute(
            update(outbox_table)
            .where(outbox_table.c.id.in_(list(message_ids)), outbox_table.c.claimed_by == claimer,
                   outbox_table.c.status == OutboxStatus.SENDING.value)
            .values(status=OutboxStatus.PENDING.value, claimed_by=None, claimed_until=None,
                    last_error=error))

    def messages(self, status: OutboxStatus | None = None,
               limit: int | None = None) -> list[OutboxMessage]:
        stmt = select(*_COLUMNS).order_by(outbox_table.c.id.desc())
        if status is not None:
            stmt = stmt.where(outbox_table.c.status == status.value)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [_message(r) for r in self.db.execute(stmt)][::-1]

    def queued(self, template: str, session_id: int, recipient: str | None = None) -> bool:
        match = [outbox_table.c.template == template, outbox_table.c.session_id == session_id]
        if recipient is not None:
            match.append(outbox_table.c.recipient == recipient)
        return bool(self.db.execute(select(exists().where(*match))).scalar())

    def flag(self, key: str, value: str | None) -> bool:
        if value is None:
            result = self.db.execute(delete(setting_table).where(setting_table.c.key == key))
            return bool(result.rowcount)
        stmt = insert_ignoring_duplicates(self.db, setting_table).values(
            key=key, value=value).returning(setting_table.c.key)
        return self.db.execute(stmt).first() is not None

    def counts(self) -> dict[str, int]:
        rows = self.db.execute(select(outbox_table.c.status, func.count()).group_by(outbox_table.c.status))
        counts = {s.value: 0 for s in OutboxStatus}
        counts.update({status: n for status, n in rows})
        return counts

    def retry(self, now: datetime) -> int:
        result = self.db.execute(
            update(outbox_table).where(outbox_table.c.status == OutboxStatus.FAILED.value)
            .values(status=OutboxStatus.PENDING.value, attempts=0, next_attempt_at=now,
                    claimed_by=None, claimed_until=None))
        return result.rowcount or 0
