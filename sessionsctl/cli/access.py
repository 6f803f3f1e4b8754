"""`access sync` and `access show`: who is bound to which login, enforced by the database."""

from __future__ import annotations

from typing import Annotated

import typer

from ..core.identity import Binding
from . import render
from .context import cli

access_app = typer.Typer(help="Logins, and the database's enforcement of who sees what.",
                         no_args_is_help=True)
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _json(b: Binding) -> dict[str, object]:
    return {"login": b.person.login, "email": b.person.email, "name": b.person.name,
            "role": b.person.role.value, "group": b.group or None, "created": b.created}


@access_app.command("sync")
def sync(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Set up PostgreSQL's roles, grants and row-level security, and put each bound person's
    login in their role's group (admins; safe to run again, and again after an upgrade).

    Example:

    - `sessionsctl --db postgresql+psycopg://owner@db.example.org/centre access sync`
    """
    state = cli(ctx, json_output)
    done = state.centre.access.sync()
    if state.json:
        render.emit_json([_json(b) for b in done])
        return
    for b in done:
        made = " (login role created)" if b.created else ""
        render.out.print(f"{b.person.login}: {b.group}{made} — {b.person.label}", highlight=False)
    render.out.print(f"Roles, grants and policies are set up; {len(done)} bound "
                     f"login{'' if len(done) == 1 else 's'}.", style="dim")


@access_app.command("show")
def show(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Who is bound to which login, and the database group the login is in.

    Example:

    - `sessionsctl access show --json`
    """
    state = cli(ctx, json_output)
    bound = state.centre.access.show()
    render.listing(state.json, bound, _json, ("Login", "Person", "Role", "Database group"),
                   lambda b: (b.person.login, b.person.label, b.person.role.value,
                              b.group or "-"),
                   empty="No person is bound to a login (person edit EMAIL --login NAME).")
