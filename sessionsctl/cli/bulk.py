"""`session cancel|move|reassign` over the sessions a filter selects: the plan is shown, then
asked about (``--yes`` does not ask; with no terminal to ask on, it is refused), then written
all or none. ``--dry-run`` shows the plan and writes nothing."""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

from ..core.domain.drafts import SessionQuery
from ..core.domain.errors import InvalidInput
from ..core.domain.model import Session, SessionStatus, SessionType
from ..core.domain.serialize import conflict_json, session_json
from ..core.domain.timeutil import parse_day
from ..core.domain.words import counted
from . import render
from .context import Cli, cli
from .filters import ListFrom, ListTo, RoomOpt, Search, Statuses, Types, session_query
from .options import JsonOption, NoNotify

if TYPE_CHECKING:  # the session group's other commands never load the bulk planner
    from ..core.schedule.bulk import BulkChange, BulkPlan, Planned

MentorFilter = Annotated[str | None, typer.Option(
    "--mentor", help="Only this mentor's sessions (email or name).")]
StudentFilter = Annotated[str | None, typer.Option(
    "--student", help="Only sessions of this student (email or name).")]
SubjectFilter = Annotated[str | None, typer.Option(
    "--subject", help="Only sessions of this subject.")]
Closure = Annotated[bool, typer.Option(
    "--closure", help="Only sessions on a day the centre is closed (closure add).")]
DryRun = Annotated[bool, typer.Option(
    "--dry-run", help="Show what would change; write nothing.")]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Change them without asking.")]
Ids = Annotated[list[int] | None, typer.Argument(
    help="Session ids (optional: the filters choose the sessions).", metavar="ID",
    show_default=False)]
BulkPast = Annotated[bool, typer.Option(
    "--past", help="Include sessions held before today (and allow moves to before today).")]

_VERB = {"cancel": ("Cancel", "Cancelled"), "move": ("Move", "Moved"),
         "reassign": ("Reassign", "Reassigned")}


def selection(state: Cli, ids: list[int] | None, filters: dict[str, Any]) -> SessionQuery:
    """The sessions the ids and the filters choose together (AND)."""
    return replace(session_query(state, **filters), ids=tuple(ids or ()))


def filters_of(from_: str | None, to: str | None, mentor: str | None, student: str | None,
               room: str | None, subject: str | None, status: list[SessionStatus] | None,
               type_: list[SessionType] | None, search: str | None) -> dict[str, Any]:
    return {"start": from_, "end": to, "mentor": mentor, "student": student, "room": room,
            "subject": subject, "statuses": status, "types": type_, "search": search}


def any_filter(filters: dict[str, Any], closure: bool) -> bool:
    return closure or any(v not in (None, [], "") for v in filters.values())


# ------------------------------------------------------------------------ output
def _change_text(state: Cli, row: Planned, names: dict[str, str]) -> Text:
    if row.skipped is not None:
        return Text(f"left: {row.skipped}", style="dim")
    after, before, tz = row.after, row.before, state.tz
    if after is None or after.status is SessionStatus.CANCELLED:
        return Text("cancel", style="red")
    parts = []
    if after.start != before.start:
        parts.append(f"→ {render.when(after.start, tz)}")
    if after.mentor != before.mentor:
        parts.append(f"→ {names.get(after.mentor, after.mentor)}")
    if after.room != before.room:
        parts.append(f"→ {after.room or 'no room'}")
    return Text(", ".join(parts))


def _row_json(row: Planned, change: BulkChange, state: Cli) -> dict[str, Any]:
    tz = state.tz
    return {"id": row.before.id, "title": row.before.title,
            "action": "skip" if row.skipped else change.kind, "reason": row.skipped,
            "before": session_json(row.before, tz),
            "after": session_json(row.after, tz) if row.after and not row.skipped else None,
            "conflicts": [conflict_json(c, tz) for c in row.conflicts.shown],
            "conflict_count": row.conflicts.total}


def plan_json(state: Cli, plan: BulkPlan, dry_run: bool) -> dict[str, Any]:
    return {"action": plan.change.kind, "change": plan.change.describe(), "dry_run": dry_run,
            "applied": plan.applied, "count": len(plan.changing), "skipped": len(plan.skipped),
            "conflict_count": plan.conflict_count,
            "sessions": [_row_json(r, plan.change, state) for r in plan.rows]}


def show_plan(state: Cli, plan: BulkPlan) -> None:
    tz = state.tz
    people = {e for r in plan.rows for s in (r.before, r.after) if s for e in (s.mentor,)}
    names = {e: p.name for e, p in state.centre.people.names(people).items()}

    def who(s: Session) -> str:
        return names.get(s.mentor, s.mentor)

    render.out.print(render.table(
        f"{_VERB[plan.change.kind][0]}: {plan.change.describe()}",
        ("ID", "When", "Title", "Mentor", "Room", "Change", "Conflicts"),
        ((r.before.id, render.when(r.before.start, tz), r.before.title, who(r.before),
          r.before.room, _change_text(state, r, names), r.conflicts.total or "")
         for r in plan.rows)))
    clashing = [r for r in plan.changing if r.conflicts]
    if clashing:
        render.conflicts([c for r in clashing for c in r.conflicts.shown], tz,
                         more=sum(r.conflicts.more for r in clashing))
    render.out.print(f"{counted(len(plan.changing), 'session')} to {plan.change.kind}, "
                     f"{len(plan.skipped)} left as they are; times in {tz.key}.", style="dim")


# ------------------------------------------------------------------------ running
def can_ask() -> bool:
    """Whether someone is at a terminal to answer the question."""
    return sys.stdin.isatty()


def run(state: Cli, query: SessionQuery, change: BulkChange, *, closure: bool, past: bool,
        dry_run: bool, yes: bool, notify: bool) -> None:
    """Plan, show, ask, apply: the one flow of the three commands."""
    plan = state.centre.bulk.plan(query, change, closure=closure, past=past)
    if not state.json:
        if not plan.rows:
            render.out.print("No session matches these filters; nothing to do.")
            return
        show_plan(state, plan)
    verb, done = _VERB[change.kind]
    if plan.conflict_count:
        if state.json:
            render.emit_json(plan_json(state, plan, dry_run))
        clashing = sum(1 for r in plan.changing if r.conflicts)
        render.err.print(Text.assemble(
            ("error: ", "red"), f"refused: {counted(plan.conflict_count, 'scheduling conflict')} in "
            f"{clashing} of {counted(len(plan.changing), 'session')}; nothing was written"))
        raise typer.Exit(3)
    if dry_run or not plan.ids:
        if state.json:
            render.emit_json(plan_json(state, plan, dry_run))
        elif not plan.ids:
            render.out.print("Nothing to change.")
        else:
            render.out.print("Dry run: nothing was written.")
        return
    if not yes:
        if not can_ask():
            raise InvalidInput(f"this changes {counted(len(plan.ids), 'session')}: add --yes to confirm "
                               "(or --dry-run to see them)", field="--yes")
        typer.confirm(f"{verb} {counted(len(plan.ids), 'session')}?", abort=True, err=True)
    applied = state.centre.bulk.apply(SessionQuery(ids=plan.ids), change, past=past,
                                      notify=notify)
    if state.json:
        render.emit_json(plan_json(state, applied, False))
        return
    render.out.print(f"{done} {counted(len(applied.changing), 'session')}"
                     + (f"; {len(applied.skipped)} left as they were." if applied.skipped
                        else "."))


def move(
    ctx: typer.Context, ids: Ids = None,
    by: Annotated[str | None, typer.Option(
        "--by", help="Shift each by this much, in its own zone's wall time: +1w, +2d, -30m, "
        "+1h.")] = None,
    on: Annotated[str | None, typer.Option(
        "--on", help="Move each to this day, keeping its time (2026-12-08, 'next monday').")
    ] = None,
    from_: ListFrom = None, to: ListTo = None, mentor: MentorFilter = None,
    student: StudentFilter = None, room: RoomOpt = None, subject: SubjectFilter = None,
    status: Statuses = None, type_: Types = None, search: Search = None,
    closure: Closure = False, dry_run: DryRun = False, yes: Yes = False,
    past: BulkPast = False, no_notify: NoNotify = False, json_output: JsonOption = False,
) -> None:
    """Move the sessions the ids and filters choose (all of them, or none if any would
    clash); shows the plan and asks first.

    Examples:

    - `sessionsctl session move --closure --from 2027-02-15 --to 2027-02-19 --by +1w`
    - `sessionsctl session move --mentor "Ada Byron" --from 2026-12-14 --to 2026-12-14
      --on 2026-12-16 --dry-run`
    """
    from ..core.schedule.bulk import BulkChange, parse_shift

    state = cli(ctx, json_output)
    change = BulkChange.move(
        by=parse_shift(by) if by is not None else None,
        on=parse_day(on, state.tz, field="--on", now=state.centre.clock())
        if on is not None else None)
    filters = filters_of(from_, to, mentor, student, room, subject, status, type_, search)
    run(state, selection(state, ids, filters), change, closure=closure, past=past,
        dry_run=dry_run, yes=yes, notify=not no_notify)


def reassign(
    ctx: typer.Context, ids: Ids = None,
    new_mentor: Annotated[str | None, typer.Option(
        "--new-mentor", help="The mentor to give them to (email or name).")] = None,
    new_room: Annotated[str | None, typer.Option(
        "--new-room", help="The room to hold them in ('' for none).")] = None,
    from_: ListFrom = None, to: ListTo = None, mentor: MentorFilter = None,
    student: StudentFilter = None, room: RoomOpt = None, subject: SubjectFilter = None,
    status: Statuses = None, type_: Types = None, search: Search = None,
    closure: Closure = False, dry_run: DryRun = False, yes: Yes = False,
    past: BulkPast = False, no_notify: NoNotify = False, json_output: JsonOption = False,
) -> None:
    """Give the sessions the ids and filters choose another mentor and/or room (all of them,
    or none if any would clash); shows the plan and asks first.

    Example:

    - `sessionsctl session reassign --mentor ada@example.org --from 2027-03-01
      --to 2027-03-05 --new-mentor bob@example.org --yes`
    """
    from ..core.schedule.bulk import BulkChange

    state = cli(ctx, json_output)
    given = {k: v for k, v in (("mentor", new_mentor), ("room", new_room)) if v is not None}
    fields = state.centre.people.resolve(given)
    for key in ("mentor", "room"):
        if fields.get(key) == "":
            fields[key] = None  # no room; no mentor is refused
    change = BulkChange.reassign(**fields)
    filters = filters_of(from_, to, mentor, student, room, subject, status, type_, search)
    run(state, selection(state, ids, filters), change, closure=closure, past=past,
        dry_run=dry_run, yes=yes, notify=not no_notify)
