"""`init` and `where`: create the database, load the demo centre, show what is in use."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Annotated

import typer

from ..core.domain.errors import SessionsctlError
from . import render
from .context import Cli, cli


def init(
    ctx: typer.Context,
    demo: Annotated[bool, typer.Option("--demo", help="Load a sample centre: mentors, students, "
                                       "rooms and a term of lessons around today.")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create the database (or migrate it to the newest schema); --demo loads sample data.

    Examples:

    - `sessionsctl init`
    - `sessionsctl init --demo`
    """
    state = cli(ctx, json_output)
    # Setting up is the local operator's job: a configured acting person may not exist yet.
    state.settings = replace(state.settings, user=None)
    centre = state.centre
    url = centre.store.url
    summary = None
    skipped = None
    if demo and centre.people.list_people():
        # Run twice (the README's setup line again): the centre there is kept as it is.
        skipped = "the database already has people in it: the demo was not loaded again"
        render.err.print(f"{skipped} (for a fresh demo, choose another database with --db)")
    elif demo:
        from ..demo import load_demo

        with render.err.status("Loading the demo centre…"):
            summary = load_demo(centre, today=datetime.now(state.tz).date(), tz=state.tz_name)
    from ..wiring import database_label

    if state.json:
        render.emit_json({"db": database_label(url),
                          "demo": summary.as_dict() if summary is not None else None,
                          "demo_skipped": skipped})
        return
    render.out.print(f"Database ready: {database_label(url)}")
    if summary is not None:
        render.out.print(f"Demo centre loaded: {summary.describe()}")
        render.out.print("Try: sessionsctl session list   (this week's sessions)")


def where(ctx: typer.Context,
          json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Show the database, acting person, time zone and config file in use.

    Example:

    - `sessionsctl where --json`
    """
    from ..config import config_path
    from ..wiring import database_in_use

    state = cli(ctx, json_output)
    info = {
        "db": database_in_use(state.settings),
        "as": state.settings.user, "tz": state.tz_name,
        "config": str(config_path()), "config_read": state.settings.source is not None,
        "acting": _acting(state),
    }
    if state.json:
        render.emit_json(info)
        return
    for key, value in info.items():
        render.out.print(f"{key:>12}: {value if value is not None else '-'}")


def _acting(state: Cli) -> str | None:
    """Who the program acts as here: the person bound to this login (or whom an admin acts
    as), "operator" while no admin is bound, or what stops it (an unreachable database)."""
    try:
        person = state.centre.people.whoami()
    except SessionsctlError as exc:
        return f"unknown ({exc})"
    if person is None:
        return "operator (an admin's rights until an admin has a login)"
    if not person.email:
        return f"{person.name} (a login bound to nobody: read only)"
    return f"{person.label}, {person.role.value}"
