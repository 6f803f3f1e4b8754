"""The `sessionsctl` command: global options, command groups, and one error handler."""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from .. import __version__, config
from ..core.domain.errors import SessionsctlError
from . import render
from .context import Cli


def _framework(exc: Exception) -> bool:
    """Usage errors and exits of Typer/Click, which they report themselves (exit 2 for usage)."""
    return type(exc).__module__.split(".")[0] in ("typer", "click")


PIPE_CLOSED = 141  # what a shell reports for a program stopped by SIGPIPE (128 + 13)


def _drop_stdout() -> None:
    """Point standard output at /dev/null, so the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


_BOUNDS = {"greater_than_equal": ("ge", "at least"), "less_than_equal": ("le", "at most"),
           "greater_than": ("gt", "more than"), "less_than": ("lt", "less than")}


def _in_plain_words(exc: Exception) -> None:
    """Say a value Typer could not read in plain words ("'sixty' is not a whole number"), not
    in its validator's ("Input should be a valid integer, unable to parse string as ...")."""
    errors = getattr(exc.__cause__, "errors", None)
    if not callable(errors) or not hasattr(exc, "message"):
        return
    first = (errors() or [{}])[0]
    kind, given, msg = first.get("type", ""), first.get("input"), str(first.get("msg", ""))
    if kind.startswith("int_"):
        exc.message = f"{given!r} is not a whole number"
    elif kind.startswith("float_"):
        exc.message = f"{given!r} is not a number"
    elif kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        exc.message = f"must be {words} {first.get('ctx', {}).get(key)}, not {given}"
    elif kind == "value_error":
        exc.message = msg.removeprefix("Value error, ")


class _Root(TyperGroup):
    """Turns errors into the exit codes of docs/CLI.md, never a traceback for a user mistake."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except SessionsctlError as exc:
            state: Cli | None = ctx.obj
            tz = None
            if state is not None:
                try:
                    tz = state.tz
                except SessionsctlError:
                    pass
            render.error(exc, tz, bool(state and state.json))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            render.err.print("interrupted; nothing more was written")
            raise typer.Exit(130) from None
        except BrokenPipeError:  # the reader went away (`| head`): stop quietly, as Unix tools do
            _drop_stdout()
            raise typer.Exit(PIPE_CLOSED) from None
        except Exception as exc:  # a bug or an unreachable database: exit 1, say what
            if _framework(exc):
                _in_plain_words(exc)
                raise
            if os.environ.get("SESSIONSCTL_DEBUG"):
                raise
            render.err.print(f"[red]unexpected error:[/] {type(exc).__name__}: {exc}",
                             markup=True, highlight=False)
            render.err.print("(set SESSIONSCTL_DEBUG=1 to see the traceback)", style="dim")
            raise typer.Exit(1) from None
        finally:
            if isinstance(ctx.obj, Cli):
                ctx.obj.close()


def _flags_show_no_type() -> None:
    """Help pages list a flag (``--json``, ``--yes``) without a ``<bool>`` type: it takes no
    value. Typer shows the type of every option; a flag's is left out here, once."""
    from typer.core import TyperOption

    typed = TyperOption.display_type_rich

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        if getattr(self, "is_flag", False) and not getattr(self, "count", False):
            return None
        return typed(self, ctx)

    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flags_show_no_type()

if os.environ.get("NO_COLOR"):
    import typer.rich_utils  # help pages are drawn by Typer's own console

    typer.rich_utils.COLOR_SYSTEM = None

app = typer.Typer(
    cls=_Root,
    name="sessionsctl",
    help="Run a tutoring centre's sessions: people, rooms, bookings, attendance.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",  # docstrings are wrapped text: their single line breaks joined
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sessionsctl {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option(
        "--db", envvar="SESSIONSCTL_DB", show_envvar=True,
        help="Database URL (sqlite:///path.db or postgresql+psycopg://user@host/db). "
             "Default: a SQLite file in your data directory.")] = None,
    actor: Annotated[str | None, typer.Option(
        "--as", envvar="SESSIONSCTL_USER", show_envvar=True,
        help="Email of the acting person; their role decides what they may do.")] = None,
    tz: Annotated[str | None, typer.Option(
        "--tz", envvar="SESSIONSCTL_TZ", show_envvar=True,
        help="Time zone times are read and shown in (default: the system's).")] = None,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    ctx.obj = Cli(config.load(db=db, user=actor, tz=tz))


def _register() -> None:
    from . import (
        access,
        attendance,
        calendar,
        exchange,
        mail,
        people,
        reports,
        series,
        sessions,
        setup,
        upkeep,  # noqa: F401  (its commands join the person, room, subject, term, closure groups)
    )

    app.command("init", rich_help_panel="Setup")(setup.init)
    app.command("where", rich_help_panel="Setup")(setup.where)
    app.add_typer(people.person_app, name="person", rich_help_panel="Centre")
    app.add_typer(people.room_app, name="room", rich_help_panel="Centre")
    app.add_typer(people.subject_app, name="subject", rich_help_panel="Centre")
    app.add_typer(sessions.app, name="session", rich_help_panel="Sessions")
    app.add_typer(series.app, name="series", rich_help_panel="Sessions")
    app.add_typer(attendance.attendance_app, name="attendance", rich_help_panel="Sessions")
    app.add_typer(attendance.feedback_app, name="feedback", rich_help_panel="Sessions")
    app.add_typer(calendar.term_app, name="term", rich_help_panel="Calendar")
    app.add_typer(calendar.closure_app, name="closure", rich_help_panel="Calendar")
    app.add_typer(calendar.availability_app, name="availability", rich_help_panel="Calendar")
    app.add_typer(exchange.import_app, name="import", rich_help_panel="Exchange")
    app.add_typer(exchange.export_app, name="export", rich_help_panel="Exchange")
    app.add_typer(mail.mail_app, name="mail", rich_help_panel="Mail")
    app.add_typer(mail.reminders_app, name="reminders", rich_help_panel="Mail")
    app.add_typer(reports.report_app, name="report", rich_help_panel="Reports")
    from .courses import course_app
    app.add_typer(course_app, name="course", rich_help_panel="Centre")
    app.add_typer(access.access_app, name="access", rich_help_panel="Setup")
    from .audit import audit_app, lock_app
    app.add_typer(audit_app, name="audit", rich_help_panel="Centre")
    app.add_typer(lock_app, name="lock", rich_help_panel="Calendar")
    app.command("tui", rich_help_panel="Sessions")(_tui)


def _tui(ctx: typer.Context) -> None:
    """Open the front desk: calendar, session list, booking and attendance (full screen).

    Examples:

    - `sessionsctl tui`
    - `sessionsctl --db postgresql+psycopg://desk@db.example.org/centre tui`
    """
    state: Cli = ctx.obj
    _ = state.tz  # an unknown --tz is refused before the screen opens
    # Imported here only, so Textual loads for this command alone. The one import from the
    # command line into the TUI is this launch (pyproject.toml lets it past import-linter).
    from ..tui.app import run

    run(state.centre, state.settings)


_register()


def main() -> None:
    try:
        app(prog_name="sessionsctl")
    except BrokenPipeError:  # on the last flush, after the command had finished
        _drop_stdout()
        sys.exit(PIPE_CLOSED)


if __name__ == "__main__":
    sys.exit(main())
