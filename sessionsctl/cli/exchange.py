"""`import`, `export` commands."""

from __future__ import annotations

import typer

import_app = typer.Typer(help="Bring sessions in from CSV or iCalendar files.", no_args_is_help=True)
export_app = typer.Typer(help="Write sessions out as CSV or iCalendar.", no_args_is_help=True)
