"""`term`, `closure` and `availability` commands: when the centre and its mentors work."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from ..core.domain.errors import InvalidInput
from ..core.domain.model import Session
from ..core.domain.serialize import record, session_json
from ..core.domain.timeutil import parse_bound, parse_day
from ..core.domain.words import counted
from ..core.schedule.availability import WEEKDAYS, wall_time, weekday
from . import render
from .context import Cli, cli

if TYPE_CHECKING:
    from ..core.domain.drafts import SessionQuery
    from ..core.schedule.bulk import BulkChange

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]

term_app = typer.Typer(help="Named terms, so a series can run for a term.", no_args_is_help=True)
closure_app = typer.Typer(help="Days the centre is closed.", no_args_is_help=True)
availability_app = typer.Typer(help="When mentors can teach, and their time off.",
                               no_args_is_help=True)


@term_app.command("add")
def term_add(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="e.g. 'Spring 2027'.")],
    from_: Annotated[str, typer.Option("--from", help="First day.")],
    to: Annotated[str, typer.Option("--to", help="Last day (inclusive).")],
    json_output: JsonOption = False,
) -> None:
    """Add a term.

    Example:

    - `sessionsctl term add "Spring 2027" --from 2027-01-04 --to 2027-03-31`
    """
    state = cli(ctx, json_output)
    term = state.centre.calendar.add_term(name, parse_day(from_, state.tz, field="from"),
                                 parse_day(to, state.tz, field="to"))
    if state.json:
        render.emit_json(record(term))
    else:
        render.out.print(f"Added term {term.name}: {term.starts_on} to {term.ends_on}")


@term_app.command("list")
def term_list(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """List terms.

    Example:

    - `sessionsctl term list`
    """
    state = cli(ctx, json_output)
    render.listing(state.json, state.centre.calendar.list_terms(), record, ("Term", "From", "To"),
                   lambda t: (t.name, t.starts_on, t.ends_on), empty="No terms.")


@closure_app.command("add")
def closure_add(
    ctx: typer.Context, day: Annotated[str, typer.Argument(help="The (first) day closed.")],
    to: Annotated[str | None, typer.Option("--to", help="Last day closed (inclusive).")] = None,
    reason: Annotated[str, typer.Option("--reason", help="e.g. 'half-term'.")] = "",
    json_output: JsonOption = False,
) -> None:
    """Close the centre on a day or days; lists the sessions already booked then.

    Example:

    - `sessionsctl closure add 2027-02-15 --to 2027-02-19 --reason half-term`
    """
    state = cli(ctx, json_output)
    first = parse_day(day, state.tz, field="date")
    last = parse_day(to, state.tz, field="to") if to else first
    closure, hit = state.centre.calendar.add_closure(first, last, reason, state.tz)
    if state.json:
        render.emit_json({"closure": record(closure),
                          "sessions_to_move": [session_json(s, state.tz) for s in hit]})
        return
    render.out.print(f"Closed {closure.starts_on}"
                     + (f" to {closure.ends_on}" if closure.ends_on != closure.starts_on else "")
                     + f": {closure.reason}")
    if hit:
        render.out.print(f"[yellow]{counted(len(hit), 'session')} already booked then; move or cancel "
                         "them:[/]")
        render.sessions_by_day(hit, state.tz, state.names())
        days = f"--from {closure.starts_on} --to {closure.ends_on}"
        render.out.print(f"All at once: sessionsctl session move --closure {days} --by +1w "
                         f"(or --on DAY), or session cancel --closure {days}; --dry-run "
                         "shows the plan first.", style="dim")


@closure_app.command("list")
def closure_list(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """List closures.

    Example:

    - `sessionsctl closure list --json`
    """
    state = cli(ctx, json_output)
    render.listing(state.json, state.centre.calendar.list_closures(), record,
                   ("ID", "From", "To", "Reason"),
                   lambda c: (c.id, c.starts_on, c.ends_on, c.reason), empty="No closures.")


@availability_app.command("set")
def availability_set(
    ctx: typer.Context, email: Annotated[str, typer.Argument(help="The mentor's email or name.")],
    weekdays: Annotated[list[str], typer.Option("--weekday", help="mon … sun; repeat for several.")],
    from_: Annotated[str | None, typer.Option("--from", help="Window start, e.g. 15:00.")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Window end, e.g. 19:30.")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="Zone of the times (default --tz).")] = None,
    clear: Annotated[bool, typer.Option("--clear", help="No window on these days.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Set the window a mentor can teach in on some weekdays (replacing what was set).

    Example:

    - `sessionsctl availability set ada@example.org --weekday mon --weekday wed --from 15:00 --to 19:30`
    """
    state = cli(ctx, json_output)
    if not clear and (from_ is None or to is None):
        raise InvalidInput("give --from and --to (or --clear)", field="from")
    window = [] if clear else [(wall_time(from_ or "", "from"), wall_time(to or "", "to"))]
    windows = []
    for day in weekdays:
        windows = state.centre.calendar.set_availability(email, weekday(day), window, tz or state.tz_name)
    if state.json:
        render.emit_json(record(windows))
    else:
        _print_windows(email, windows)


def _print_windows(email: str, windows) -> None:
    if not windows:
        render.out.print(f"{email}: no availability set (available at any time)")
        return
    render.out.print(render.table(f"Availability of {email}", ("Day", "From", "To", "Zone"), (
        (WEEKDAYS[w.weekday].title(), f"{w.start:%H:%M}", f"{w.end:%H:%M}", w.tz)
        for w in windows)))


@availability_app.command("list")
def availability_list(ctx: typer.Context,
                      email: Annotated[str, typer.Argument(help="The mentor's email or name.")],
                      dated: Annotated[bool, typer.Option(
                          "--dated", help="The dated windows from today on, instead.")]
                      = False,
                      json_output: JsonOption = False) -> None:
    """Show a mentor's weekly availability (or, with --dated, the days with windows of
    their own).

    Examples:

    - `sessionsctl availability list ada@example.org`
    - `sessionsctl availability list ada@example.org --dated --json`
    """
    state = cli(ctx, json_output)
    today = datetime.now(state.tz).date()
    if dated:
        found = state.centre.calendar.dated_of(email, today, date.max)
        if state.json:
            render.emit_json(record(found))
            return
        render.out.print(render.table(
            f"Dated windows of {email}", ("Day", "From", "To", "Zone"),
            ((f"{w.day:%a %Y-%m-%d}", f"{w.start:%H:%M}", f"{w.end:%H:%M}", w.tz)
             for w in found), "No dated windows."))
        return
    windows = state.centre.calendar.availability_of(email)
    if state.json:
        render.emit_json(record(windows))
    else:
        _print_windows(email, windows)


@availability_app.command("off")
def availability_off(
    ctx: typer.Context, email: Annotated[str, typer.Argument(help="The mentor's email or name.")],
    from_: Annotated[str, typer.Option("--from", help="Start of the time off.")],
    to: Annotated[str, typer.Option("--to", help="End (a day alone means to its end).")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why.")] = None,
    reassign_to: Annotated[str | None, typer.Option(
        "--reassign-to", help="Give the sessions already booked then to this mentor "
                              "(conflict-checked, all or none).")] = None,
    json_output: JsonOption = False,
) -> None:
    """Record time off: no sessions may be booked for the mentor inside it. Sessions already
    booked then are listed (still theirs), or handed to another mentor with --reassign-to.

    Examples:

    - `sessionsctl availability off ada@example.org --from 2027-03-01 --to 2027-03-05 --reason leave`
    - `sessionsctl availability off ada@example.org --from 2027-03-01 --to 2027-03-05
      --reassign-to bob@example.org`
    """
    state = cli(ctx, json_output)
    calendar = state.centre.calendar
    start = parse_bound(from_, state.tz, field="from")
    end = parse_bound(to, state.tz, field="to", end=True)
    hit = calendar.booked_in(email, start, end) if end > start else []
    handing = _handing_on(state, hit, reassign_to)
    item = calendar.add_time_off(email, start, end, reason)
    change = handing[0] if handing else None
    hit = _hand_on(state, handing) if handing else hit
    if state.json:
        render.emit_json({**record(item), "sessions": [session_json(s, state.tz) for s in hit],
                          "reassigned_to": change.fields["mentor"] if change else None})
        return
    render.out.print(f"Time off for {item.mentor}: {render.when(item.start, state.tz)} to "
                     f"{render.when(item.end, state.tz)}")
    if hit and change is not None:
        render.out.print(f"{counted(len(hit), 'session')} reassigned to "
                         f"{change.fields['mentor']}:")
        render.sessions_by_day(hit, state.tz, state.names())
    elif hit:
        render.out.print(f"[yellow]{counted(len(hit), 'session')} already booked then, still "
                         f"with {item.mentor}: reassign, move or cancel them:[/]")
        render.sessions_by_day(hit, state.tz, state.names())
        render.out.print(f"All at once: the same command with --reassign-to MENTOR, or "
                         f"sessionsctl session reassign --mentor {item.mentor} --from "
                         f"{item.start.astimezone(state.tz):%Y-%m-%d} --to "
                         f"{item.end.astimezone(state.tz):%Y-%m-%d} --new-mentor MENTOR",
                         style="dim")



def _handing_on(state: Cli, hit: list[Session], reassign_to: str | None
                ) -> tuple[BulkChange, SessionQuery] | None:
    """The bulk reassignment of ``hit`` to ``reassign_to``, checked before anything is
    written (refused with every conflict, exit 3); None when there is nothing to hand on."""
    if reassign_to is None or not hit:
        return None
    from ..core.domain.drafts import SessionQuery
    from ..core.schedule.bulk import BulkChange

    mentor = state.centre.people.resolve({"mentor": reassign_to})["mentor"]
    change = BulkChange.reassign(mentor=mentor)
    query = SessionQuery(ids=tuple(s.id for s in hit))
    if state.centre.bulk.plan(query, change).conflict_count:
        state.centre.bulk.apply(query, change)  # raises with every conflict listed
    return change, query


def _hand_on(state: Cli, handing: tuple[BulkChange, SessionQuery]) -> list[Session]:
    change, query = handing
    return [r.after or r.before for r in state.centre.bulk.apply(query, change).rows]


def _flagged(state: Cli, mentor: str, hit: list[Session], first: date, last: date) -> None:
    """The sessions a change of availability left outside it (still booked, still theirs)."""
    if not hit:
        return
    render.out.print(f"[yellow]{counted(len(hit), 'session')} of {mentor} now outside their "
                     "availability (still booked): reassign, move or cancel them:[/]")
    render.sessions_by_day(hit, state.tz, state.names())
    render.out.print(f"All at once: sessionsctl session reassign --mentor {mentor} --from "
                     f"{first} --to {last} --new-mentor MENTOR", style="dim")


@availability_app.command("add")
def availability_add(
    ctx: typer.Context, email: Annotated[str, typer.Argument(help="The mentor's email or name.")],
    on: Annotated[str, typer.Option("--on", help="The (first) day.")],
    from_: Annotated[str, typer.Option("--from", help="Window start, e.g. 10:00.")],
    to: Annotated[str, typer.Option("--to", help="Window end, e.g. 13:00.")],
    until: Annotated[str | None, typer.Option(
        "--until", help="The last day of a run of days with this window.")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="Zone of the times (default --tz).")] = None,
    reassign_to: Annotated[str | None, typer.Option(
        "--reassign-to", help="Give the sessions it leaves outside to this mentor "
                              "(conflict-checked, all or none).")] = None,
    json_output: JsonOption = False,
) -> None:
    """Add a dated window: on those days the mentor teaches in their dated windows instead of
    the weekly pattern (more hours, or fewer). Sessions those days now outside it are listed.

    Examples:

    - `sessionsctl availability add ada@example.org --on 2027-03-06 --from 10:00 --to 13:00`
    - `sessionsctl availability add ada@example.org --on 2027-04-05 --until 2027-04-09
      --from 09:00 --to 12:00`
    """
    state = cli(ctx, json_output)
    first = parse_day(on, state.tz, field="on")
    last = parse_day(until, state.tz, field="until") if until else first
    window = (wall_time(from_, "from"), wall_time(to, "to"), tz or state.tz_name)
    handing = None
    if reassign_to is not None and window[1] > window[0]:
        handing = _handing_on(state, state.centre.calendar.outside_after(
            email, first, last, window), reassign_to)
    made, hit = state.centre.calendar.add_dated(email, first, last, *window)
    moved = _hand_on(state, handing) if handing else []
    hit = [s for s in hit if s.id not in {m.id for m in moved}]
    if state.json:
        render.emit_json({"windows": record(made),
                          "outside": [session_json(s, state.tz) for s in hit],
                          "reassigned": [session_json(s, state.tz) for s in moved]})
        return
    mentor = made[0].mentor
    render.out.print(f"{mentor} teaches {made[0].start:%H:%M}-{made[0].end:%H:%M} "
                     f"({made[0].tz}) on {counted(len(made), 'day')} from {first} to {last}")
    _reassigned(state, moved, handing)
    _flagged(state, mentor, hit, first, last)


@availability_app.command("remove")
def availability_remove(
    ctx: typer.Context, email: Annotated[str, typer.Argument(help="The mentor's email or name.")],
    on: Annotated[str, typer.Option("--on", help="The (first) day.")],
    until: Annotated[str | None, typer.Option("--until", help="The last day.")] = None,
    reassign_to: Annotated[str | None, typer.Option(
        "--reassign-to", help="Give the sessions it leaves outside to this mentor "
                              "(conflict-checked, all or none).")] = None,
    json_output: JsonOption = False,
) -> None:
    """Remove the dated windows of a day or days (they follow the weekly pattern again).

    Example:

    - `sessionsctl availability remove ada@example.org --on 2027-03-06`
    """
    state = cli(ctx, json_output)
    first = parse_day(on, state.tz, field="on")
    last = parse_day(until, state.tz, field="until") if until else first
    handing = _handing_on(state, state.centre.calendar.outside_after(
        email, first, last, None), reassign_to) if reassign_to else None
    gone, hit = state.centre.calendar.remove_dated(email, first, last)
    moved = _hand_on(state, handing) if handing else []
    hit = [s for s in hit if s.id not in {m.id for m in moved}]
    if state.json:
        render.emit_json({"removed": gone, "outside": [session_json(s, state.tz) for s in hit],
                          "reassigned": [session_json(s, state.tz) for s in moved]})
        return
    render.out.print(f"Removed {counted(gone, 'dated window')} from {first} to {last}")
    _reassigned(state, moved, handing)
    _flagged(state, email, hit, first, last)


def _reassigned(state: Cli, moved: list[Session],
                handing: tuple[BulkChange, SessionQuery] | None) -> None:
    if moved and handing is not None:
        render.out.print(f"{counted(len(moved), 'session')} reassigned to "
                         f"{handing[0].fields['mentor']}:")
        render.sessions_by_day(moved, state.tz, state.names())
