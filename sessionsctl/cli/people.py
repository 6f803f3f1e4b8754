"""`person`, `room` and `subject` commands."""

from __future__ import annotations

from typing import Annotated

import typer

from ..core.domain.model import Role
from ..core.domain.serialize import person_json, room_json, subject_json
from ..core.domain.words import counted
from . import render
from .context import cli

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]

person_app = typer.Typer(help="People: admins, staff, mentors and students.", no_args_is_help=True)
room_app = typer.Typer(help="Rooms and their capacity.", no_args_is_help=True)
subject_app = typer.Typer(help="Subjects taught.", no_args_is_help=True)


@person_app.command("add")
def person_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Option("--name", help="Full name.")],
    email: Annotated[str, typer.Option("--email", help="Email address (unique).")],
    role: Annotated[Role, typer.Option(
        "--role", help="admin, staff, enrolment (an enrolment manager), mentor or student.")],
    tz: Annotated[str | None, typer.Option("--tz", help="Their time zone (IANA name).")] = None,
    json_output: JsonOption = False,
) -> None:
    """Register a person.

    Example:

    - `sessionsctl person add --name "Ada Byron" --email ada@example.org --role mentor`
    """
    state = cli(ctx, json_output)
    person = state.centre.people.add_person(name, email, role, tz)
    if state.json:
        render.emit_json(person_json(person))
    else:
        render.out.print(f"Added {person.role.value} {person.name} <{person.email}> (#{person.id})")


@person_app.command("list")
def person_list(
    ctx: typer.Context,
    role: Annotated[Role | None, typer.Option("--role", help="Only this role.")] = None,
    everyone: Annotated[bool, typer.Option("--all", help="Deactivated people too.")] = False,
    json_output: JsonOption = False,
) -> None:
    """List people (the active ones; --all adds those deactivated).

    Example:

    - `sessionsctl person list --role student --json`
    """
    state = cli(ctx, json_output)
    people = state.centre.people.list_people(role, inactive=everyone)
    render.listing(state.json, people, person_json, ("ID", "Name", "Email", "Role", "Time zone"),
                   lambda p: (p.id, p.name, p.email,
                              p.role.value + ("" if p.active else " (deactivated)"), p.tz or ""),
                   empty=f"No people with role {role.value}." if role else "No people.")
    if people and not state.json:
        render.out.print(counted(len(people), "person"), style="dim")


@room_app.command("add")
def room_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Room name.")],
    capacity: Annotated[int | None, typer.Option("--capacity", help="Seats for students.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Add a room.

    Example:

    - `sessionsctl room add "Newton Room" --capacity 6`
    """
    state = cli(ctx, json_output)
    room = state.centre.people.add_room(name, capacity)
    if state.json:
        render.emit_json(room_json(room))
    else:
        seats = f", {room.capacity} seats" if room.capacity is not None else ""
        render.out.print(f"Added room {room.name} (#{room.id}{seats})")


@room_app.command("list")
def room_list(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """List rooms.

    Example:

    - `sessionsctl room list`
    """
    state = cli(ctx, json_output)
    render.listing(state.json, state.centre.people.list_rooms(), room_json, ("ID", "Room", "Seats"),
                   lambda r: (r.id, r.name + ("" if r.active else " (retired)"), r.capacity or ""),
                   empty="No rooms.")


@subject_app.command("add")
def subject_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Subject name.")],
    json_output: JsonOption = False,
) -> None:
    """Add a subject.

    Example:

    - `sessionsctl subject add Mathematics`
    """
    state = cli(ctx, json_output)
    subject = state.centre.people.add_subject(name)
    if state.json:
        render.emit_json(subject_json(subject))
    else:
        render.out.print(f"Added subject {subject.name} (#{subject.id})")


@subject_app.command("list")
def subject_list(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """List subjects.

    Example:

    - `sessionsctl subject list --json`
    """
    state = cli(ctx, json_output)
    render.listing(state.json, state.centre.people.list_subjects(), subject_json, ("ID", "Subject"),
                   lambda s: (s.id, s.name + ("" if s.active else " (retired)")),
                   empty="No subjects.")
