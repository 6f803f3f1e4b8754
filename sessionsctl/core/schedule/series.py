"""Recurring series (ARCHITECTURE.md, decision 2): creating one (every occurrence judged),
checking one before it is made, rolling open-ended ones forward, and the planning they share
with edits and imports.

Series occurrences are materialised as session rows, each with its original start as
recurrence id. Open-ended rules are expanded up to a rolling horizon
(:data:`~sessionsctl.core.domain.policy.SERIES_HORIZON`) that :meth:`SeriesBook.extend`
moves forward; it is safe to run from cron at any rate. Occurrences on a closure day are left
out and added to the rule's EXDATEs, as are occurrences skipped for a clash.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..access import Action, require, seen, seen_series, takes_part_in_series, visible
from ..domain import policy, rules
from ..domain.drafts import Row, SessionDraft, SessionQuery
from ..domain.errors import ConflictError, InvalidInput, NotFound, NotPermitted
from ..domain.model import PaymentStatus, Series, Session, SessionType, Term
from ..domain.serialize import record
from ..domain.timeutil import localize, zone
from . import bound
from .booking import check_not_past, check_options, new_uid, retry_race
from .conflicts import Conflict, shown
from .recurrence import Recurrence, expand, parse_recurrence, split_before
from .wording import describe

if TYPE_CHECKING:
    from ..context import Context
    from ..storage import UnitOfWork
    from .booker import Booker

TEMPLATE_FIELDS = tuple(f for f in SessionDraft.__slots__ if f not in ("start", "end", "tz"))


@dataclass(frozen=True, slots=True)
class SeriesResult:
    """What creating, extending or changing a series did."""

    series: Series
    booked: list[Session]
    conflicts: list[Conflict]
    skipped: list[datetime]  # occurrence starts not booked because they clashed
    closed: list[tuple[datetime, str]]  # occurrence starts left out for closures, and why
    changed: list[Session] = field(default_factory=list)
    kept: list[Session] = field(default_factory=list)  # left as they were (see scopes)
    removed: int = 0
    more: int = 0  # conflicts met beyond those listed (the first few of each occurrence)

    @property
    def description(self) -> str:
        return describe(parse_recurrence(self.series.rule, ZoneInfo(self.series.tz)))


@dataclass(frozen=True, slots=True)
class SeriesCheck:
    """The conflicts a new series would meet (:meth:`SeriesBook.check`)."""

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


def template_of(draft: SessionDraft) -> dict[str, Any]:
    """The fields every occurrence starts from, as JSON-able data."""
    return {f: record(getattr(draft, f)) for f in TEMPLATE_FIELDS}


def draft_from(template: dict[str, Any], start: datetime, end: datetime, tz: str) -> SessionDraft:
    return SessionDraft(start=start, end=end, tz=tz, **_fields_of(template))


def drafts_from(template: dict[str, Any], starts: Iterable[datetime], duration: timedelta,
                tz: str) -> list[SessionDraft]:
    """The drafts of these starts of one series (its template read once)."""
    values = _fields_of(template)
    return [SessionDraft(start=start, end=start + duration, tz=tz, **values) for start in starts]


def _fields_of(template: dict[str, Any]) -> dict[str, Any]:
    values = dict(template)
    values["students"] = tuple(values.get("students") or ())
    values["type"] = SessionType(values.get("type") or SessionType.INDIVIDUAL)
    values["payment_status"] = PaymentStatus(values.get("payment_status") or PaymentStatus.UNPAID)
    if values.get("cost") is not None:
        values["cost"] = Decimal(values["cost"])
    return values


def wall(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


def rule_of(series: Series) -> Recurrence:
    return parse_recurrence(series.rule, ZoneInfo(series.tz))


def rows_of(series: Series, series_id: int, starts: list[datetime], rec_ids: list[datetime],
          template: dict[str, Any] | None = None) -> list[Row]:
    drafts = drafts_from(template or series.template, starts, series.duration, series.tz)
    return [Row(draft, uid=series.uid, series_id=series_id, recurrence_id=rid)
            for draft, rid in zip(drafts, rec_ids, strict=True)]



def booked_starts(rec: Recurrence, dtstart: datetime, tz: ZoneInfo, *,
                  after: datetime | None, until: datetime | None) -> list[datetime]:
    """The starts one booking of ``rec`` makes (creating, extending, rewriting or importing a
    series), refused past the series bound (:mod:`.bound`) before any is written."""
    starts = [o.start for o in expand(rec, dtstart, tz, until=until, after=after)]
    bound.at_most(len(starts))
    return starts


def expand_open(uow: UnitOfWork, rec: Recurrence, dtstart: datetime, tz: ZoneInfo, *,
                after: datetime | None, until: datetime | None
                ) -> tuple[Recurrence, list[datetime], list[tuple[datetime, str]]]:
    """Occurrence starts of ``rec``, less those on closures (added to its EXDATEs)."""
    starts = booked_starts(rec, dtstart, tz, after=after, until=until)
    if not starts:
        return rec, [], []
    closures = uow.calendar.closures(wall(starts[0], tz).date(), wall(starts[-1], tz).date())
    closed: list[tuple[datetime, str]] = []
    kept: list[datetime] = []
    for start in starts:
        day = wall(start, tz).date()
        hit = next((c for c in closures if c.covers(day)), None)
        if hit:
            closed.append((start, hit.reason))
        else:
            kept.append(start)
    return exdated(rec, [wall(s, tz) for s, _ in closed]), kept, closed


def exclude_starts(uow: UnitOfWork, series: Series, rec_ids: list[datetime | None]) -> Series:
    """Add EXDATEs for occurrences that were not booked, so they are not tried again."""
    if not rec_ids:
        return series
    tz = ZoneInfo(series.tz)
    rec = exdated(rule_of(series), [wall(r, tz) for r in rec_ids if r])
    series = replace(series, rule=rec.to_text())
    uow.series.update(series)
    return series


def exdated(rec: Recurrence, walls: list[datetime]) -> Recurrence:
    """``rec`` with these wall times added to its EXDATEs."""
    if not walls:
        return rec
    values = {*rec.exdates, *walls}
    return replace(rec, exdates=tuple(sorted(values, key=lambda v: v if isinstance(v, datetime)
                                             else datetime.combine(v, time()))))


def _within_term(term: Term, dtstart: datetime, tz: ZoneInfo,
                 rec: Recurrence) -> tuple[datetime, datetime, Recurrence]:
    """Bound a series by a term: start on its first day at the latest, and end the rule
    (whether open-ended, with COUNT or with a later UNTIL) after the term's last day."""
    if dtstart.date() < term.starts_on:
        dtstart = datetime.combine(term.starts_on, dtstart.time())
    after_last = datetime.combine(term.ends_on + timedelta(days=1), time())
    head, tail = split_before(rec, dtstart, after_last)
    return dtstart, localize(after_last, tz), head if tail is not None else rec


class SeriesBook:
    """Creating, checking, extending and listing series."""

    def __init__(self, ctx: Context, booker: Booker) -> None:
        self.ctx = ctx
        self.booker = booker

    def _plan(self, uow: UnitOfWork, draft: SessionDraft, repeat: str,
              term: str | None) -> _Plan:
        """Where a new series' occurrences fall: its rule bounded by the term and the rolling
        horizon, DTSTART on the first occurrence, closures left out (and added as EXDATEs)."""
        tz = zone(draft.tz)
        rec = parse_recurrence(repeat, tz)
        dtstart = wall(draft.start, tz)
        bound = None
        if term is not None:
            found_term = uow.calendar.term(term)
            if found_term is None:
                raise NotFound("term", term)
            dtstart, bound, rec = _within_term(found_term, dtstart, tz, rec)
        horizon = self.ctx.clock() + policy.SERIES_HORIZON if rec.open_ended else None
        until = min((b for b in (bound, horizon) if b is not None), default=None)
        # DTSTART is the first occurrence, as RFC 5545 has it and calendars expect.
        first = expand(replace(rec, exdates=(), rdates=()), dtstart, tz, until=until)
        if first:
            dtstart = wall(first[0].recurrence_id, tz)
        rec, starts, closed = expand_open(uow, rec, dtstart, tz, after=None, until=until)
        if not starts:
            raise InvalidInput("the rule gives no occurrences to book", field="repeat")
        return _Plan(rec, dtstart, horizon, starts, closed)

    def create(self, draft: SessionDraft, repeat: str, *, term: str | None = None,
               force_reason: str | None = None, skip_conflicts: bool = False,
               notify: bool = True, past: bool = False) -> SeriesResult:
        """Book a recurring series: every occurrence checked, every clash reported at once;
        one starting on a day before today only when ``past``."""
        check_options(force_reason, skip_conflicts)
        draft = rules.validate_session(draft)
        check_not_past(draft.start, draft.tz, self.ctx.clock(), past)
        parse_recurrence(repeat, zone(draft.tz))  # a bad rule is refused before the database

        def attempt() -> SeriesResult:
            with self.ctx.write() as uow:
                plan = self._plan(uow, draft, repeat, term)
                series = Series(id=0, uid=new_uid(), rule=plan.rec.to_text(),
                                dtstart=plan.dtstart, tz=draft.tz,
                                duration=draft.end - draft.start, template=template_of(draft),
                                expanded_until=plan.horizon)
                series_id = uow.series.insert(series)
                series = replace(series, id=series_id)
                result = self.booker.book(
                    uow, rows_of(series, series_id, plan.starts, plan.starts),
                    force_reason=force_reason, skip_conflicts=skip_conflicts, notify=notify)
                if not result.booked:
                    raise ConflictError(result.conflicts, "refused: every occurrence clashes",
                                        more=result.more)
                series = exclude_starts(uow, series,
                                        [r.recurrence_id for r in result.skipped_rows])
                uow.audit.record("create", "series", series_id, None, record(series))
                return SeriesResult(series, result.booked, result.conflicts,
                                    [r.draft.start for r in result.skipped_rows], plan.closed,
                                    more=result.more)

        return retry_race(attempt)

    def check(self, draft: SessionDraft, repeat: str, *, term: str | None = None) -> SeriesCheck:
        """What :meth:`create` would meet, occurrence by occurrence, without writing anything
        (the live warning of a new series): the same expansion, and each occurrence judged
        against the database and the occurrences before it."""
        draft = rules.validate_session(draft)
        with self.ctx.read() as uow:
            require(uow.actor, Action.BOOK, mentor=draft.mentor)
            plan = self._plan(uow, draft, repeat, term)
            length = draft.end - draft.start
            rows = [Row(replace(draft, start=s, end=s + length), uid="", recurrence_id=s)
                    for s in plan.starts]
            found = self.booker.judge_together(uow, rows)
        return SeriesCheck(plan.starts, shown(found), plan.closed)

    def extend(self, *, horizon: timedelta = policy.SERIES_HORIZON) -> list[SeriesResult]:
        """Materialise open-ended series up to now + ``horizon``; idempotent and cron-safe.

        Occurrences that clash are not booked; they are reported and excluded from the rule.
        """
        if not timedelta(days=1) <= horizon <= policy.SERIES_SPAN:
            raise InvalidInput(f"must be from 1 to {policy.SERIES_SPAN.days} days ({bound.SPAN_TEXT})",
                               field="days")
        target = self.ctx.clock() + horizon
        with self.ctx.read() as uow:
            due = [s.id for s in uow.series.all(expanded_before=target)]
        results = []
        for series_id in due:
            with self.ctx.write() as uow:
                series = uow.series.get(series_id, lock=True)
                if series is None or series.expanded_until is None \
                        or series.expanded_until >= target:
                    continue  # another run got here first
                tz = ZoneInfo(series.tz)
                try:
                    rec, starts, closed = expand_open(uow, rule_of(series), series.dtstart, tz,
                                                      after=series.expanded_until, until=target)
                except InvalidInput as exc:
                    raise InvalidInput(f"series #{series.id} {exc.detail}: book less at once",
                                       field="days") from None
                series = replace(series, rule=rec.to_text(), expanded_until=target)
                uow.series.update(series)
                # Rolling the horizon forward books nothing new for anyone: no notices.
                result = self.booker.book(uow, rows_of(series, series.id, starts, starts),
                                          skip_conflicts=True, notify=False)
                series = exclude_starts(uow, series,
                                        [r.recurrence_id for r in result.skipped_rows])
                results.append(SeriesResult(series, result.booked, result.conflicts,
                                            [r.draft.start for r in result.skipped_rows], closed,
                                            more=result.more))
        return results

    def info(self, series_id: int) -> tuple[Series, list[Session]]:
        """A series and the occurrences of it the acting person may see (one they take no
        part in is refused)."""
        series, sessions, _parts = self.show(series_id)
        return series, sessions

    def show(self, series_id: int) -> tuple[Series, list[Session], list[Series]]:
        """:meth:`info`, and every part of the original series it belongs to (itself and
        those ``--scope following`` split off, in order): what ``--scope all`` changes."""
        with self.ctx.read() as uow:
            series = uow.series.get(series_id)
            if series is None:
                raise NotFound("series", series_id)
            actor = uow.actor
            sessions = [seen(actor, s) for s in uow.sessions.find(
                visible(actor, SessionQuery(series_id=series_id)))]
            if not sessions and not takes_part_in_series(actor, series):
                raise NotPermitted(f"{actor.email if actor else 'nobody'} may not see "
                                   f"series {series_id}")
            parts = [seen_series(actor, p) for p in uow.series.parts(series)]
            return seen_series(actor, series), sessions, parts

    def all(self) -> list[Series]:
        """The series the acting person sees whole or is booked into."""
        with self.ctx.read() as uow:
            actor = uow.actor
            return [seen_series(actor, s) for s in uow.series.all()
                    if takes_part_in_series(actor, s)]
