"""The options the session commands share, declared once: names, types and help texts."""

from __future__ import annotations

from typing import Annotated

import typer

from ..core.domain import rules
from ..core.domain.model import PaymentStatus, SessionType

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
Title = Annotated[str | None, typer.Option("--title", help="What the session is called.")]
Mentor = Annotated[str | None, typer.Option(
    "--mentor", help="The mentor's email or name (e.g. 'Ada Byron').")]
Students = Annotated[list[str] | None, typer.Option(
    "--student", help="A student's email or name; repeat for each student.")]
Room = Annotated[str | None, typer.Option(
    "--room", help="Room name, in any case ('' for none).")]
Subject = Annotated[str | None, typer.Option(
    "--subject", help="Subject name, in any case ('' for none).")]
Start = Annotated[str | None, typer.Option(
    "--start", help="Start, e.g. '2026-12-01 16:00' or 'tomorrow 4pm' (read in --tz unless it "
    "has an offset).")]
End = Annotated[str | None, typer.Option(
    "--end", help="End, e.g. 17:30 (on the start's day), or give --duration.")]
DURATION = f"Length: {rules.LENGTHS}."
Duration = Annotated[int | None, typer.Option("--duration", help=DURATION)]
Tz = Annotated[str | None, typer.Option(
    "--tz", help="Zone the session is booked in (default: the global --tz).")]
Type = Annotated[SessionType | None, typer.Option("--type", help="individual, group or workshop.")]
Location = Annotated[str | None, typer.Option("--location", help="Where, if not a room.")]
Link = Annotated[str | None, typer.Option("--link", help="Online meeting link.")]
Meeting = Annotated[str | None, typer.Option(
    "--meeting", help="jitsi: a new room on Jitsi (readable, unguessable; config jitsi_url for "
                      "your own server); zoom: with --meeting-id (and --passcode).")]
MeetingId = Annotated[str | None, typer.Option("--meeting-id", help="Online meeting id.")]
Passcode = Annotated[str | None, typer.Option("--passcode", help="Online meeting passcode.")]
Max = Annotated[int | None, typer.Option("--max", help="Most students allowed.")]
Description = Annotated[str | None, typer.Option("--description", help="What it covers.")]
Notes = Annotated[str | None, typer.Option("--notes", help="Notes for staff.")]
Cost = Annotated[str | None, typer.Option("--cost", help="Price, e.g. 35.00.")]
Payment = Annotated[PaymentStatus | None, typer.Option("--payment", help="Payment status.")]
Force = Annotated[bool, typer.Option("--force", help="Book despite conflicts (needs --reason).")]
Repeat = Annotated[str | None, typer.Option(
    "--repeat", help="An RFC 5545 rule, e.g. FREQ=WEEKLY;COUNT=12 (EXDATE/RDATE "
                     "lines may follow); books a series.")]
Scope = Annotated[str, typer.Option(
    "--scope", help="For an occurrence of a series: this one, this and the following ones "
                    "(the series is split there), or all (the whole series, every part a "
                    "split made of it included; see series show).")]
Reason = Annotated[str | None, typer.Option("--reason", help="Why the conflicts are overridden.")]
NoNotify = Annotated[bool, typer.Option(
    "--no-notify", help="Email nobody about this change (no notices are queued).")]
Past = Annotated[bool, typer.Option(
    "--past", help="Book (or move) it on a day before today: recording a session held. "
    "Nobody is mailed about it.")]
