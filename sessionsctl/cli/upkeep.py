"""Correcting and retiring: `person edit|deactivate`, `room edit|retire`, `subject edit|retire`,
`term remove`, `closure remove` (registered on the groups of people.py and calendar.py)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..core.domain.errors import InvalidInput
from ..core.domain.model import Person, Role
from ..core.domain.serialize import person_json, record, room_json, subject_json
from ..core.domain.timeutil import parse_day
from . import render
from .calendar import closure_app, term_app
from .context import cli
from .people import JsonOption, person_app, room_app, subject_app

Active = Annotated[bool | None, typer.Option(
    "--active/--inactive", help="Back in use (--active), or out of use (--inactive).",
    show_default=False)]


@person_app.command("edit")
def person_edit(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="Their email or name.")],
    name: Annotated[str | None, typer.Option("--name", help="Full name.")] = None,
    email: Annotated[str | None, typer.Option(
        "--email", help="A corrected email (their sessions and series follow).")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="Their time zone ('' for none).")] = None,
    role: Annotated[Role | None, typer.Option(
        "--role", help="admin, staff, enrolment (an enrolment manager), mentor or student.")
                    ] = None,
    active: Active = None,
    login: Annotated[str | None, typer.Option(
        "--login", help="The database role (PostgreSQL) or system user (SQLite) they act as "
                        "('' unbinds); admins only.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Correct a person's name, email, zone or role; `--active` takes a deactivated one back;
    `--login` binds them to the login they run the program as.

    Examples:

    - `sessionsctl person edit ada@exmaple.org --email ada@example.org`
    - `sessionsctl person edit ada@example.org --login ada`
    """
    state = cli(ctx, json_output)
    changed = state.centre.upkeep.edit_person(person, name=name, email=email, tz=tz, role=role,
                                              active=active, login=login)
    _said(state.json, person_json(changed), f"{changed.label}: {_person_state(changed)}")


@person_app.command("deactivate")
def person_deactivate(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="Their email or name.")],
    json_output: JsonOption = False,
) -> None:
    """Take a person out of use: kept on their past sessions, never booked again (refused
    while sessions to come or an open-ended series still name them).

    Example:

    - `sessionsctl person deactivate "Sam Lee"`
    """
    state = cli(ctx, json_output)
    changed = state.centre.upkeep.edit_person(person, active=False)
    _said(state.json, person_json(changed), f"{changed.label}: {_person_state(changed)}")


@person_app.command("export")
def person_export(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="Their email or name.")],
    json_output: Annotated[bool, typer.Option(
        "--json", help="Print JSON (what this command always prints).")] = True,
) -> None:
    """Everything held about a person, as JSON: their details, sessions (as they would see
    them), marks, feedback, availability, time off, mail and the changes they made (a
    data-subject request; staff for mentors and students, admins for anyone, each person for
    themselves).

    Example:

    - `sessionsctl person export sam@example.org`
    """
    state = cli(ctx, True)
    render.emit_json(state.centre.privacy.export(person))


@person_app.command("erase")
def person_erase(
    ctx: typer.Context,
    person: Annotated[str, typer.Argument(help="Their email or name.")],
    cancel_future: Annotated[bool, typer.Option(
        "--cancel-future", help="Cancel the sessions to come they mentor and take them off "
                                "those they attend, first.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Erase without asking.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Erase a person's personal data: name and email replaced by an anonymous stand-in
    everywhere, notes, comments, availability, time off and mail dropped; their sessions,
    marks and ratings still count. Cannot be undone.

    Example:

    - `sessionsctl person erase sam@example.org --cancel-future --yes`
    """
    state = cli(ctx, json_output)
    if not yes:
        if not sys.stdin.isatty():
            raise InvalidInput("erasing cannot be undone: add --yes to confirm", field="--yes")
        typer.confirm(f"Erase {person}'s personal data? This cannot be undone.", abort=True,
                      err=True)
    erased = state.centre.privacy.erase(person, cancel_future=cancel_future)
    payload = {**person_json(erased.person), "cancelled": erased.cancelled,
               "left": erased.left, "audit_rewritten": erased.audit_rewritten}
    _said(state.json, payload, f"Erased: now {erased.person.name} <{erased.person.email}>; "
          f"{erased.cancelled} sessions cancelled, taken off {erased.left}, "
          f"{erased.audit_rewritten} audit records rewritten.")


@room_app.command("edit")
def room_edit(
    ctx: typer.Context,
    room: Annotated[str, typer.Argument(help="The room, in any case.")],
    name: Annotated[str | None, typer.Option("--name", help="Its new name.")] = None,
    capacity: Annotated[int | None, typer.Option("--capacity", help="Seats for students.")
                        ] = None,
    active: Active = None,
    json_output: JsonOption = False,
) -> None:
    """Rename a room or set its seats; `--active` brings a retired room back.

    Example:

    - `sessionsctl room edit "newton room" --name "Newton Lab" --capacity 8`
    """
    state = cli(ctx, json_output)
    changed = state.centre.upkeep.edit_room(room, name=name, capacity=capacity, active=active)
    _said(state.json, room_json(changed), f"Room {changed.name}: {_in_use(changed.active)}")


@room_app.command("retire")
def room_retire(
    ctx: typer.Context,
    room: Annotated[str, typer.Argument(help="The room, in any case.")],
    json_output: JsonOption = False,
) -> None:
    """Retire a room: kept on past sessions, never booked again (refused while sessions to
    come or an open-ended series still use it).

    Example:

    - `sessionsctl room retire "Study Room 3"`
    """
    state = cli(ctx, json_output)
    changed = state.centre.upkeep.edit_room(room, active=False)
    _said(state.json, room_json(changed), f"Room {changed.name}: {_in_use(changed.active)}")


@subject_app.command("edit")
def subject_edit(
    ctx: typer.Context,
    subject: Annotated[str, typer.Argument(help="The subject, in any case.")],
    name: Annotated[str | None, typer.Option("--name", help="Its new name.")] = None,
    active: Active = None,
    json_output: JsonOption = False,
) -> None:
    """Rename a subject; `--active` brings a retired subject back.

    Example:

    - `sessionsctl subject edit maths --name Mathematics`
    """
    state = cli(ctx, json_output)
    changed = state.centre.upkeep.edit_subject(subject, name=name, active=active)
    _said(state.json, subject_json(changed),
          f"Subject {changed.name}: {_in_use(changed.active)}")


@subject_app.command("retire")
def subject_retire(
    ctx: typer.Context,
    subject: Annotated[str, typer.Argument(help="The subject, in any case.")],
    json_output: JsonOption = False,
) -> None:
    """Retire a subject: kept on past sessions, never booked again.

    Example:

    - `sessionsctl subject retire Latin`
    """
    state = cli(ctx, json_output)
    changed = state.centre.upkeep.edit_subject(subject, active=False)
    _said(state.json, subject_json(changed),
          f"Subject {changed.name}: {_in_use(changed.active)}")


@term_app.command("remove")
def term_remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The term's name.")],
    json_output: JsonOption = False,
) -> None:
    """Remove a term (series booked within it keep their dates).

    Example:

    - `sessionsctl term remove "Spring 2027"`
    """
    state = cli(ctx, json_output)
    term = state.centre.calendar.remove_term(name)
    _said(state.json, record(term), f"Removed term {term.name} ({term.starts_on} to "
                                    f"{term.ends_on})")


@closure_app.command("remove")
def closure_remove(
    ctx: typer.Context,
    day: Annotated[str, typer.Argument(help="A day the closure covers.")],
    closure_id: Annotated[int | None, typer.Option(
        "--id", help="Which, where several closures cover DAY (closure list shows ids).")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Open the centre again: the closure that covers DAY is removed, all its days (where
    several do, --id says which).

    Example:

    - `sessionsctl closure remove 2027-02-15`
    """
    state = cli(ctx, json_output)
    removed = state.centre.calendar.remove_closure(parse_day(day, state.tz, field="day"),
                                                   closure_id)
    if state.json:
        render.emit_json([record(c) for c in removed])
        return
    for c in removed:
        render.out.print(f"Removed the closure {c.starts_on} to {c.ends_on} ({c.reason})")


def _said(json_output: bool, payload: object, text: str) -> None:
    if json_output:
        render.emit_json(payload)
    else:
        render.out.print(text, highlight=False)


def _in_use(active: bool) -> str:
    return "in use" if active else "retired (kept for history, not bookable)"


def _person_state(person: Person) -> str:
    return f"{person.role.value}, " + (
        "active" if person.active else "deactivated (kept for history, not bookable)")
