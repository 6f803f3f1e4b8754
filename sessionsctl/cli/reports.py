"""`report` commands."""

from __future__ import annotations

import typer

report_app = typer.Typer(help="Attendance, completion and mentor reports.", no_args_is_help=True)
