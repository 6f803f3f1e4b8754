"""Edit scopes on an occurrence of a series (``this`` is a one-off edit of the occurrence,
in :class:`~sessionsctl.core.schedule.sessions.Sessions`):

* ``following`` splits the series: the old rule ends before the occurrence, a new series
  (new UID) carries the change from the occurrence on; its rule goes on from the rule's own
  first start there, with the EXDATEs and RDATEs from the occurrence on (so a split at an
  RDATE keeps it an RDATE).
* ``all`` changes the whole original series from its first scheduled occurrence on: the
  series itself (same UID) and every part split off it by ``following`` (a split of a split
  too: each part keeps the id of the original in ``origin_id``), wherever the occurrence
  picked is. Field changes and moves apply to each part as to one series, judged together and
  written all or none; a cancellation cancels every part. A new rule (``repeat``) for a series
  split in parts is refused: it is given to one part at a time.

Only *scheduled* occurrences are changed; completed, in-progress and cancelled ones are left as
they were, so attendance is never lost. Field changes apply to every changed occurrence,
exceptions included. A time change moves every changed occurrence by the same wall-clock shift
from its original slot, so an occurrence moved before (an exception) is put back into the new
pattern; the rule moves with them (its UNTIL, EXDATEs and RDATEs too). A new rule (``repeat``)
replaces the occurrences: changed occurrences with attendance recorded are kept as they are,
the others are removed and the new rule is expanded and booked. Either way the changed rule
gives exactly the changed occurrences: where one was left as it was, its slot in the new rule
is an EXDATE.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from ..access import Action, require
from ..billing.cancelling import CancelledBy, cancelled_by, noted
from ..domain import policy, rules
from ..domain.drafts import Row, SessionQuery
from ..domain.errors import InvalidInput
from ..domain.model import Series, Session, SessionStatus
from ..domain.serialize import record
from ..domain.timeutil import localize
from ..mail.notices import NoticeKind
from .booking import EDITABLE, draft_of, new_uid, retry_race
from .conflicts import Clashes, refused, shown
from .recurrence import Recurrence, parse_recurrence, parts_of, resume_at, split_before
from .series import (
    TEMPLATE_FIELDS,
    SeriesResult,
    draft_from,
    exdated,
    expand_open,
    rows_of,
    rule_of,
    template_of,
    wall,
)

if TYPE_CHECKING:
    from ..context import Context
    from ..mail.notify import Notifier
    from ..storage import UnitOfWork
    from .booker import Booker

_UNTIL = "%Y%m%dT%H%M%S"  # UNTIL in a normalised rule: a wall time
Scope = Literal["this", "following", "all"]
SCOPES: tuple[Scope, ...] = ("this", "following", "all")


def _rid(session: Session) -> datetime:
    """The original start of an occurrence (its RECURRENCE-ID), or its start."""
    return session.recurrence_id or session.start


def _moved(rec: Recurrence, at: time, by: timedelta) -> Recurrence:
    """``rec`` moved by the wall-clock shift ``by`` with the occurrences of a series that
    started at ``at``: its UNTIL, EXDATEs and RDATEs too, so it gives the same ones, moved (a
    day's EXDATE becomes that day's time, so a shift over midnight takes it along)."""
    if not by:
        return rec
    parts = parts_of(rec.rrule)
    if "UNTIL" in parts:
        parts["UNTIL"] = f"{datetime.strptime(parts['UNTIL'], _UNTIL) + by:{_UNTIL}}"

    def move(values: tuple[datetime | date, ...]) -> tuple[datetime | date, ...]:
        return tuple(sorted((v if isinstance(v, datetime) else datetime.combine(v, at)) + by
                            for v in values))

    return Recurrence(";".join(f"{k}={v}" for k, v in parts.items()), move(rec.exdates),
                      move(rec.rdates))


def _locked_parts(uow: UnitOfWork, series: Series) -> list[Series]:
    """Every part of the original series ``series`` belongs to, each locked as ``series`` is
    (a split of a split included): what ``all`` changes."""
    parts = uow.series.parts(series)
    for part in parts:
        if part.id != series.id:
            uow.series.get(part.id, lock=True)
    return parts


def _rows(members: list[Session], target: Series, shift: timedelta | None,
          duration: timedelta, fields: dict[str, Any], tz: ZoneInfo
          ) -> list[tuple[Session, Row]]:
    """Each occurrence as ``target`` has it. With a ``shift`` every occurrence moves to its
    original slot plus the shift and takes the new ``duration``; without one each keeps its
    own times (an exception stays moved)."""
    rows = []
    for m in members:
        slot = localize(wall(_rid(m), tz) + (shift or timedelta(0)), tz)
        start, end = (slot, slot + duration) if shift is not None else (m.start, m.end)
        draft = rules.validate_session(replace(draft_of(m), **fields, start=start, end=end))
        rows.append((m, Row(draft, uid=target.uid, status=m.status, series_id=target.id,
                            recurrence_id=slot, force_reason=m.force_reason,
                            sequence=m.sequence + 1)))
    return rows


def _by_day(rec: Recurrence) -> bool:
    upper = rec.rrule.upper()
    return any(part in upper for part in ("BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO"))


class ScopedEdits:
    """Changing or cancelling several occurrences of a series at once."""

    def __init__(self, ctx: Context, booker: Booker, notifier: Notifier) -> None:
        self.ctx = ctx
        self.booker = booker
        self.notifier = notifier

    def edit(self, selected: Session, changes: dict[str, Any], scope: Scope, *,
             repeat: str | None = None, force_reason: str | None = None,
             notify: bool = True) -> SeriesResult:
        """Change ``selected`` and the following occurrences of its series (splitting it), or
        the whole series, as the module says; retried if another terminal won a race."""
        return retry_race(lambda: self._edit(selected, changes, scope, repeat, force_reason,
                                             notify))

    def _edit(self, selected: Session, changes: dict[str, Any], scope: Scope,
              repeat: str | None, force_reason: str | None, notify: bool) -> SeriesResult:
        unknown = set(changes) - EDITABLE
        if unknown:
            raise InvalidInput(f"cannot change {', '.join(sorted(unknown))}", field="edit")
        if "tz" in changes:
            raise InvalidInput("the zone of a series cannot change; split it with a new booking",
                               field="tz")
        with self.ctx.write() as uow:
            require(uow.actor, Action.EDIT_SESSION, session=selected)
            if changes.get("mentor", selected.mentor) != selected.mentor:
                require(uow.actor, Action.BOOK, mentor=changes["mentor"])
            assert selected.series_id is not None
            series = uow.series.get(selected.series_id, lock=True)
            assert series is not None
            if scope == "all":
                parts = _locked_parts(uow, series)
                if repeat is None:
                    return self._edit_all(uow, selected, parts, changes, force_reason, notify)
                if len(parts) > 1:
                    raise InvalidInput(
                        f"series {series.id} was split (--scope following) into series "
                        f"{', '.join(str(p.id) for p in parts)}: a new rule is given to one "
                        "part at a time, --scope following from its first occurrence",
                        field="repeat")
            tz = ZoneInfo(series.tz)
            members = uow.sessions.find(SessionQuery(series_id=series.id))
            picked = _rid(selected)
            in_range = [m for m in members if scope == "all" or _rid(m) >= picked]
            affected = [m for m in in_range if m.status is SessionStatus.SCHEDULED]
            untouched = [m for m in in_range if m.status is not SessionStatus.SCHEDULED]
            if not affected:
                raise InvalidInput("no scheduled occurrence is left to change", field="scope")

            # The new times are read on the occurrence the user picked, against its original
            # slot: the shift and the new length then apply to every changed occurrence.
            retime = "start" in changes or "end" in changes
            new_start = changes.get("start", selected.start)
            duration = changes.get("end", new_start + selected.duration) - new_start
            shift = wall(new_start, tz) - wall(picked, tz) if "start" in changes \
                else timedelta(0)
            fields = {k: v for k, v in changes.items() if k not in ("start", "end")}
            picked_fields = template_of(replace(draft_of(selected), **fields))
            template = {k: picked_fields[k] if k in fields else series.template.get(k)
                        for k in TEMPLATE_FIELDS}
            rules.validate_session(draft_from(template, new_start, new_start + duration,
                                              series.tz))

            rec = rule_of(series)
            anchor = wall(picked if scope == "following" else min(map(_rid, affected)), tz)
            # "Following" keeps what comes before in the old series: occurrences of the
            # rule, or extra dates (RDATE) before its first start.
            split = scope == "following" and (anchor > series.dtstart
                                              or len(in_range) < len(members))
            head, tail = split_before(rec, series.dtstart, anchor) if split else (rec, rec)
            # A split-off rule goes on from its own first start at or after the cut, not from
            # an extra date (RDATE) the edit may begin at; with none left its RDATEs are all.
            resume = (resume_at(rec, series.dtstart, anchor) or anchor) if split \
                else series.dtstart
            if repeat is not None:
                # A new rule for the whole series starts where the series did.
                new_rec = parse_recurrence(repeat, tz)
                new_dtstart = (anchor if scope == "following" else series.dtstart) + shift
            else:
                if tail is None:
                    raise InvalidInput("no occurrence of the series is left to change",
                                       field="scope")
                if (anchor + shift).date() != anchor.date() and _by_day(tail):
                    raise InvalidInput("moving a series to another day needs --repeat with "
                                       "the new rule", field="start")
                new_rec = _moved(tail, series.dtstart.time(), shift)
                if split or shift:
                    # The new rule's slots of the occurrences left as they were are not its.
                    new_rec = exdated(new_rec, [wall(_rid(m), tz) + shift for m in untouched])
                new_dtstart = resume + shift
            if split:
                uow.series.update(replace(series, rule=head.to_text(), expanded_until=None,
                                          sequence=series.sequence + 1))
                target = Series(id=0, uid=new_uid(), rule=new_rec.to_text(),
                                dtstart=new_dtstart, tz=series.tz, duration=duration,
                                template=template, expanded_until=series.expanded_until,
                                origin_id=series.origin_id or series.id)
                target = replace(target, id=uow.series.insert(target))
            else:
                target = replace(series, rule=new_rec.to_text(), dtstart=new_dtstart,
                                 duration=duration, template=template,
                                 sequence=series.sequence + 1)
                uow.series.update(target)

            kept: list[Session] = []
            removed = 0
            if repeat is None:
                changed, judged = self._move_members(
                    uow, affected, target, shift if retime else None, duration, fields, tz,
                    force_reason)
                found, more = shown(judged), sum(c.more for c in judged)
            else:
                # A new rule replaces the occurrences, but one with attendance stays as it is
                # (a mark of a student since taken off it too: recorded attendance is never
                # lost), and it, like a completed or cancelled one, stands in for any new
                # occurrence that would overlap it.
                kept = [m for m in affected if uow.attendance.has_marks(m.id)]
                doomed = [m.id for m in affected if m not in kept]
                uow.sessions.delete(doomed)
                removed = len(doomed)
                until = self.ctx.clock() + policy.SERIES_HORIZON if new_rec.open_ended else None
                expanded, starts, _closed = expand_open(uow, new_rec, target.dtstart, tz,
                                                         after=None, until=until)
                standing = kept + untouched
                stood = [t for t in starts
                         if any(k.start < t + duration and t < k.end for k in standing)]
                starts = [t for t in starts if t not in stood]
                expanded = exdated(expanded, [wall(t, tz) for t in stood])
                target = replace(target, rule=expanded.to_text(), expanded_until=until)
                uow.series.update(target)
                booked = self.booker.book(uow, rows_of(target, target.id, starts, starts),
                                          force_reason=force_reason,
                                          notify=False)  # one notice, below
                changed, found, more = booked.booked, booked.conflicts, booked.more
            uow.audit.record(f"edit:{scope}", "series", series.id, record(series), record(target))
            if notify:
                self.notifier.notify(uow, NoticeKind.CHANGED, changed, before=affected)
            return SeriesResult(target, [], found, [], [], changed=changed,
                                kept=untouched + kept, removed=removed, more=more)

    def _edit_all(self, uow: UnitOfWork, selected: Session, parts: list[Series],
                  changes: dict[str, Any], force_reason: str | None,
                  notify: bool) -> SeriesResult:
        """Change every scheduled occurrence of the original series, in each of the parts a
        split (``following``) made of it: each part's rule and template as ``all`` changes a
        series, its occurrences moved by the same shift, all judged together and written
        all or none. Fields not given keep each part's own (a part split off with another
        room keeps it)."""
        tz = ZoneInfo(selected.tz)
        picked = _rid(selected)
        retime = "start" in changes or "end" in changes
        new_start = changes.get("start", selected.start)
        duration = changes.get("end", new_start + selected.duration) - new_start
        shift = wall(new_start, tz) - wall(picked, tz) if "start" in changes else timedelta(0)
        fields = {k: v for k, v in changes.items() if k not in ("start", "end")}
        picked_fields = template_of(replace(draft_of(selected), **fields))
        rows: list[tuple[Session, Row]] = []
        affected: list[Session] = []
        kept: list[Session] = []
        result = parts[0]
        for part in parts:
            members = uow.sessions.find(SessionQuery(series_id=part.id))
            mine = [m for m in members if m.status is SessionStatus.SCHEDULED]
            kept += [m for m in members if m.status is not SessionStatus.SCHEDULED]
            if not mine:
                continue  # a part that is all history stays as it was
            for m in mine:
                require(uow.actor, Action.EDIT_SESSION, session=m)
            template = {k: picked_fields[k] if k in fields else part.template.get(k)
                        for k in TEMPLATE_FIELDS}
            length = duration if retime else part.duration
            rules.validate_session(draft_from(template, new_start, new_start + length, part.tz))
            anchor = wall(min(map(_rid, mine)), tz)
            rec = rule_of(part)
            if (anchor + shift).date() != anchor.date() and _by_day(rec):
                raise InvalidInput("moving a series to another day needs --repeat with the "
                                   "new rule", field="start")
            new_rec = _moved(rec, part.dtstart.time(), shift)
            if shift:  # the new rule's slots of the occurrences left as they were are not its
                new_rec = exdated(new_rec, [wall(_rid(m), tz) + shift for m in members
                                            if m.status is not SessionStatus.SCHEDULED])
            target = replace(part, rule=new_rec.to_text(), dtstart=part.dtstart + shift,
                             duration=length, template=template, sequence=part.sequence + 1)
            uow.series.update(target)
            uow.audit.record("edit:all", "series", part.id, record(part), record(target))
            rows += _rows(mine, target, shift if retime else None, length, fields, tz)
            affected += mine
            if part.id == selected.series_id:
                result = target
        if not affected:
            raise InvalidInput("no scheduled occurrence is left to change", field="scope")
        changed, judged = self._write_moves(uow, rows, force_reason,
                                            later=retime and shift > timedelta(0))
        if notify:
            self.notifier.notify(uow, NoticeKind.CHANGED, changed, before=affected)
        return SeriesResult(result, [], shown(judged), [], [], changed=changed, kept=kept,
                            more=sum(c.more for c in judged))

    def _move_members(self, uow: UnitOfWork, members: list[Session], target: Series,
                      shift: timedelta | None, duration: timedelta, fields: dict[str, Any],
                      tz: ZoneInfo, force_reason: str | None
                      ) -> tuple[list[Session], list[Clashes]]:
        """Update occurrences in place, keeping their ids (so their history stays): see
        :func:`_rows`."""
        return self._write_moves(uow, _rows(members, target, shift, duration, fields, tz),
                                 force_reason, later=shift is not None and shift > timedelta(0))

    def _write_moves(self, uow: UnitOfWork, rows: list[tuple[Session, Row]],
                     force_reason: str | None, *, later: bool
                     ) -> tuple[list[Session], list[Clashes]]:
        """Judge the changed occurrences together (against everything but themselves), then
        write them all, or none unless forced."""
        ids = [m.id for m, _ in rows]
        judged = self.booker.judge_together(uow, [r for _, r in rows], ids)
        clashing = any(judged)
        if clashing and force_reason is None:
            raise refused(judged)
        # Write in the direction of the move, so no row passes through a slot (or recurrence
        # id) another row of the series still holds: a shifted series never clashes with
        # itself on the way, and the database's guards need not be deferred.
        for m, row in sorted(rows, key=lambda mr: _rid(mr[0]), reverse=later):
            if clashing:
                row = replace(row, force_reason=force_reason)
            uow.sessions.update(m.id, row)
        changed = uow.sessions.find(SessionQuery(ids=tuple(ids))) if ids else []
        after = {s.id: s for s in changed}
        for before, _ in rows:
            uow.audit.record("edit", "session", before.id, record(before), record(after[before.id]))
        return changed, judged

    def cancel(self, session: Session, scope: Scope, *, reason: str | None = None,
               notify: bool = True, by: CancelledBy | None = None) -> list[Session]:
        """Cancel ``session`` and the following occurrences (the rule ends before it), or
        every scheduled occurrence of its series. Cancelled sessions stay on record."""
        with self.ctx.write() as uow:
            require(uow.actor, Action.CANCEL_SESSION, session=session)
            assert session.series_id is not None
            series = uow.series.get(session.series_id, lock=True)
            assert series is not None
            doomed: list[Session] = []
            for part in _locked_parts(uow, series) if scope == "all" else [series]:
                members = uow.sessions.find(SessionQuery(series_id=part.id))
                mine = [m for m in members if m.status in (SessionStatus.SCHEDULED,
                                                           SessionStatus.IN_PROGRESS)
                        and (scope == "all" or _rid(m) >= _rid(session))]
                if not mine:
                    continue
                for m in mine:
                    require(uow.actor, Action.CANCEL_SESSION, session=m)
                # The rule ends before the first cancelled occurrence, so neither `series
                # extend` nor a calendar reading the exported rule brings the series back.
                cut = min(map(_rid, mine))
                head, _tail = split_before(rule_of(part), part.dtstart,
                                           wall(cut, ZoneInfo(part.tz)))
                uow.series.update(replace(part, rule=head.to_text(), expanded_until=None,
                                          sequence=part.sequence + 1))
                doomed += mine
            if not doomed:
                return []
            for m in doomed:
                uow.sessions.set_status(m.id, SessionStatus.CANCELLED, cancel_reason=reason)
            cancelled_by(uow, [m.id for m in doomed], by)
            cancelled = uow.sessions.find(SessionQuery(ids=tuple(m.id for m in doomed)))
            after = {s.id: s for s in cancelled}
            for before in doomed:
                uow.audit.record("cancelled", "session", before.id, record(before),
                                 noted(record(after[before.id]), by))
            if notify:
                self.notifier.notify(uow, NoticeKind.CANCELLED, cancelled)
            return cancelled
