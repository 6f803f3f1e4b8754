"""`session` commands: book, list, show, edit, cancel, start and complete sessions."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from typing import Annotated, Any

import typer

from ..core.billing.model import CancelledBy
from ..core.centre import Booked
from ..core.domain.drafts import SessionDraft
from ..core.domain.errors import InvalidInput
from ..core.domain.model import PaymentStatus
from ..core.domain.serialize import (
    session_detail_json,
    sessions_json,
)
from ..core.domain.timeutil import day_start, parse_bound
from ..core.schedule.meeting import meeting_fields
from . import bulk, outcomes, render, slots
from .context import Cli, cli
from .fields import changes_of
from .filters import ListFrom, ListTo, RoomOpt, Search, Statuses, Types, session_query
from .options import (
    Cost,
    Description,
    Duration,
    End,
    Force,
    JsonOption,
    Link,
    Location,
    Max,
    Meeting,
    MeetingId,
    Mentor,
    NoNotify,
    Notes,
    Passcode,
    Past,
    Payment,
    Reason,
    Repeat,
    Room,
    Scope,
    Start,
    Students,
    Subject,
    Title,
    Type,
    Tz,
)

app = typer.Typer(help="Book, list, change and close sessions.", no_args_is_help=True)

_TIME_ONLY = re.compile(r"^\d{1,2}:\d{2}$")


def _force_reason(force: bool, reason: str | None) -> str | None:
    if force and not (reason and reason.strip()):
        raise InvalidInput("--force needs --reason TEXT", field="reason")
    return reason if force else None


def _meeting(state: Cli, kind: str | None, meeting_id: str | None,
             link: str | None) -> dict[str, Any]:
    return meeting_fields(kind, meeting_id=meeting_id, link=link,
                          centre=state.settings.centre.get("name"),
                          jitsi_url=state.settings.jitsi_url)


@app.command("add")
def add(
    ctx: typer.Context, title: Title = None, mentor: Mentor = None, student: Students = None,
    room: Room = None, subject: Subject = None, start: Start = None, end: End = None,
    duration: Duration = None, tz: Tz = None, type_: Type = None, location: Location = None,
    link: Link = None, meeting: Meeting = None, meeting_id: MeetingId = None,
    passcode: Passcode = None, max_: Max = None, description: Description = None,
    notes: Notes = None, cost: Cost = None, payment: Payment = None, repeat: Repeat = None,
    term: Annotated[str | None, typer.Option(
        "--term", help="Run the series within this term (--start may then be a time, 16:00).")] = None,
    skip_conflicts: Annotated[bool, typer.Option(
        "--skip-conflicts", help="Book the free occurrences of a series; list the rest.")] = False,
    force: Force = False, reason: Reason = None, json_output: JsonOption = False,
    no_notify: NoNotify = False, past: Past = False,
) -> None:
    """Book a session or a recurring series; refused with exit 3 and every conflict if it clashes.

    Examples:

    - `sessionsctl session add --title Algebra --mentor "Ada Byron" --student sam@example.org
      --start "tomorrow 16:00" --duration 60`
    - `sessionsctl session add --title "GCSE Maths" --mentor ada@example.org --start 16:00
      --duration 60 --repeat "FREQ=WEEKLY;BYDAY=TU" --term "Spring 2027"`
    - `sessionsctl session add --title "Revision" --mentor ada@example.org --type workshop
      --start "fri 17:00" --duration 60 --max 50 --meeting jitsi`
    """
    state = cli(ctx, json_output)
    for flag, value in (("--title", title), ("--mentor", mentor), ("--start", start)):
        if value is None:
            raise InvalidInput("is required", field=flag)
    if (term or skip_conflicts) and repeat is None:
        raise InvalidInput("--term and --skip-conflicts go with --repeat", field="repeat")
    if term is not None and start is not None and _TIME_ONLY.match(start):
        start = f"{state.centre.calendar.term_named(term).starts_on} {start}"
    if end is None and duration is None:
        raise InvalidInput("give --duration MIN or --end TIME", field="duration")
    fields = changes_of(state, title=title, mentor=mentor, students=student, room=room,
                      subject=subject, start=start, end=end, duration=duration, tz=tz,
                      type_=type_, location=location, link=link, meeting_id=meeting_id,
                      passcode=passcode, max_participants=max_, description=description,
                      notes=notes, cost=cost, payment_status=payment)
    fields.update(_meeting(state, meeting, meeting_id, link))
    fields.setdefault("tz", state.tz_name)
    draft = SessionDraft(**fields)
    if repeat is None:
        booked = state.centre.sessions.book(draft, force_reason=_force_reason(force, reason),
                                            notify=not no_notify, past=past)
        outcomes.session_changed(state, booked, "Booked")
        return
    result = state.centre.series.create(draft, repeat, term=term, skip_conflicts=skip_conflicts,
                                        force_reason=_force_reason(force, reason),
                                        notify=not no_notify, past=past)
    outcomes.series_changed(state, result, "Booked")


@app.command("list")
def list_(
    ctx: typer.Context, from_: ListFrom = None, to: ListTo = None,
    all_: Annotated[bool, typer.Option("--all", help="Every session, whatever its date.")] = False,
    mentor: Mentor = None,
    student: Annotated[str | None, typer.Option(
        "--student", help="A student's email or name.")] = None,
    room: Room = None, subject: Subject = None, status: Statuses = None, type_: Types = None,
    search: Search = None,
    payment: Annotated[list[PaymentStatus] | None, typer.Option(
        "--payment", help="Only sessions paid, unpaid or waived (staff).")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=0, help="At most this many.")] = None,
    open_: Annotated[bool, typer.Option(
        "--open", help="Only those open for registration now (whatever their date).")] = False,
    flagged: Annotated[bool, typer.Option(
        "--flagged", help="Only those flagged: their mentor unavailable then, still to "
        "end (whatever their date without --from/--to).")] = False,
    json_output: JsonOption = False,
) -> None:
    """List sessions by day; without --from/--to/--all, the coming seven days.

    Examples:

    - `sessionsctl session list`
    - `sessionsctl session list --from 2026-12-01 --to 2026-12-31 --mentor "Ada Byron" --json`
    - `sessionsctl session list --all --status completed --payment unpaid`
    - `sessionsctl --as sam@example.org session list --open`
    """
    state = cli(ctx, json_output)
    tz = state.tz
    query = session_query(state, start=from_, end=to, mentor=mentor, student=student,
                          room=room, subject=subject, statuses=status, types=type_,
                          search=search)
    if not (all_ or from_ or to or open_ or flagged):
        start = day_start(parse_bound("today", tz, field="from").astimezone(tz).date(), tz)
        query = replace(query, start=start, end=start + timedelta(days=7))
    query = replace(query, limit=limit, payments=tuple(payment or ()))
    if flagged:
        sessions, flags = state.centre.flags.find(query)
    else:
        sessions = (state.centre.registration.find_open if open_
                    else state.centre.sessions.find)(query)
        flags = state.centre.flags.of(sessions)
    if state.json:
        # A flagged session carries its flags; the others keep the shape they always had.
        render.emit_json([{**item, "flags": flags[s.id]} if s.id in flags else item
                          for s, item in zip(sessions, sessions_json(sessions, tz), strict=True)])
    else:
        render.sessions_by_day(sessions, tz, state.names(), flags)



@app.command("edit")
def edit(
    ctx: typer.Context, session_id: Annotated[int, typer.Argument(help="Session id.")],
    title: Title = None, mentor: Mentor = None, student: Students = None, room: Room = None,
    subject: Subject = None, start: Start = None, end: End = None, duration: Duration = None,
    tz: Tz = None, type_: Type = None, location: Location = None, link: Link = None,
    meeting: Meeting = None, meeting_id: MeetingId = None, passcode: Passcode = None,
    max_: Max = None,
    description: Description = None, notes: Notes = None, cost: Cost = None,
    payment: Payment = None, scope: Scope = "this", repeat: Repeat = None,
    force: Force = False, reason: Reason = None, json_output: JsonOption = False,
    no_notify: NoNotify = False, past: Past = False,
) -> None:
    """Change a session or part of its series (moving its start keeps its length).

    Examples:

    - `sessionsctl session edit 42 --start "2026-12-01 17:00"`
    - `sessionsctl session edit 42 --room "Newton Room" --scope all`
    """
    state = cli(ctx, json_output)
    base_start = None  # what a length or an end time alone is counted from
    if (duration is not None or end is not None) and start is None:
        base_start = state.centre.sessions.show(session_id).session.start
    changes = changes_of(state, title=title, mentor=mentor, students=student, room=room,
                       subject=subject, start=start, end=end, duration=duration, tz=tz,
                       type_=type_, base_start=base_start, location=location, link=link,
                       meeting_id=meeting_id, passcode=passcode, max_participants=max_,
                       description=description, notes=notes, cost=cost, payment_status=payment)
    changes.update(_meeting(state, meeting, meeting_id, link))
    if not changes and repeat is None:
        raise InvalidInput("nothing to change: give at least one option", field="edit")
    result = state.centre.sessions.edit_scoped(session_id, changes, scope=scope, repeat=repeat,
                                               force_reason=_force_reason(force, reason),
                                               notify=not no_notify, past=past)
    if isinstance(result, Booked):
        outcomes.session_changed(state, result, "Changed")
    else:
        outcomes.series_changed(state, result, "Changed")


def _status_command(verb: str, done: str):
    def command(ctx: typer.Context,
                session_id: Annotated[int, typer.Argument(help="Session id.")],
                json_output: JsonOption = False, **kwargs: Any) -> None:
        state = cli(ctx, json_output)
        session = getattr(state.centre.sessions, verb)(session_id, **kwargs)
        if state.json:
            render.emit_json(session_detail_json(session, state.tz))
        else:
            render.out.print(f"{done} #{session.id} {session.title!r} "
                             f"({render.when(session.start, state.tz)})")
    return command


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    session_id: Annotated[int | None, typer.Argument(
        help="Session id (or none: the filters choose the sessions).", show_default=False)
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="Why it is cancelled.")] = None,
    by: Annotated[CancelledBy | None, typer.Option(
        "--by", help="Who cancelled: student (billed inside the notice window), centre or "
                     "mentor (a make-up is owed).")] = None,
    scope: Scope = "this", from_: ListFrom = None, to: ListTo = None,
    mentor: bulk.MentorFilter = None, student: bulk.StudentFilter = None,
    room: RoomOpt = None, subject: bulk.SubjectFilter = None, status: Statuses = None,
    type_: Types = None, search: Search = None, closure: bulk.Closure = False,
    dry_run: bulk.DryRun = False, yes: bulk.Yes = False, past: bulk.BulkPast = False,
    json_output: JsonOption = False, no_notify: NoNotify = False,
) -> None:
    """Cancel a session, or part of its series, or every session the filters choose (shown
    first and asked about); cancelled sessions stay on record and free their slots.

    Examples:

    - `sessionsctl session cancel 42 --reason "mentor ill" --by mentor`
    - `sessionsctl session cancel 42 --scope following --reason "course ends"`
    - `sessionsctl session cancel --closure --from 2027-02-15 --to 2027-02-19 --dry-run`
    """
    state = cli(ctx, json_output)
    filters = bulk.filters_of(from_, to, mentor, student, room, subject, status, type_, search)
    if session_id is None or bulk.any_filter(filters, closure) or dry_run or yes or past:
        if scope != "this" or by is not None:
            raise InvalidInput(f"--{'scope' if by is None else 'by'} goes with a session id "
                               "alone", field="scope" if by is None else "by")
        from ..core.schedule.bulk import BulkChange

        ids = [session_id] if session_id is not None else None
        bulk.run(state, bulk.selection(state, ids, filters), BulkChange.cancel(reason),
                 closure=closure, past=past, dry_run=dry_run, yes=yes, notify=not no_notify)
        return
    cancelled = state.centre.sessions.cancel_scoped(session_id, scope=scope, reason=reason,
                                                    notify=not no_notify, by=by)
    if state.json:
        render.emit_json([session_detail_json(s, state.tz) for s in cancelled])
        return
    for s in cancelled:
        render.out.print(f"Cancelled #{s.id} {s.title!r} ({render.when(s.start, state.tz)})")
    if not cancelled:
        render.out.print("Nothing left to cancel.")


Early = Annotated[bool, typer.Option("--force", help="Even before the session's start.")]


@app.command("start")
def start_(ctx: typer.Context, session_id: Annotated[int, typer.Argument(help="Session id.")],
           force: Early = False, json_output: JsonOption = False) -> None:
    """Mark a session as in progress (before its start only with --force).

    Example:

    - `sessionsctl session start 42`
    """
    _status_command("begin", "Started")(ctx, session_id, json_output, force=force)


@app.command("complete")
def complete(ctx: typer.Context, session_id: Annotated[int, typer.Argument(help="Session id.")],
             force: Early = False, json_output: JsonOption = False) -> None:
    """Mark a session as completed (before its start only with --force). Its unmarked
    students are marked absent (config `unmarked = "leave"` leaves them) and its mentor is
    mailed an attendance summary, once per session (queued; `reminders send` sends it).

    Example:

    - `sessionsctl session complete 42`
    """
    _status_command("complete", "Completed")(ctx, session_id, json_output, force=force)


@app.command("note")
def note(ctx: typer.Context, session_id: Annotated[int, typer.Argument(help="Session id.")],
         text: Annotated[str, typer.Argument(help="The note; stamped with when and by whom.")],
         json_output: JsonOption = False) -> None:
    """Add a note to a session (after the notes it has, kept with any added meanwhile).

    Example:

    - `sessionsctl session note 42 "Bring the workbook next time"`
    """
    state = cli(ctx, json_output)
    session = state.centre.sessions.add_note(session_id, text, tz=state.tz)
    if state.json:
        render.emit_json(session_detail_json(session, state.tz))
    else:
        render.out.print(f"Noted on #{session.id} {session.title!r}")


# Finding and explaining slots live beside the booking commands, under `session`.
app.command("free")(slots.free)
app.command("explain")(slots.explain)
# Moving and reassigning what a filter chooses: cli/bulk.py (cancel's filtered form too).
app.command("move")(bulk.move)
app.command("reassign")(bulk.reassign)
