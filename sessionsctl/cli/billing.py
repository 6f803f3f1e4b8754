"""`rate`, `billing` and `payment` commands: charge and pay rates, the billing report, and
recording what was paid or waived."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.text import Text

from ..core.billing import money
from ..core.billing.model import Rate, RateTarget, RateUnit
from ..core.domain.errors import InvalidInput
from ..core.domain.model import PaymentStatus
from ..core.domain.words import counted
from ..core.reports.output import (
    cell,
    period_text,
    report_csv,
    report_html,
    report_json,
    table_rows,
)
from ..core.reports.report import Report
from . import render
from .context import Cli, cli
from .delivery import Delivery, EveryOpt, MailTo, Pdf, deliver, delivery
from .filters import Course, From, Student, To, session_filter
from .options import JsonOption

rate_app = typer.Typer(help="Charge rates (students, courses, subjects) and mentors' pay rates.",
                       no_args_is_help=True)
billing_app = typer.Typer(help="What is charged: billable sessions and their amounts.",
                          no_args_is_help=True)
payment_app = typer.Typer(help="Record sessions as paid or waived.", no_args_is_help=True)


class Format(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    HTML = "html"


FormatOpt = Annotated[Format | None, typer.Option(
    "--format", "-f", help="table (the default), csv, json or html.")]
Output = Annotated[str | None, typer.Option(
    "--output", "-o", help="Write to this file ('-' for stdout).")]
By = Annotated[str | None, typer.Option(
    "--by", help="With --format csv: which table to write (default: the first).")]


def emit_report(state: Cli, report: Report, fmt: Format | None, output: str | None,
                by: str | None = None, to: Delivery | None = None,
                options: dict[str, Any] | None = None) -> None:
    """A money report as a table, CSV (one of its tables), JSON or one HTML document; then
    written as PDF and mailed where ``to`` says (only its headline printed then)."""
    tz = state.tz
    to = to or Delivery()
    if by is not None:
        report.section(by)
    if fmt is Format.JSON:
        render.write_text(json.dumps(report_json(report, tz), indent=2, ensure_ascii=False)
                          + "\n", output)
    elif fmt is Format.CSV:
        render.write_text(report_csv(report, tz, by), output)
    elif fmt is Format.HTML:
        render.write_text(report_html(report, tz, override=state.settings.templates), output)
    elif output not in (None, "-"):
        try:
            with open(output, "w", encoding="utf-8") as handle:
                _print(report, state, render.file_console(handle))
        except OSError as exc:
            raise InvalidInput(f"cannot write {output}: {exc.strerror}",
                               field="--output") from None
    else:
        _print(report, state, render.out, sections=not to.renders)
    deliver(state, report, to, by=by, options=options)


def _print(report: Report, state: Cli, console: Console, *, sections: bool = True) -> None:
    tz = state.tz
    console.print(Text.assemble((report.title, "bold"), f"  {period_text(report, tz)} ({tz.key})"))
    if report.filters:
        console.print(Text("filtered by " + ", ".join(f"{k} {v}" for k, v in
                                                      report.filters.items()), style="dim"))
    figures: list[object] = []
    for f in report.headline:
        figures += [f"{f.label}: ", (cell(f.value, f.kind, tz), "bold"), "  "]
    console.print(Text.assemble(*figures))  # type: ignore[arg-type]
    if not sections:
        return
    for section in report.sections:
        shown = [i for i, c in enumerate(section.columns) if not c.key.endswith("_minor")]
        rows = table_rows(section, tz)
        console.print(render.table(section.title, [section.columns[i].label for i in shown],
                                   ([row[i] for i in shown] for row in rows),
                                   empty="None."))
    for note in report.notes:
        console.print(Text(note, style="dim"))


def output_format(fmt: Format | None, json_output: bool) -> Format | None:
    if json_output:
        if fmt not in (None, Format.JSON):
            raise InvalidInput(f"give --json or --format {fmt.value}, not both", field="--json")
        return Format.JSON
    return fmt


# ---------------------------------------------------------------------------- rates
def rate_json(rate: Rate) -> dict[str, object]:
    return {"id": rate.id, "kind": rate.kind.value, "target": rate.target.value,
            "name": rate.name, "amount": str(money.from_minor(rate.amount, rate.currency)),
            "amount_minor": rate.amount, "currency": rate.currency, "per": rate.unit.value}


def _rate_line(rate: Rate) -> str:
    return (f"#{rate.id} {rate.kind.value} rate of {rate.target.value} {rate.name}: "
            f"{money.show(rate.amount, rate.currency)} per {rate.unit.value}")


@rate_app.command("set")
def rate_set(
    ctx: typer.Context,
    amount: Annotated[str, typer.Argument(help="The amount, e.g. 35.00 (the config's currency).")],
    student: Annotated[str | None, typer.Option("--student", help="A student's charge rate.")]
    = None,
    course: Annotated[str | None, typer.Option("--course", help="A course's charge rate.")] = None,
    subject: Annotated[str | None, typer.Option("--subject", help="A subject's charge rate.")]
    = None,
    mentor: Annotated[str | None, typer.Option("--mentor", help="A mentor's pay rate.")] = None,
    per: Annotated[RateUnit, typer.Option("--per", help="Per hour (pro rata) or per session.")]
    = RateUnit.HOUR,
    json_output: JsonOption = False,
) -> None:
    """Set a charge rate (of a student, a course or a subject) or a mentor's pay rate,
    replacing the one there was. A session is charged its own --cost if it has one, else the
    student's rate, else its course's, else its subject's.

    Examples:

    - `sessionsctl rate set 35.00 --student sam@example.org --per hour`
    - `sessionsctl rate set 30 --subject Mathematics --per session`
    - `sessionsctl rate set 22.50 --mentor ada@example.org`
    """
    state = cli(ctx, json_output)
    given = [(t, v) for t, v in ((RateTarget.STUDENT, student), (RateTarget.COURSE, course),
                                 (RateTarget.SUBJECT, subject), (RateTarget.MENTOR, mentor))
             if v is not None]
    if len(given) != 1:
        raise InvalidInput("name one of --student, --course, --subject or --mentor",
                           field="--student")
    [(target, name)] = given
    rate = state.centre.billing.set_rate(target, name, amount, per)
    if state.json:
        render.emit_json(rate_json(rate))
    else:
        render.out.print(f"Set {_rate_line(rate)}")


@rate_app.command("list")
def rate_list(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Every rate: charge rates, then pay rates.

    Example:

    - `sessionsctl rate list --json`
    """
    state = cli(ctx, json_output)
    rates = state.centre.billing.rates()
    render.listing(state.json, rates, rate_json,
                   ("ID", "Kind", "For", "Name", "Amount", "Per"),
                   lambda r: (r.id, r.kind.value, r.target.value, r.name,
                              money.show(r.amount, r.currency), r.unit.value),
                   title="Rates", empty="No rates.")


@rate_app.command("rm")
def rate_rm(ctx: typer.Context,
            rate_id: Annotated[int, typer.Argument(help="The rate's id (rate list).")],
            json_output: JsonOption = False) -> None:
    """Remove a rate (sessions it priced are priced by the next rate that applies).

    Example:

    - `sessionsctl rate rm 3`
    """
    state = cli(ctx, json_output)
    rate = state.centre.billing.remove_rate(rate_id)
    if state.json:
        render.emit_json(rate_json(rate))
    else:
        render.out.print(f"Removed {_rate_line(rate)}")


# --------------------------------------------------------------------------- billing
@billing_app.command("report")
def billing_report(
    ctx: typer.Context, start: From = None, end: To = None, student: Student = None,
    course: Course = None,
    unpaid: Annotated[bool, typer.Option("--unpaid", help="Only what is not paid nor waived.")]
    = False,
    fmt: FormatOpt = None, by: By = None, output: Output = None, mail_to: MailTo = None,
    every: EveryOpt = None, pdf: Pdf = None, json_output: JsonOption = False,
) -> None:
    """Each student's billable sessions and what each costs: completed ones (an absence
    without notice too, an excused one not), cancellations by or for the student inside the
    notice window (the config's `late_cancel`, 24h by default); a cancellation by the centre
    or the mentor is a make-up credit. Then each student's totals.

    Examples:

    - `sessionsctl billing report --from 2026-11-01 --to 2026-11-30`
    - `sessionsctl billing report --student sam@example.org --unpaid`
    - `sessionsctl billing report --format csv --by students -o november.csv`
    - `sessionsctl billing report --every month --mail-to accounts@example.org --pdf last.pdf`
    """
    from ..core.billing.reporting import billing_report as build

    fmt = output_format(fmt, json_output)
    state = cli(ctx, fmt is Format.JSON)
    to = delivery(state, mail_to, every, pdf)
    f = session_filter(state, start, end, None, student, None, course, every=every)
    bill = state.centre.billing.report(f, unpaid=unpaid)
    emit_report(state, build(bill, state.tz, state.centre.clock()), fmt, output, by, to,
                {"unpaid": unpaid})


# --------------------------------------------------------------------------- payments
@payment_app.command("record")
def payment_record(
    ctx: typer.Context,
    sessions: Annotated[list[int], typer.Argument(help="The sessions' ids.")],
    paid: Annotated[bool, typer.Option("--paid", help="They are paid.")] = False,
    waived: Annotated[bool, typer.Option("--waived", help="Their charge is waived.")] = False,
    unpaid: Annotated[bool, typer.Option("--unpaid", help="Not paid after all.")] = False,
    student: Annotated[str | None, typer.Option(
        "--student", help="One student's place alone (email or name): in a group session "
        "each student pays.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Record sessions as paid or waived (or unpaid again): all of them or none.

    Without --student every place in the sessions is recorded (a student's own record
    replaced); with it, that student's place alone, in each session named.

    Examples:

    - `sessionsctl payment record 41 42 43 --paid`
    - `sessionsctl payment record 44 --waived`
    - `sessionsctl payment record 45 --paid --student kim@example.org`
    """
    state = cli(ctx, json_output)
    chosen = [s for s, on in ((PaymentStatus.PAID, paid), (PaymentStatus.WAIVED, waived),
                              (PaymentStatus.UNPAID, unpaid)) if on]
    if len(chosen) != 1:
        raise InvalidInput("give one of --paid, --waived or --unpaid", field="--paid")
    changed = state.centre.billing.record_payment(sessions, chosen[0], student)
    if state.json:
        render.emit_json({"status": chosen[0].value, "sessions": sessions, "changed": changed,
                          "student": student})
    else:
        whose = f" for {student}" if student else ""
        render.out.print(f"Recorded {counted(len(sessions), 'session')}{whose} as "
                         f"{chosen[0].value} ({len(changed)} changed)")
