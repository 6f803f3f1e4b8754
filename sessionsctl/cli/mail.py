"""`mail`, `reminders` commands."""

from __future__ import annotations

import typer

mail_app = typer.Typer(help="Templated email: the outbox, previews, tests and bulk messages.", no_args_is_help=True)
reminders_app = typer.Typer(help="Session reminders by email, for cron.", no_args_is_help=True)
