"""`mail`, `reminders` commands."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.console import Console

from ..core.domain.errors import InvalidInput
from ..core.domain.timeutil import iso
from ..core.domain.words import counted
from ..core.mail.notices import OutboxMessage, OutboxStatus, parse_duration
from ..core.mail.sender import SendReport
from ..core.mail.service import BULK_CONFIRM, MAX_AHEAD
from . import render
from .context import Cli, cli

mail_app = typer.Typer(help="Templated email: the outbox, previews, tests and bulk messages.",
                       no_args_is_help=True)
reminders_app = typer.Typer(help="Session reminders by email, for cron.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _message_json(m: OutboxMessage, state: Cli) -> dict[str, Any]:
    return {"id": m.id, "kind": m.kind.value, "template": m.template, "recipient": m.recipient,
            "session_id": m.session_id, "start": iso(m.start, state.tz),
            "status": m.status.value, "attempts": m.attempts,
            "next_attempt_at": iso(m.next_attempt_at, state.tz), "error": m.last_error,
            "created_at": iso(m.created_at, state.tz), "sent_at": iso(m.sent_at, state.tz)}


def _report_json(report: SendReport) -> dict[str, Any]:
    return {"sent": report.sent, "released": report.released,
            "failed": [{"id": m.id, "recipient": m.recipient, "error": e}
                       for m, e in report.failed],
            "retrying": [{"id": m.id, "recipient": m.recipient, "error": e}
                         for m, e in report.retrying],
            "skipped": [{"id": m.id, "recipient": m.recipient, "reason": e}
                        for m, e in report.skipped],
            "unreachable": report.unreachable}


def _show_report(state: Cli, report: SendReport, extra: dict[str, Any] | None = None) -> None:
    """Print what a send run did; exit 1 if the server was unreachable, a message failed or
    the run's reminders could not be queued."""
    if state.json:
        render.emit_json({**(extra or {}), **_report_json(report)})
    else:
        show_sent(report)
    if not report.ok:
        raise typer.Exit(1)


def show_sent(report: SendReport, out: Console | None = None) -> None:
    """What a send run did, as lines: how many were sent on ``out`` (stdout by default),
    problems on stderr."""
    out = out or render.out
    out.print(f"Sent {report.sent} message{'s' if report.sent != 1 else ''}.")
    for m, why in report.skipped:
        out.print(f"not sent: reminder {m.id} to {m.recipient}: {why}",
                  markup=False, highlight=False)
    if report.not_queued:
        render.err.print(f"no reminders queued: {report.not_queued}", markup=False)
    for m, error in report.failed:
        render.err.print(f"failed: message {m.id} to {m.recipient} ({m.template}): {error}",
                         markup=False)
    for m, error in report.retrying:
        render.err.print(f"will retry: message {m.id} to {m.recipient}: {error}",
                         markup=False)
    if report.unreachable:
        render.err.print(f"not sent, kept pending: {report.unreachable}", markup=False)


@reminders_app.command("send")
def reminders_send(
    ctx: typer.Context,
    ahead: Annotated[str, typer.Option("--ahead", help="Remind of sessions starting within "
                                       "this long from now, e.g. 24h, 90m, 2d.")] = "24h",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List the reminders due; queue "
                                          "and send nothing.")] = False,
    json_output: JsonOpt = False,
) -> None:
    """Queue a reminder for each participant of each session starting soon, then send what
    is pending. Safe to run from cron as often as you like: each reminder is sent once.

    Examples:

    - `sessionsctl reminders send`
    - `sessionsctl reminders send --ahead 2h --dry-run`
    """
    state = cli(ctx, json_output)
    window = parse_duration(ahead, field="--ahead", maximum=MAX_AHEAD)
    if dry_run:
        due = state.centre.mail.due_reminders(window)
        if state.json:
            render.emit_json([{"session_id": d.session_id, "start": iso(d.start, state.tz),
                               "recipient": d.recipient} for d in due])
            return
        render.out.print(render.table(
            f"{counted(len(due), 'reminder')} a run would queue now, for sessions within {ahead}",
            ("Session", "Start", "Recipient"),
            ((d.session_id, render.when(d.start, state.tz), d.recipient) for d in due)))
        return
    state.centre.mail.check_server()
    # A broken reminder template is reported at the end; the rest of the outbox still goes.
    report = state.centre.mail.queue_reminders(window)
    if not state.json and report.not_queued is None:
        render.out.print(f"Queued {report.queued} new reminder"
                         f"{'s' if report.queued != 1 else ''}.")
    if not state.json and report.told_missed:
        render.out.print(f"Queued {counted(report.told_missed, 'mail')} to students left "
                         "waiting for a session that started.")
    pending = state.centre.mail.outbox_counts().get(OutboxStatus.PENDING.value, 0)
    with render.progress(render.shows_progress(state.json), "Sending", pending) as progress:
        state.centre.mail.send_pending(progress=progress, report=report)
    _show_report(state, report, {"queued": report.queued, "not_queued": report.not_queued,
                                 "waitlist_told": report.told_missed})


@mail_app.command("outbox")
def outbox(
    ctx: typer.Context,
    status: Annotated[OutboxStatus | None, typer.Option(
        "--status", help="Only messages in this state.", case_sensitive=False)] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show the newest N.")] = 200,
    json_output: JsonOpt = False,
) -> None:
    """The outbox: what was sent, what is waiting, what failed and why.

    Example:

    - `sessionsctl mail outbox --status failed`
    """
    state = cli(ctx, json_output)
    messages = state.centre.mail.outbox(status, limit)
    if state.json:
        render.emit_json([_message_json(m, state) for m in messages])
        return
    render.out.print(render.table(
        f"Outbox{f' ({status.value})' if status else ''}: {len(messages)} "
        f"message{'s' if len(messages) != 1 else ''}",
        ("ID", "Kind", "Recipient", "Session", "Status", "When", "Tries"),
        ((m.id, m.kind.value, m.recipient, m.session_id,
          m.status.value, (m.sent_at or m.next_attempt_at).astimezone(state.tz)
          .strftime("%d %b %H:%M"), m.attempts) for m in messages),
        empty=f"No {status.value} messages in the outbox." if status else "The outbox is empty."))
    # Errors are long: each on its own lines under the table, not squeezed into a column.
    for m in messages:
        if m.last_error and m.status is not OutboxStatus.SENT:
            render.out.print(f"#{m.id} {m.recipient}: {m.last_error}", markup=False,
                             highlight=False)


@mail_app.command("retry")
def retry(ctx: typer.Context, json_output: JsonOpt = False) -> None:
    """Put failed messages back in the queue and send them now.

    Example:

    - `sessionsctl mail retry`
    """
    state = cli(ctx, json_output)
    requeued = state.centre.mail.retry_failed()
    if not state.json:
        render.out.print(f"Queued {requeued} failed message{'s' if requeued != 1 else ''} again.")
    with render.progress(render.shows_progress(state.json), "Sending", None) as progress:
        report = state.centre.mail.send_pending(progress=progress)
    _show_report(state, report, {"requeued": requeued})


@mail_app.command("test")
def test(ctx: typer.Context,
         address: Annotated[str, typer.Argument(help="Where to send the test message.")],
         json_output: JsonOpt = False) -> None:
    """Send a test message now, to check the SMTP settings.

    Example:

    - `sessionsctl mail test you@example.org`
    """
    state = cli(ctx, json_output)
    sender = state.centre.mail.send_test(address)
    if state.json:
        render.emit_json({"sent": True, "to": address, "from": sender})
    else:
        render.out.print(f"Sent a test message to {address} from {sender}.")


@mail_app.command("preview")
def preview(
    ctx: typer.Context,
    template: Annotated[str, typer.Argument(help="Template name: booked, changed, cancelled, "
                                            "reminder, custom, or one of your own.")],
    session_id: Annotated[int | None, typer.Option("--session", help="Render it for this "
                                                   "session.")] = None,
    to: Annotated[str | None, typer.Option("--to", help="As this person (email or name) "
                                           "gets it (default: the session's first student).")
                                           ] = None,
    html: Annotated[bool, typer.Option("--html", help="Print the HTML part too.")] = False,
    json_output: JsonOpt = False,
) -> None:
    """Render a template to the terminal; nothing is queued or sent.

    Example:

    - `sessionsctl mail preview reminder --session 42 --to sam@example.org`
    """
    state = cli(ctx, json_output)
    rendered = state.centre.mail.preview(template, session_id, to, state.tz)
    if state.json:
        render.emit_json({"template": rendered.template, "subject": rendered.subject,
                          "text": rendered.text, "html": rendered.html})
        return
    sys.stdout.write(f"Subject: {rendered.subject}\n\n{rendered.text}")
    if html:
        sys.stdout.write(f"\n--- HTML\n{rendered.html}")


@mail_app.command("send", context_settings={"allow_extra_args": True})
def send(
    ctx: typer.Context,
    to: Annotated[str, typer.Option("--to", help="mentors | students | course NAME | "
                                    "session ID (e.g. --to course Algebra).")],
    template: Annotated[str, typer.Option("--template", help="The template to send.")],
    message: Annotated[str | None, typer.Option("--message", help="Text the template shows "
                                                "as {{ message }}.")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help=f"Send to more than {BULK_CONFIRM} "
                                      "people without asking.")] = False,
    json_output: JsonOpt = False,
) -> None:
    """Send a message to many people: queued in one go, then sent with a progress bar.

    Example:

    - `sessionsctl mail send --to students --template custom
      --message "The centre is closed on Friday." --yes`
    """
    state = cli(ctx, json_output)
    target, value = _target(to, ctx.args)
    people = state.centre.mail.recipients(target, value)
    if not people:
        raise InvalidInput("nobody to send to", field="--to")
    session_id = int(value) if target == "session" and value else None
    state.centre.mail.check_server()
    if len(people) > BULK_CONFIRM and not yes:
        if not sys.stdin.isatty():
            raise InvalidInput(f"this sends to {counted(len(people), 'person')}: add --yes to confirm",
                               field="--yes")
        typer.confirm(f"Send {template!r} to {counted(len(people), 'person')}?", abort=True,
                      err=True)
    queued = state.centre.mail.queue_message(template, people, session_id=session_id,
                                        message=message)
    if not state.json:
        render.out.print(f"Queued {queued} message{'s' if queued != 1 else ''}.")
    with render.progress(render.shows_progress(state.json), "Sending", queued) as progress:
        report = state.centre.mail.send_pending(progress=progress)
    _show_report(state, report, {"queued": queued})


def _target(to: str, extra: list[str]) -> tuple[str, str | None]:
    """``--to mentors``, ``--to students``, ``--to course NAME``, ``--to session ID``; the
    value may also be quoted with it: ``--to "course Year 10 maths"``."""
    head, _, rest = to.strip().partition(" ")
    kind = head.lower()
    if kind not in ("mentors", "students", "course", "session"):
        raise InvalidInput(f"must be mentors, students, course NAME or session ID, not {to!r}",
                           field="--to")
    value = rest.strip() or " ".join(extra).strip() or None
    if kind in ("mentors", "students"):
        if value:
            raise InvalidInput(f"unexpected {value!r} after --to {kind}", field="--to")
        return kind, None
    if value is None:
        raise InvalidInput(f"name the {kind}: --to {kind} {'NAME' if kind == 'course' else 'ID'}",
                           field="--to")
    return kind, value
