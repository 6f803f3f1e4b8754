"""Use cases of the scheduling engine: recurring series and their edit scopes, terms,
closures, mentor availability, and finding or explaining free slots.

Series occurrences are materialised as session rows (ARCHITECTURE.md, decision 2), each with
its original start as recurrence id. Open-ended rules are expanded up to a rolling horizon
that :meth:`Scheduling.extend_series` moves forward; it is safe to run from cron at any rate.

Edit scopes (``this``, ``following``, ``all``) on an occurrence of a series:

* ``this`` changes the one occurrence, which becomes an exception of the series.
* ``following`` splits the series: the old rule ends before the occurrence, a new series
  (new UID) carries the change from the occurrence on.
* ``all`` changes the series itself (same UID) from its first scheduled occurrence on.

Only *scheduled* occurrences are changed; completed, in-progress and cancelled ones are left as
they were, so attendance is never lost. Field changes apply to every changed occurrence,
exceptions included. A time change moves every changed occurrence by the same wall-clock shift
from its original slot, so an occurrence moved before (an exception) is put back into the new
pattern. A new rule (``repeat``) replaces the occurrences: changed occurrences with attendance
recorded are kept as they are, the others are removed and the new rule is expanded and booked.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from .. import access
from ..access import Action
from ..domain import policy, rules
from ..domain.drafts import Row, SessionDraft, SessionQuery
from ..domain.errors import ConflictError, InvalidInput, NotFound
from ..domain.model import (
    Availability,
    Closure,
    PaymentStatus,
    Series,
    Session,
    SessionStatus,
    SessionType,
    Term,
    TimeOff,
)
from ..domain.serialize import record
from ..domain.timeutil import localize, zone
from ..mail.notices import NoticeKind
from ..storage import UnitOfWork
from .availability import on_closure, outside_availability
from .booking import EDITABLE, Batch, check_options, draft_of, new_uid, retry_race
from .conflicts import Conflict, clashes
from .recurrence import Recurrence, describe, expand, parse_recurrence, split_before

Scope = Literal["this", "following", "all"]
SCOPES: tuple[Scope, ...] = ("this", "following", "all")

HORIZON = policy.SERIES_HORIZON

_TEMPLATE_FIELDS = tuple(f for f in SessionDraft.__slots__ if f not in ("start", "end", "tz"))


@dataclass(frozen=True, slots=True)
class SeriesResult:
    """What creating, extending or changing a series did."""

    series: Series
    booked: list[Session]
    conflicts: list[Conflict]
    skipped: list[datetime]  # occurrence starts not booked because they clashed
    closed: list[tuple[datetime, str]]  # occurrence starts left out for closures, and why
    changed: list[Session] = ()  # type: ignore[assignment]
    kept: list[Session] = ()  # type: ignore[assignment]  # left as they were (see module doc)
    removed: int = 0

    @property
    def description(self) -> str:
        return describe(parse_recurrence(self.series.rule, ZoneInfo(self.series.tz)))


@dataclass(frozen=True, slots=True)
class SeriesCheck:
    """The conflicts a new series would meet (:meth:`Scheduling.check_series`)."""

    starts: list[datetime]  # the occurrences it would book
    conflicts: list[Conflict]  # each names its occurrence (``start``) and what it clashes with
    closed: list[tuple[datetime, str]]  # occurrences left out for closures, and why

    @property
    def clashing(self) -> list[datetime]:
        """The starts of the occurrences that clash, in order."""
        return sorted({c.start for c in self.conflicts})


@dataclass(frozen=True, slots=True)
class _Plan:
    rec: Recurrence
    dtstart: datetime
    horizon: datetime | None
    starts: list[datetime]
    closed: list[tuple[datetime, str]]


@dataclass(frozen=True, slots=True)
class Slot:
    start: datetime
    end: datetime


def template_of(draft: SessionDraft) -> dict[str, Any]:
    """The fields every occurrence starts from, as JSON-able data."""
    return {f: record(getattr(draft, f)) for f in _TEMPLATE_FIELDS}


def draft_from(template: dict[str, Any], start: datetime, end: datetime, tz: str) -> SessionDraft:
    values = dict(template)
    values["students"] = tuple(values.get("students") or ())
    values["type"] = SessionType(values.get("type") or SessionType.INDIVIDUAL)
    values["payment_status"] = PaymentStatus(values.get("payment_status") or PaymentStatus.UNPAID)
    if values.get("cost") is not None:
        values["cost"] = Decimal(values["cost"])
    return SessionDraft(start=start, end=end, tz=tz, **values)


def _wall(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


def _rule(series: Series) -> Recurrence:
    return parse_recurrence(series.rule, ZoneInfo(series.tz))


def _rows(series: Series, series_id: int, starts: list[datetime], rec_ids: list[datetime],
          template: dict[str, Any] | None = None) -> list[Row]:
    return [Row(draft_from(template or series.template, start, start + series.duration,
                           series.tz),
                uid=series.uid, series_id=series_id, recurrence_id=rid)
            for start, rid in zip(starts, rec_ids, strict=True)]


class Scheduling:
    """Mixed into :class:`~sessionsctl.core.centre.Centre`: the scheduling engine's use cases."""

    # ------------------------------------------------------------------------ series
    def _expand(self, uow: UnitOfWork, rec: Recurrence, dtstart: datetime, tz: ZoneInfo, *,
                after: datetime | None, until: datetime | None
                ) -> tuple[Recurrence, list[datetime], list[tuple[datetime, str]]]:
        """Occurrence starts of ``rec``, less those on closures (added to its EXDATEs)."""
        starts = [o.start for o in expand(rec, dtstart, tz, until=until, after=after)]
        if not starts:
            return rec, [], []
        closures = uow.closures(_wall(starts[0], tz).date(), _wall(starts[-1], tz).date())
        closed: list[tuple[datetime, str]] = []
        kept: list[datetime] = []
        for start in starts:
            day = _wall(start, tz).date()
            hit = next((c for c in closures if c.covers(day)), None)
            if hit:
                closed.append((start, hit.reason))
            else:
                kept.append(start)
        return _exdated(rec, [_wall(s, tz) for s, _ in closed]), kept, closed

    def _plan(self, uow: UnitOfWork, draft: SessionDraft, repeat: str,
              term: str | None) -> _Plan:
        """Where a new series' occurrences fall: its rule bounded by the term and the rolling
        horizon, DTSTART on the first occurrence, closures left out (and added as EXDATEs)."""
        tz = zone(draft.tz)
        rec = parse_recurrence(repeat, tz)
        dtstart = _wall(draft.start, tz)
        bound = None
        if term is not None:
            found_term = uow.term(term)
            if found_term is None:
                raise NotFound("term", term)
            dtstart, bound, rec = _within_term(found_term, dtstart, tz, rec)
        horizon = self.clock() + HORIZON if rec.open_ended else None  # type: ignore[attr-defined]
        until = min((b for b in (bound, horizon) if b is not None), default=None)
        # DTSTART is the first occurrence, as RFC 5545 has it and calendars expect.
        first = expand(replace(rec, exdates=(), rdates=()), dtstart, tz, until=until)
        if first:
            dtstart = _wall(first[0].recurrence_id, tz)
        rec, starts, closed = self._expand(uow, rec, dtstart, tz, after=None, until=until)
        if not starts:
            raise InvalidInput("the rule gives no occurrences to book", field="repeat")
        return _Plan(rec, dtstart, horizon, starts, closed)

    def create_series(self, draft: SessionDraft, repeat: str, *, term: str | None = None,
                      force_reason: str | None = None,
                      skip_conflicts: bool = False) -> SeriesResult:
        """Book a recurring series: every occurrence checked, every clash reported at once."""
        check_options(force_reason, skip_conflicts)
        draft = rules.validate_session(draft)
        parse_recurrence(repeat, zone(draft.tz))  # a bad rule is refused before the database

        def attempt() -> SeriesResult:
            with self._write() as uow:  # type: ignore[attr-defined]
                plan = self._plan(uow, draft, repeat, term)
                series = Series(id=0, uid=new_uid(), rule=plan.rec.to_text(),
                                dtstart=plan.dtstart, tz=draft.tz,
                                duration=draft.end - draft.start, template=template_of(draft),
                                expanded_until=plan.horizon)
                series_id = uow.insert_series(series)
                series = replace(series, id=series_id)
                result = self._book(uow, _rows(series, series_id, plan.starts, plan.starts),  # type: ignore[attr-defined]
                                    force_reason, skip_conflicts)
                if not result.booked:
                    raise ConflictError(result.conflicts, "refused: every occurrence clashes")
                series = self._exclude(uow, series, [r.recurrence_id for r in result.skipped_rows])
                uow.audit("create", "series", series_id, None, record(series))
                return SeriesResult(series, result.booked, result.conflicts,
                                    [r.draft.start for r in result.skipped_rows], plan.closed)

        return retry_race(attempt)

    def check_series(self, draft: SessionDraft, repeat: str, *,
                     term: str | None = None) -> SeriesCheck:
        """What :meth:`create_series` would meet, occurrence by occurrence, without writing
        anything (the live warning of a new series): the same expansion, and each occurrence
        judged against the database and the occurrences before it."""
        draft = rules.validate_session(draft)
        with self._read() as uow:  # type: ignore[attr-defined]
            plan = self._plan(uow, draft, repeat, term)
            length = draft.end - draft.start
            rows = [Row(replace(draft, start=s, end=s + length), uid="", recurrence_id=s)
                    for s in plan.starts]
            found = self.judge_together(uow, rows)  # type: ignore[attr-defined]
        return SeriesCheck(plan.starts, [c for each in found for c in each], plan.closed)

    @staticmethod
    def _exclude(uow: UnitOfWork, series: Series, rec_ids: list[datetime | None]) -> Series:
        """Add EXDATEs for occurrences that were not booked, so they are not tried again."""
        if not rec_ids:
            return series
        tz = ZoneInfo(series.tz)
        rec = _exdated(_rule(series), [_wall(r, tz) for r in rec_ids if r])
        series = replace(series, rule=rec.to_text())
        uow.update_series(series)
        return series

    def extend_series(self, *, horizon: timedelta = HORIZON) -> list[SeriesResult]:
        """Materialise open-ended series up to now + ``horizon``; idempotent and cron-safe.

        Occurrences that clash are not booked; they are reported and excluded from the rule.
        """
        target = self.clock() + horizon  # type: ignore[attr-defined]
        with self._read() as uow:  # type: ignore[attr-defined]
            due = [s.id for s in uow.list_series(expanded_before=target)]
        results = []
        for series_id in due:
            with self._write() as uow:  # type: ignore[attr-defined]
                series = uow.series(series_id, lock=True)
                if series is None or series.expanded_until is None \
                        or series.expanded_until >= target:
                    continue  # another run got here first
                tz = ZoneInfo(series.tz)
                rec, starts, closed = self._expand(uow, _rule(series), series.dtstart, tz,
                                                   after=series.expanded_until, until=target)
                series = replace(series, rule=rec.to_text(), expanded_until=target)
                uow.update_series(series)
                # Rolling the horizon forward books nothing new for anyone: no notices.
                with self.notifying(False):  # type: ignore[attr-defined]
                    result = self._book(uow, _rows(series, series.id, starts, starts),  # type: ignore[attr-defined]
                                        None, True)
                series = self._exclude(uow, series, [r.recurrence_id for r in result.skipped_rows])
                results.append(SeriesResult(series, result.booked, result.conflicts,
                                            [r.draft.start for r in result.skipped_rows], closed))
        return results

    def series_info(self, series_id: int) -> tuple[Series, list[Session]]:
        with self._read() as uow:  # type: ignore[attr-defined]
            series = uow.series(series_id)
            if series is None:
                raise NotFound("series", series_id)
            return series, uow.sessions(SessionQuery(series_id=series_id))

    def list_series(self) -> list[Series]:
        with self._read() as uow:  # type: ignore[attr-defined]
            return uow.list_series()

    # ------------------------------------------------------------------- edit scopes
    def edit_scoped(self, session_id: int, changes: dict[str, Any], *, scope: Scope = "this",
                    repeat: str | None = None,
                    force_reason: str | None = None) -> SeriesResult | Any:
        """Edit one occurrence, or it and the following ones, or the whole series."""
        if scope not in SCOPES:
            raise InvalidInput(f"must be one of {', '.join(SCOPES)}", field="scope")
        check_options(force_reason, False)
        with self._read() as uow:  # type: ignore[attr-defined]
            session = uow.session(session_id)
        if session is None:
            raise NotFound("session", session_id)
        if scope == "this" or session.series_id is None:
            if repeat is not None:
                raise InvalidInput("a new rule needs --scope following or all", field="repeat")
            return self.edit(session_id, changes, force_reason=force_reason)  # type: ignore[attr-defined]
        return retry_race(lambda: self._edit_series(session, changes, scope, repeat,
                                                    force_reason))

    def _edit_series(self, selected: Session, changes: dict[str, Any], scope: Scope,
                     repeat: str | None, force_reason: str | None) -> SeriesResult:
        unknown = set(changes) - EDITABLE
        if unknown:
            raise InvalidInput(f"cannot change {', '.join(sorted(unknown))}", field="edit")
        if "tz" in changes:
            raise InvalidInput("the zone of a series cannot change; split it with a new booking",
                               field="tz")
        with self._write() as uow:  # type: ignore[attr-defined]
            access.require(uow.actor, Action.EDIT_SESSION, session=selected)
            if changes.get("mentor", selected.mentor) != selected.mentor:
                access.require(uow.actor, Action.BOOK, mentor=changes["mentor"])
            assert selected.series_id is not None
            series = uow.series(selected.series_id, lock=True)
            assert series is not None
            tz = ZoneInfo(series.tz)
            members = uow.sessions(SessionQuery(series_id=series.id))
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
            shift = _wall(new_start, tz) - _wall(picked, tz) if "start" in changes \
                else timedelta(0)
            fields = {k: v for k, v in changes.items() if k not in ("start", "end")}
            picked_fields = template_of(replace(draft_of(selected), **fields))
            template = {k: picked_fields[k] if k in fields else series.template.get(k)
                        for k in _TEMPLATE_FIELDS}
            rules.validate_session(draft_from(template, new_start, new_start + duration,
                                              series.tz))

            rec = _rule(series)
            anchor = _wall(picked if scope == "following" else min(map(_rid, affected)), tz)
            split = scope == "following" and anchor > series.dtstart
            head, tail = split_before(rec, series.dtstart, anchor) if split else (rec, rec)
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
                new_rec = replace(tail, exdates=tuple(e + shift for e in tail.exdates),
                                  rdates=tuple(r + shift for r in tail.rdates))
                new_dtstart = (anchor if split else series.dtstart) + shift
            if split:
                uow.update_series(replace(series, rule=head.to_text(), expanded_until=None,
                                          sequence=series.sequence + 1))
                target = Series(id=0, uid=new_uid(), rule=new_rec.to_text(),
                                dtstart=new_dtstart, tz=series.tz, duration=duration,
                                template=template, expanded_until=series.expanded_until)
                target = replace(target, id=uow.insert_series(target))
            else:
                target = replace(series, rule=new_rec.to_text(), dtstart=new_dtstart,
                                 duration=duration, template=template,
                                 sequence=series.sequence + 1)
                uow.update_series(target)

            kept: list[Session] = []
            removed = 0
            if repeat is None:
                changed, found = self._move_members(
                    uow, affected, target, shift if retime else None, duration, fields, tz,
                    force_reason)
            else:
                # A new rule replaces the occurrences, but one with attendance stays as it is
                # (a mark of a student since taken off it too: recorded attendance is never
                # lost), and it, like a completed or cancelled one, stands in for any new
                # occurrence that would overlap it.
                kept = [m for m in affected if uow.has_marks(m.id)]
                doomed = [m.id for m in affected if m not in kept]
                uow.delete_sessions(doomed)
                removed = len(doomed)
                until = self.clock() + HORIZON if new_rec.open_ended else None  # type: ignore[attr-defined]
                expanded, starts, _closed = self._expand(uow, new_rec, target.dtstart, tz,
                                                         after=None, until=until)
                standing = kept + untouched
                starts = [t for t in starts
                          if not any(k.start < t + duration and t < k.end for k in standing)]
                target = replace(target, rule=expanded.to_text(), expanded_until=until)
                uow.update_series(target)
                with self.notifying(False):  # type: ignore[attr-defined]  # one notice, below
                    booked = self._book(uow, _rows(target, target.id, starts, starts),  # type: ignore[attr-defined]
                                        force_reason, False)
                changed, found = booked.booked, booked.conflicts
            uow.audit(f"edit:{scope}", "series", series.id, record(series), record(target))
            self._notify(uow, NoticeKind.CHANGED, changed, before=affected)  # type: ignore[attr-defined]
            return SeriesResult(target, [], found, [], [], changed=changed,
                                kept=untouched + kept, removed=removed)

    def _move_members(self, uow: UnitOfWork, members: list[Session], target: Series,
                      shift: timedelta | None, duration: timedelta, fields: dict[str, Any],
                      tz: ZoneInfo, force_reason: str | None) -> tuple[list[Session], list[Conflict]]:
        """Update occurrences in place, keeping their ids (so their history stays).

        With a ``shift`` every occurrence moves to its original slot plus the shift and takes
        the new ``duration``; without one each keeps its own times (an exception stays moved).
        """
        rows = []
        for m in members:
            slot = localize(_wall(_rid(m), tz) + (shift or timedelta(0)), tz)
            start, end = (slot, slot + duration) if shift is not None else (m.start, m.end)
            draft = rules.validate_session(replace(draft_of(m), **fields, start=start, end=end))
            rows.append((m, Row(draft, uid=target.uid, status=m.status, series_id=target.id,
                                recurrence_id=slot, force_reason=m.force_reason,
                                sequence=m.sequence + 1)))
        refs = self._resolve(uow, [r.draft for _, r in rows])  # type: ignore[attr-defined]
        ids = [m.id for m in members]
        judged = self.conflicts(uow, [r.draft for _, r in rows], refs, ids)  # type: ignore[attr-defined]
        found = [c for each in judged for c in each] + _among(rows)
        if found and force_reason is None:
            raise ConflictError(found)
        # Write in the direction of the move, so no row passes through a slot (or recurrence
        # id) another row of the series still holds: a shifted series never clashes with
        # itself on the way, and the database's guards need not be deferred.
        later = shift is not None and shift > timedelta(0)
        for m, row in sorted(rows, key=lambda mr: _rid(mr[0]), reverse=later):
            if found:
                row = replace(row, force_reason=force_reason)
            uow.update_session(m.id, row)
        changed = uow.sessions(SessionQuery(ids=tuple(ids))) if ids else []
        after = {s.id: s for s in changed}
        for before in members:
            uow.audit("edit", "session", before.id, record(before), record(after[before.id]))
        return changed, found

    def cancel_scoped(self, session_id: int, *, scope: Scope = "this",
                      reason: str | None = None) -> list[Session]:
        """Cancel one occurrence, or it and the following ones (the rule ends before it),
        or every scheduled occurrence of the series. Cancelled sessions stay on record."""
        if scope not in SCOPES:
            raise InvalidInput(f"must be one of {', '.join(SCOPES)}", field="scope")
        with self._read() as uow:  # type: ignore[attr-defined]
            session = uow.session(session_id)
        if session is None:
            raise NotFound("session", session_id)
        if scope == "this" or session.series_id is None:
            return [self.cancel(session_id, reason)]  # type: ignore[attr-defined]
        with self._write() as uow:  # type: ignore[attr-defined]
            access.require(uow.actor, Action.CANCEL_SESSION, session=session)
            series = uow.series(session.series_id, lock=True)
            assert series is not None
            members = uow.sessions(SessionQuery(series_id=series.id))
            scheduled = [m for m in members if m.status in (SessionStatus.SCHEDULED,
                                                            SessionStatus.IN_PROGRESS)]
            doomed = [m for m in scheduled if scope == "all" or _rid(m) >= _rid(session)]
            if not doomed:
                return []
            # The rule ends before the first cancelled occurrence, so neither `series extend`
            # nor a calendar reading the exported rule brings the series back.
            cut = min(map(_rid, doomed))
            head, _tail = split_before(_rule(series), series.dtstart,
                                       _wall(cut, ZoneInfo(series.tz)))
            uow.update_series(replace(series, rule=head.to_text(), expanded_until=None,
                                      sequence=series.sequence + 1))
            for m in doomed:
                uow.set_status(m.id, SessionStatus.CANCELLED, cancel_reason=reason)
            cancelled = uow.sessions(SessionQuery(ids=tuple(m.id for m in doomed)))
            for before, after in zip(doomed, cancelled, strict=True):
                uow.audit("cancelled", "session", before.id, record(before), record(after))
            self._notify(uow, NoticeKind.CANCELLED, cancelled)  # type: ignore[attr-defined]
            return cancelled

    # ------------------------------------------------------------- terms and closures
    def add_term(self, name: str, starts_on: date, ends_on: date) -> Term:
        name = rules.name(name)
        if ends_on < starts_on:
            raise InvalidInput("must not be before --from", field="to")
        with self._write() as uow:  # type: ignore[attr-defined]
            access.require(uow.actor, Action.MANAGE_TERMS)
            if uow.term(name) is not None:
                raise InvalidInput(f"term {name!r} exists already", field="name")
            term = uow.add_term(name, starts_on, ends_on)
            uow.audit("add", "term", term.id, None, record(term))
            return term

    def term_named(self, name: str) -> Term:
        with self._read() as uow:  # type: ignore[attr-defined]
            term = uow.term(name)
        if term is None:
            raise NotFound("term", name)
        return term

    def list_terms(self) -> list[Term]:
        with self._read() as uow:  # type: ignore[attr-defined]
            return uow.list_terms()

    def add_closure(self, starts_on: date, ends_on: date, reason: str,
                    tz: ZoneInfo) -> tuple[Closure, list[Session]]:
        """Close the centre on these days; returns the live sessions that fall on them,
        for staff to move or cancel (they are not changed here)."""
        if ends_on < starts_on:
            raise InvalidInput("must not be before the first day", field="to")
        if not reason.strip():
            raise InvalidInput("must not be empty", field="reason")
        with self._write() as uow:  # type: ignore[attr-defined]
            access.require(uow.actor, Action.MANAGE_CLOSURES)
            closure = uow.add_closure(starts_on, ends_on, reason.strip())
            uow.audit("add", "closure", closure.id, None, record(closure))
            start = localize(datetime.combine(starts_on, time()), tz) - timedelta(days=1)
            end = localize(datetime.combine(ends_on + timedelta(days=1), time()), tz) \
                + timedelta(days=1)
            live = uow.sessions(SessionQuery(start=start, end=end, statuses=(
                SessionStatus.SCHEDULED, SessionStatus.IN_PROGRESS)))
            hit = [s for s in live if closure.covers(s.start.astimezone(ZoneInfo(s.tz)).date())]
            return closure, hit

    def list_closures(self) -> list[Closure]:
        with self._read() as uow:  # type: ignore[attr-defined]
            return uow.closures()

    # ---------------------------------------------------------------- availability
    def set_availability(self, mentor: str, weekday: int,
                         windows: list[tuple[time, time]], tz: str) -> list[Availability]:
        """Replace the mentor's windows on one weekday (an empty list clears the day)."""
        mentor = rules.email(mentor, field="mentor")
        zone(tz, field="tz")
        for start, end in windows:
            if end <= start:
                raise InvalidInput("must be after --from", field="to")
        items = [Availability(mentor, weekday, s, e, tz) for s, e in windows]
        with self._write() as uow:  # type: ignore[attr-defined]
            person = uow.person(mentor)
            if person is None:
                raise NotFound("person", mentor)
            access.require(uow.actor, Action.SET_AVAILABILITY, mentor=mentor)
            uow.set_availability(mentor, weekday, items)
            uow.audit("availability", "person", person.id, None, record(items))
            return uow.availability([mentor]).get(mentor, [])

    def availability_of(self, mentor: str) -> list[Availability]:
        mentor = rules.email(mentor, field="mentor")
        with self._read() as uow:  # type: ignore[attr-defined]
            if uow.person(mentor) is None:
                raise NotFound("person", mentor)
            return uow.availability([mentor]).get(mentor, [])

    def add_time_off(self, mentor: str, start: datetime, end: datetime,
                     reason: str | None) -> TimeOff:
        mentor = rules.email(mentor, field="mentor")
        if end <= start:
            raise InvalidInput("must be after --from", field="to")
        item = TimeOff(mentor, start, end, reason)
        with self._write() as uow:  # type: ignore[attr-defined]
            person = uow.person(mentor)
            if person is None:
                raise NotFound("person", mentor)
            access.require(uow.actor, Action.SET_AVAILABILITY, mentor=mentor)
            uow.add_time_off(item)
            uow.audit("time_off", "person", person.id, None, record(item))
            return item

    # --------------------------------------------------------- free slots, explanations
    def free_slots(self, draft: SessionDraft, *, until: datetime, count: int = 5,
                   step: timedelta = timedelta(minutes=15),
                   hours: tuple[time, time] = policy.OPENING_HOURS) -> list[Slot]:
        """The next ``count`` starts from ``draft.start`` on that fit mentor, students, room,
        availability and closures; ``hours`` bound the day where no availability is set."""
        draft = rules.validate_session(draft)
        length = draft.end - draft.start
        tz = ZoneInfo(draft.tz)
        with self._read() as uow:  # type: ignore[attr-defined]
            probe = replace(draft, end=until + length)
            refs = self._resolve(uow, [probe])  # type: ignore[attr-defined]
            busy = uow.overlapping(draft.start, until + length,
                                   people=(draft.mentor, *draft.students),
                                   rooms=[draft.room] if draft.room else [])
        from .conflicts import capacity

        if capacity(draft, refs.rooms.get(draft.room or "")):
            return []
        windows = refs.availability.get(draft.mentor, [])
        found: list[Slot] = []
        start = _round_up(draft.start, step)
        while start < until and len(found) < count:
            candidate = replace(draft, start=start, end=start + length)
            begins, ends = _wall(start, tz), _wall(start + length, tz)
            in_hours = windows or (hours[0] <= begins.time() and ends.date() == begins.date()
                                   and ends.time() <= hours[1])
            if in_hours and not (clashes(candidate, busy)
                                 or outside_availability(candidate, windows,
                                                         refs.time_off.get(draft.mentor, ()))
                                 or on_closure(candidate, refs.closures)):
                found.append(Slot(start, start + length))
            start += step
        return found


def _rid(session: Session) -> datetime:
    """The original start of an occurrence (its RECURRENCE-ID), or its start."""
    return session.recurrence_id or session.start


def _round_up(instant: datetime, step: timedelta) -> datetime:
    seconds = int(step.total_seconds())
    epoch = int(instant.timestamp())
    rounded = -(-epoch // seconds) * seconds
    return instant + timedelta(seconds=rounded - epoch) - timedelta(microseconds=instant.microsecond)


def _exdated(rec: Recurrence, walls: list[datetime]) -> Recurrence:
    """``rec`` with these wall times added to its EXDATEs."""
    if not walls:
        return rec
    values = {*rec.exdates, *walls}
    return replace(rec, exdates=tuple(sorted(values, key=lambda v: v if isinstance(v, datetime)
                                             else datetime.combine(v, time()))))


def _by_day(rec: Recurrence) -> bool:
    upper = rec.rrule.upper()
    return any(part in upper for part in ("BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO"))


def _within_term(term: Term, dtstart: datetime, tz: ZoneInfo,
                 rec: Recurrence) -> tuple[datetime, datetime, Recurrence]:
    """Bound a series by a term: start on its first day at the latest, and end the rule
    (whether open-ended, with COUNT or with a later UNTIL) after the term's last day."""
    if dtstart.date() < term.starts_on:
        dtstart = datetime.combine(term.starts_on, dtstart.time())
    after_last = datetime.combine(term.ends_on + timedelta(days=1), time())
    head, tail = split_before(rec, dtstart, after_last)
    return dtstart, localize(after_last, tz), head if tail is not None else rec


def _among(rows: list[tuple[Session, Row]]) -> list[Conflict]:
    """Clashes between the changed occurrences themselves (a longer lesson may overlap the next)."""
    batch = Batch()
    found = []
    for _, row in rows:
        found.extend(batch.clashes(row.draft))
        batch.add(row)
    return found
