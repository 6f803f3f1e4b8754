"""The `sessionsctl` command: global options, command groups, and one error handler."""

from __future__ import annotations

import copy
import os
import re
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from .. import __version__, config
from ..core.domain.errors import InvalidInput, SessionsctlError

if TYPE_CHECKING:
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


_NOT_READ = re.compile(r"(?P<given>.*) is not a valid (?P<kind>int|integer|float)\.?", re.S)
_OUT_OF_RANGE = re.compile(r"(?P<given>.*) is not in the range (?P<range>.*?)\.?", re.S)
_BOUND = re.compile(r"(?:(?P<low>[-\d.]+)(?P<lop><=?))?x(?:(?P<op>[<>]=?)(?P<n>[-\d.]+))?")
_BOUND_WORDS = {">=": "at least", ">": "more than", "<=": "at most", "<": "less than"}


def _in_plain_words(exc: Exception) -> None:
    """Say a value Typer could not read in plain words ("'sixty' is not a whole number",
    "must be at least 0, not -3"), not in its parser's ("is not a valid int", "is not in the
    range x>=0")."""
    message = getattr(exc, "message", None)
    if not isinstance(message, str):
        return
    if (found := _NOT_READ.fullmatch(message)) is not None:
        what = "a number" if found["kind"] == "float" else "a whole number"
        exc.message = f"{found['given']} is not {what}"  # type: ignore[attr-defined]
    elif (found := _OUT_OF_RANGE.fullmatch(message)) is not None:
        bound = _BOUND.fullmatch(found["range"].strip())
        if bound is None:
            return
        if bound["low"] is not None and bound["n"] is not None:
            words = f"from {bound['low']} to {bound['n']}"
        elif bound["n"] is not None:
            words = f"{_BOUND_WORDS[bound['op']]} {bound['n']}"
        else:
            return
        exc.message = f"must be {words}, not {found['given']}"  # type: ignore[attr-defined]


class _Root(TyperGroup):
    """Turns errors into the exit codes of docs/CLI.md, never a traceback for a user mistake."""

    def invoke(self, ctx: Any) -> Any:
        # The error paths print through rich; a help page or a bad command name never loads it.
        try:
            done = super().invoke(ctx)
            hint = getattr(ctx.obj, "unbound_hint", None)
            said = hint() if hint is not None else None
            if said:
                from . import render

                render.err.print(f"note: {said}", highlight=False, markup=False)
            return done
        except SessionsctlError as exc:
            from . import render

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
            from . import render

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
            from . import render

            render.err.print(f"[red]unexpected error:[/] {type(exc).__name__}: {exc}",
                             markup=True, highlight=False)
            render.err.print("(set SESSIONSCTL_DEBUG=1 to see the traceback)", style="dim")
            raise typer.Exit(1) from None
        finally:
            close = getattr(ctx.obj, "close", None)  # the command's Cli state, when it ran
            if close is not None:
                close()


if os.environ.get("NO_COLOR"):
    import typer.rich_utils  # help pages are drawn by Typer's own console

    typer.rich_utils.COLOR_SYSTEM = None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sessionsctl {__version__}")
        raise typer.Exit()


def root(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option(
        "--db", envvar="SESSIONSCTL_DB", show_envvar=True,
        help="Database URL (sqlite:///path.db or postgresql+psycopg://user@host/db). "
             "Default: a SQLite file in your data directory.")] = None,
    actor: Annotated[str | None, typer.Option(
        "--as", envvar="SESSIONSCTL_USER", show_envvar=True,
        help="Act as this person (email or name): anyone while no admin has a login, then "
             "admins only. Otherwise you act as the person bound to your login.")] = None,
    tz: Annotated[str | None, typer.Option(
        "--tz", envvar="SESSIONSCTL_TZ", show_envvar=True,
        help="Time zone times are read and shown in (default: the system's).")] = None,
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version.")] = False,
) -> None:
    from .context import Cli

    ctx.obj = Cli(config.load(db=db, user=actor, tz=tz))


# Every command and command group, in the order help lists them: (name, modules, attribute,
# help panel, the line help gives it). A command line that names one loads that one's modules
# alone (and with them what they need of the core); the whole command (``app``) loads them all,
# and a line naming none (help, or a name that is no command) loads none: its page is drawn
# from the lines here, which a test holds equal to the whole command's page. Help lists the
# plain commands (init, where, tui) before the groups, so they come first here too. A group's
# commands may live in several modules (the first holds the group; the others add theirs).
_COMMANDS: tuple[tuple[str, str, str, str, str], ...] = (
    ("init", "setup", "init", "Setup",
     "Create the database (or migrate it to the newest schema); --demo loads sample data."),
    ("where", "setup", "where", "Setup",
     "Show the database, acting person, time zone and config file in use."),
    ("tui", "", "", "Sessions",
     "Open the front desk: calendar, session list, booking and attendance (full screen)."),
    ("restore", "backups", "restore", "Setup",
     "Restore a backup into the database --db names (the default one without it)."),
    ("access", "access", "access_app", "Setup",
     "Logins, and the database's enforcement of who sees what."),
    ("backup", "backups", "backup_app", "Setup", "Back up the whole database; check a backup."),
    ("archive", "archive", "archive_app", "Setup",
     "Move old sessions out of the working tables into the archive; restore them."),
    ("person", "people upkeep", "person_app", "Centre",
     "People: admins, staff, mentors and students."),
    ("room", "people upkeep", "room_app", "Centre", "Rooms and their capacity."),
    ("subject", "people upkeep", "subject_app", "Centre", "Subjects taught."),
    ("session", "sessions session_show roster closing recordings", "app", "Sessions",
     "Book, list, change and close sessions."),
    ("series", "series", "app", "Sessions", "Recurring series of sessions."),
    ("attendance", "attendance absences recordings", "attendance_app", "Sessions", "Who came to a session."),
    ("feedback", "attendance feedback_list", "feedback_app", "Sessions",
     "Ratings and comments on sessions."),
    ("material", "materials", "material_app", "Sessions",
     "Files and links of a session (kept inside the database)."),
    ("request", "requests", "request_app", "Sessions",
     "Mentorship requests: students ask, mentors claim and schedule."),
    ("invite", "invitations", "invite_app", "Sessions",
     "Invitations to a session by mail, with single-use tokens."),
    ("term", "calendar upkeep", "term_app", "Calendar",
     "Named terms, so a series can run for a term."),
    ("closure", "calendar upkeep", "closure_app", "Calendar", "Days the centre is closed."),
    ("availability", "calendar", "availability_app", "Calendar",
     "When mentors can teach, and their time off."),
    ("import", "exchange", "import_app", "Exchange",
     "Bring sessions in from CSV or iCalendar files."),
    ("export", "exchange", "export_app", "Exchange", "Write sessions out as CSV or iCalendar."),
    ("sync", "sync", "sync_app", "Exchange", "Keep calendars elsewhere in step with the sessions."),
    ("mail", "mail", "mail_app", "Mail",
     "Templated email: the outbox, previews, tests and bulk messages."),
    ("reminders", "mail", "reminders_app", "Mail", "Session reminders by email, for cron."),
    ("report", "reports", "report_app", "Reports", "Attendance, completion and mentor reports."),
    ("course", "courses", "course_app", "Centre", "Courses, their batches and enrolments."),
    ("audit", "audit", "audit_app", "Centre",
     "Who changed what, when and as whom; undo one change."),
    ("lock", "audit", "lock_app", "Calendar",
     "The calendar lock: sessions and marks before a day are frozen to everyone but admins."),
    ("rate", "billing", "rate_app", "Money",
     "Charge rates (students, courses, subjects) and mentors' pay rates."),
    ("billing", "billing", "billing_app", "Money",
     "What is charged: billable sessions and their amounts."),
    ("payment", "billing", "payment_app", "Money", "Record sessions as paid or waived."),
    ("invoice", "invoices", "invoice_app", "Money",
     "Numbered invoices for students, as HTML and PDF."),
    ("payroll", "invoices", "payroll_app", "Money", "Mentors' hours and pay."),
)
# The global options that take a value: what comes after them is not a command's name.
_VALUED = frozenset(("--db", "--as", "--tz"))


def build(names: Iterable[str] | None = None, *, listed: bool = False,
          then: str | None = None) -> typer.Typer:
    """The ``sessionsctl`` command with the commands ``names`` (all of them for None); with
    ``listed``, each only as its line in the help page, no module loaded. A group's command
    named by ``then`` (the word after the group's name) is the one of the group built, and
    the group's modules are loaded only up to the one that adds it: Typer reads every
    command's signature as it builds it (a group of twenty in 25 ms)."""
    import importlib

    wanted = None if names is None else set(names)
    cli = typer.Typer(
        cls=_Root,
        name="sessionsctl",
        help="Run a tutoring centre's sessions: people, rooms, bookings, attendance.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        rich_markup_mode="markdown",  # docstrings are wrapped text: their single line breaks joined
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    cli.callback()(root)
    for name, module, attribute, panel, line in _COMMANDS:
        if wanted is not None and name not in wanted:
            continue
        if listed:
            cli.command(name, help=line, rich_help_panel=panel)(_listed)
            continue
        if name == "tui":
            cli.command("tui", rich_help_panel=panel)(_tui)
            continue
        first, *more = module.split()
        found = getattr(importlib.import_module(f"{__package__}.{first}"), attribute)
        for other in more:  # the group's other modules, up to the one with the command named
            if isinstance(found, typer.Typer) and _narrowed(found, then) is not found:
                break
            importlib.import_module(f"{__package__}.{other}")
        if isinstance(found, typer.Typer):
            cli.add_typer(_narrowed(found, then), name=name, rich_help_panel=panel)
        else:
            cli.command(name, rich_help_panel=panel)(found)
    return cli


def _narrowed(group: typer.Typer, name: str | None) -> typer.Typer:
    """``group`` with only its command ``name``, when it has one command of that name and no
    subgroup (a word that names none, and help, get the whole group)."""
    if name is None or any(g.name == name for g in group.registered_groups):
        return group
    chosen = [c for c in group.registered_commands
              if (c.name or typer.main.get_command_name(getattr(c.callback, "__name__", "")))
              == name]
    if len(chosen) != 1:
        return group
    narrow = copy.copy(group)
    narrow.registered_commands = chosen
    return narrow


def named(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names (its first word after the global options), if it is one."""
    return _words(argv)[0]


def _words(argv: Sequence[str]) -> tuple[str | None, str | None]:
    """The command ``argv`` names, if it is one, and the word right after it (a group's
    command), if that is no option."""
    words = iter(argv)
    for word in words:
        if word in _VALUED:
            next(words, None)
        elif not word.startswith("-"):
            if not any(word == c[0] for c in _COMMANDS):
                return None, None
            then = next(words, None)
            return word, then if then is not None and not then.startswith("-") else None
        elif word in ("-h", "--help"):
            return None, None
    return None, None


def _listed() -> None:
    """A command named in the help page alone: never run (a line naming it builds it)."""


def _tui(ctx: typer.Context) -> None:
    """Open the front desk: calendar, session list, booking and attendance (full screen).

    Examples:

    - `sessionsctl tui`
    - `sessionsctl --db postgresql+psycopg://desk@db.example.org/centre tui`
    """
    state: Cli = ctx.obj
    _ = state.tz  # an unknown --tz is refused before the screen opens
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # Without a terminal the screen can neither be drawn nor read keys: it would wait
        # for ever, writing escape codes into a file or a pipe.
        raise InvalidInput("the front desk needs a terminal, and its input or output is "
                           "redirected here; scripts use the other commands (--help lists "
                           "them)")
    # Imported here only, so Textual loads for this command alone. The one import from the
    # command line into the TUI is this launch (pyproject.toml lets it past import-linter).
    from ..tui.app import run

    run(state.centre, state.settings)


def __getattr__(name: str) -> typer.Typer:
    if name == "app":  # the whole command, for tests and tools that import it
        whole = globals()["app"] = build()
        return whole
    raise AttributeError(name)


def main() -> None:
    argv = sys.argv[1:]
    command, then = _words(argv)
    try:
        if command is None:  # a help page, or a word that names no command
            build(listed=True)(prog_name="sessionsctl")
        else:
            build([command], then=then)(prog_name="sessionsctl")
    except BrokenPipeError:  # on the last flush, after the command had finished
        _drop_stdout()
        sys.exit(PIPE_CLOSED)


if __name__ == "__main__":
    sys.exit(main())
