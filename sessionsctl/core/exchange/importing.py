"""Importing sessions, all or nothing: the shared machinery of every import, and CSV import."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import IO, TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from ..access import Action, require
from ..domain import policy, rules
from ..domain.drafts import Row, SessionDraft, SessionQuery
from ..domain.errors import InvalidInput, NotPermitted
from ..domain.model import Series, Session, SessionStatus
from ..domain.timeutil import zone
from ..schedule.booking import (
    EDITABLE,
    draft_of,
    new_uid,
)
from ..schedule.judge import together
from ..schedule.recurrence import expand, parse_recurrence
from ..schedule.series import (
    booked_starts,
    drafts_from,
    exclude_starts,
    expand_open,
    template_of,
)
from . import csvformat, references
from .problems import BadFile, Problem
from .results import (
    DryRun,
    ImportConflicts,
    ImportResult,
    OnConflict,
    Planned,
    Progress,
    RowClashes,
    RowConflict,
    audit_key,
    conflict_policy,
    dry_or_done,
    summary,
)

if TYPE_CHECKING:
    from ..context import Context
    from ..schedule.booker import Booker
    from ..storage import UnitOfWork
    from .references import Named

WRITE_CHUNK = 2000  # rows per executemany: its parameters are all in memory at once


@dataclass(slots=True)
class Pending:
    """A row an import writes: new (``existing`` None) or a change of ``existing`` (the
    fields that differ in ``changed``); ``made`` is the id a new one was written under."""

    row: int | None
    item: Row
    existing: Session | None = None
    series: Series | None = None
    changed: tuple[str, ...] = ()
    made: int | None = None

    @property
    def holds(self) -> bool:
        """Whether the row takes a slot that is judged, as ``session edit`` judges a change:
        a new one, or a change of when, where or with whom; a cancelled row holds none, and
        a change of annotations alone (notes, description) moves nobody."""
        if self.item.status is SessionStatus.CANCELLED:
            return False
        return self.existing is None or not set(self.changed) <= rules.ANNOTATIONS

    def planned(self, dry_run: bool) -> Planned:
        """The row as an import lists it (a dry run's new rows have no id: none is kept)."""
        made = None if dry_run else self.made
        return Planned(self.row, self.item.draft, self.item.status, self.action,
                       self.existing.id if self.existing is not None else made, self.changed)

    @property
    def action(self) -> Literal["create", "update", "cancel"]:
        if self.existing is None:
            return "create"
        if self.item.status is SessionStatus.CANCELLED \
                and self.existing.status is not SessionStatus.CANCELLED:
            return "cancel"
        return "update"


def _wall(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


_COMPARED = ("title", "mentor", "start", "end", "tz", "students", "room", "subject", "type",
             "description", "location", "link", "meeting_id", "passcode", "max_participants",
             "notes")


def changes(a: Session, row: Row) -> tuple[str, ...]:
    """The fields in which ``row`` differs from the stored session ``a`` (none: unchanged)."""
    found = tuple(f for f in _COMPARED if getattr(a, f) != getattr(row.draft, f))
    return (*found, "status") if a.status is not row.status else found


class Importer:
    """What every import shares: the people, rooms and subjects a file names (checked in
    :mod:`.references`), new series and their occurrences, and judging and writing the rows
    (through the booker's checks); and CSV import itself. See
    :mod:`sessionsctl.core.exchange`."""

    def __init__(self, ctx: Context, booker: Booker) -> None:
        self.ctx = ctx
        self.booker = booker

    # ------------------------------------------------------------------------ shared
    def _occurrences(self, uow: UnitOfWork | None, draft: SessionDraft, repeat: str, uid: str,
                     sequence: int = 0, *, closures: bool = True) -> tuple[Series, list[datetime]]:
        """A new series for ``draft`` repeating by ``repeat``, as ``create_series`` makes it
        (DTSTART on the first occurrence, open rules to the horizon, and with ``closures``
        the days the centre is closed taken out; a calendar file's rule is taken as it is,
        so importing it again finds the same occurrences)."""
        tz = zone(draft.tz)
        rec = parse_recurrence(repeat, tz)
        dtstart = _wall(draft.start, tz)
        horizon = self.ctx.clock() + policy.SERIES_HORIZON if rec.open_ended else None
        first = expand(replace(rec, exdates=(), rdates=()), dtstart, tz, until=horizon)
        if first:
            dtstart = _wall(first[0].recurrence_id, tz)
        if closures:
            assert uow is not None, "closures are read in a unit of work"
            rec, starts, _closed = expand_open(uow, rec, dtstart, tz, after=None,
                                                until=horizon)
        else:
            starts = booked_starts(rec, dtstart, tz, after=None, until=horizon)
        series = Series(id=0, uid=uid, rule=rec.to_text(), dtstart=dtstart, tz=draft.tz,
                        duration=draft.end - draft.start, template=template_of(draft),
                        expanded_until=horizon, sequence=sequence)
        return series, starts

    def _commit(self, uow: UnitOfWork, source: str, pending: list[Pending], skip: bool,
                force_reason: str | None, exclude: Sequence[int],
                progress: Progress | None, unit: str = "row"
                ) -> tuple[list[Pending], list[RowClashes], list[RowClashes], int]:
        """Check every pending row as :meth:`Booker.book` does, then write them all or none.

        Rows are checked as a booking or ``session edit`` is (:attr:`Pending.holds`): against
        the database, less the rows this import moves or cancels and ``exclude`` (others it
        cancels), and against the rows before them. Cancelled rows hold no slot; a change of
        annotations alone is not judged and keeps the reason it was forced with. A new series
        (``id`` 0) is created here, and only if one of its occurrences is written: skipping
        every occurrence leaves no empty series behind. Returns the rows written, the
        skipped and forced clashes, and how many series were created.
        """
        for mentor in sorted({p.item.draft.mentor for p in pending}):
            require(uow.actor, Action.BOOK, mentor=mentor)
        live = [p for p in pending if p.holds]
        exclude = [*exclude, *(p.existing.id for p in pending if p.existing is not None
                                and (p.holds or p.item.status is SessionStatus.CANCELLED))]
        for p in pending:
            if p.existing is not None and not p.holds:
                p.item = replace(p.item, force_reason=p.existing.force_reason)
        drafts = [p.item.draft for p in live]
        refs = self.booker.resolve(uow, drafts)
        judged = together([p.item for p in live],
                          self.booker.against_stored(uow, drafts, refs, exclude),
                          skip_conflicts=skip, people=refs.people)
        lines = {(p.item.uid, p.item.recurrence_id): p.row for p in live}
        found: list[RowClashes] = []
        dropped: set[int] = set()
        for p, clashing in zip(live, judged, strict=True):
            if not clashing:
                continue
            found.append(RowClashes(p.row, p.item.draft.start, [
                RowConflict(p.row, c, lines.get((c.with_.uid, c.with_.recurrence_id))
                            if c.with_ is not None and not c.with_.id else None)
                for c in clashing.shown], clashing.kinds))
            if skip:
                dropped.add(id(p))
            elif force_reason is not None:
                p.item = replace(p.item, force_reason=force_reason)
        skipped = found if skip else []
        if found and not skip and force_reason is None:
            raise ImportConflicts(source, found, unit)
        accepted = [p for p in pending if id(p) not in dropped]
        # The new series with an occurrence written, created at once in the order first met.
        new = {id(p.series): p.series for p in accepted
               if p.series is not None and p.series.id == 0}
        made = {key: replace(series, id=made_id) for (key, series), made_id in zip(
            new.items(), uow.series.insert_many(list(new.values())), strict=True)}
        for p in accepted:
            if p.series is not None and p.series.id == 0:
                p.item = replace(p.item, series_id=made[id(p.series)].id)
        _write(uow, accepted, progress)
        # Occurrences skipped for a clash leave the rule (as `session add --skip-conflicts`).
        by_series: dict[int, tuple[Series, list[datetime | None]]] = {}
        for p in pending:
            if id(p) in dropped and p.series is not None and p.existing is None:
                series = made.get(id(p.series), p.series)
                if series.id:  # a new series none of whose occurrences is written is not made
                    by_series.setdefault(series.id, (series, []))[1].append(
                        p.item.recurrence_id)
        for series, rids in by_series.values():
            exclude_starts(uow, series, rids)
        return accepted, skipped, found if force_reason is not None else [], len(made)

    # --------------------------------------------------------------------- CSV import
    def import_csv(self, stream: IO[bytes], source: str, *, default_tz: str,
                   dry_run: bool = False, on_conflict: OnConflict = "fail",
                   reason: str | None = None, create_missing: bool = False,
                   allow_similar: bool = False, as_new: bool = False,
                   delete_missing: SessionQuery | None = None,
                   progress: Progress | None = None) -> ImportResult:
        """Import sessions from CSV (columns of docs/CLI.md), all or nothing. A row with an
        ``id`` changes that session, judged, audited and notified as ``session edit`` is
        (:mod:`.by_id`); ``as_new`` books every row as new (another centre's file). With
        ``delete_missing`` (the range the file was exported from), the scheduled sessions of
        that range whose ids the file no longer has are cancelled, never deleted.

        Every row is read and checked before anything is written; every problem is raised
        at once as :class:`BadFile`, every clash as :class:`ImportConflicts`. With
        ``create_missing`` the people, rooms and subjects the file names that do not exist
        are created, but not an address so like a registered one that it looks a typo of it
        unless ``allow_similar`` (:mod:`.references`).
        """
        skip, force_reason = conflict_policy(on_conflict, reason)
        zone(default_tz, field="--tz")
        parsed: list[csvformat.CsvRow] = []
        problems: list[Problem] = []
        named: list[tuple[int, csvformat.References]] = []  # by rows with problems
        for item in csvformat.read(stream, source, default_tz, keep_id=not as_new):
            if isinstance(item, Problem):
                problems.append(item)
                if len(problems) >= csvformat.MAX_PROBLEMS:
                    break
            elif isinstance(item, tuple):
                named.append(item)
            else:
                parsed.append(item)
        columns = {"mentor": "mentor_email", "student": "student_emails", "room": "room",
                   "subject": "subject"}

        def request(entries: Sequence[tuple[int | None, Named]]) -> references.Request:
            return references.Request(source, entries, columns, create_missing=create_missing,
                                      allow_similar=allow_similar)

        if problems:
            # The rows that could be read are checked for unknown people, rooms and subjects
            # too, so one run names everything there is to fix.
            if (parsed or named) and len(problems) < csvformat.MAX_PROBLEMS:
                try:
                    with self.ctx.read() as uow:
                        read: list[tuple[int | None, Named]] = [
                            (r.row, r.draft) for r in parsed]
                        read += named
                        references.check(uow, request(read), check_only=True)
                except BadFile as more:
                    problems = sorted(problems + more.problems,
                                      key=lambda p: (p.row or 0, p.column or ""))
            raise BadFile(source, problems)
        if not parsed:
            raise BadFile(source, [Problem(None, None, "has no rows to import")])

        def attempt() -> ImportResult:
            from .by_id import cancel_missing, missing_from, record_updates, updates

            with self.ctx.write() as uow:
                found = references.check(uow, request([(r.row, r.draft) for r in parsed]))
                resolved = [r if (d := found.draft(r.draft)) is r.draft else replace(r, draft=d)
                            for r in parsed]
                # Rows with an id edit the sessions they were exported from.
                pending, unchanged, problems = updates(
                    uow, source, [r for r in resolved if r.session_id is not None])
                for r in resolved:
                    if r.session_id is not None:
                        continue
                    if r.repeat is None:
                        pending.append(Pending(r.row, Row(r.draft, uid=new_uid(),
                                                           status=r.status)))
                        continue
                    try:
                        series, starts = self._occurrences(uow, r.draft, r.repeat, new_uid())
                    except InvalidInput as exc:
                        problems.append(Problem(r.row, exc.field, exc.detail))
                        continue
                    if not starts:
                        problems.append(Problem(r.row, "repeat", "the rule gives no occurrences"))
                    # The series is created with its first row written.
                    for start, draft in zip(starts, drafts_from(
                            series.template, starts, series.duration, series.tz), strict=True):
                        pending.append(Pending(r.row, Row(
                            draft, uid=series.uid, recurrence_id=start,
                            status=r.status), series=series))
                if problems:
                    raise BadFile(source, problems)
                gone = [] if delete_missing is None else missing_from(
                    uow, delete_missing, {r.session_id for r in resolved if r.session_id})
                # The sessions this import cancels are no obstacle to its rows.
                accepted, skipped, forced, series_count = self._commit(
                    uow, source, pending, skip, force_reason, [s.id for s in gone], progress)
                cancelled = record_updates(uow, self.booker.notifier, accepted)
                edited = sum(1 for p in accepted if p.existing is not None)
                listed = [p.planned(dry_run) for p in accepted] + cancel_missing(
                    uow, self.booker.notifier, source, gone)
                result = ImportResult(
                    source, dry_run, listed, len(accepted) - edited, edited - cancelled,
                    unchanged, cancelled + len(gone), series_count, skipped, forced,
                    found.created)
                uow.audit.record("import", "file", audit_key(source), None, summary(result))
                if dry_run:
                    raise DryRun(result)
                return result

        return dry_or_done(attempt)


def _write(uow: UnitOfWork, accepted: Sequence[Pending], progress: Progress | None) -> None:
    """Insert the new rows (in chunks; each learns its id) and update the changed ones."""
    fresh = [p for p in accepted if p.existing is None]
    for i in range(0, len(fresh), WRITE_CHUNK):
        part = fresh[i:i + WRITE_CHUNK]
        for p, made in zip(part, uow.sessions.add([p.item for p in part]), strict=True):
            p.made = made
        if progress:
            progress(len(part))
    for p in accepted:
        if p.existing is not None:
            uow.sessions.update(p.existing.id, p.item)
            if progress:
                progress(1)


def require_line(uow: UnitOfWork, source: str, line: int | None, action: Action,
                  **context: Any) -> None:
    """The permission rule of :mod:`permissions`, its refusal naming the file and line."""
    try:
        require(uow.actor, action, **context)
    except NotPermitted as exc:
        where = f"{source}, line {line}" if line is not None else source
        raise NotPermitted(f"{where}: {exc.message}") from None


def onto_stored(uow: UnitOfWork, source: str, line: int | None, before: Session,
                 item: Row) -> Row:
    """A file's version of a session we hold, judged as ``session edit`` judges a change:
    only by someone who may edit that session, and a completed or cancelled one keeps its
    status and changes only in its annotations (a calendar file cannot reopen it)."""
    require_line(uow, source, line, Action.EDIT_SESSION, session=before)
    if before.status in (SessionStatus.COMPLETED, SessionStatus.CANCELLED) \
            and item.status is not SessionStatus.CANCELLED:
        old = draft_of(before)
        changed = {f for f in EDITABLE if getattr(item.draft, f) != getattr(old, f)}
        try:
            rules.editable(before.status, changed)
        except InvalidInput as exc:
            where = f"{source}, line {line}" if line is not None else source
            raise InvalidInput(f"{where}: session {before.id}: {exc.message}",
                               field=None) from None
        item = replace(item, status=before.status)
    return item
