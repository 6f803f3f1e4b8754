"""`invoice` and `payroll` commands: numbered invoices as HTML and PDF, listing and voiding
them; mentors' hours and pay."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from ..core.billing import money
from ..core.billing.model import Invoice
from ..core.domain.errors import InvalidInput
from ..core.domain.timeutil import parse_day
from ..core.domain.words import counted
from . import render
from .billing import Format, FormatOpt, Output, emit_report, output_format
from .context import Cli, cli
from .delivery import EveryOpt, MailTo, Pdf, delivery
from .filters import From, Mentor, To, session_filter
from .options import JsonOption

invoice_app = typer.Typer(help="Numbered invoices for students, as HTML and PDF.",
                          no_args_is_help=True)
payroll_app = typer.Typer(help="Mentors' hours and pay.", no_args_is_help=True)

Dir = Annotated[Path, typer.Option("--dir", help="Folder the HTML and PDF are written to.",
                                   file_okay=False)]


def invoice_json(invoice: Invoice, files: list[str] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": invoice.number, "student": invoice.student,
        "from": invoice.period_from.isoformat(), "to": invoice.period_to.isoformat(),
        "total": str(money.from_minor(invoice.total, invoice.currency)),
        "total_minor": invoice.total, "currency": invoice.currency, "status": invoice.status,
        "issued_at": invoice.issued_at.isoformat(), "void_reason": invoice.void_reason,
        "sessions": [ln.session_id for ln in invoice.lines],
        "lines": [{"session": ln.session_id, "amount_minor": ln.amount,
                   "amount": str(money.from_minor(ln.amount, invoice.currency)),
                   "why": ln.details.get("why"), "payment": ln.details.get("payment")}
                  for ln in invoice.lines]}
    if files is not None:
        data["files"] = files
    return data


def _write(state: Cli, invoice: Invoice, folder: Path, pdf: bool = True) -> list[str]:
    """The invoice as ``invoice-N.html`` and ``invoice-N.pdf`` in ``folder``."""
    from ..core.billing.invoice_html import invoice_html

    people = {p.email: p.name for p in state.centre.people.list_people()}
    html = invoice_html(invoice, state.settings.centre, people.get(invoice.student, ""),
                        state.tz, override=state.settings.templates)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        html_path = folder / f"invoice-{invoice.number}.html"
        html_path.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot write to {folder}: {exc.strerror}", field="--dir") from None
    written = [str(html_path)]
    if pdf:
        from ..pdf import write_pdf

        pdf_path = folder / f"invoice-{invoice.number}.pdf"
        write_pdf(html, pdf_path)
        written.append(str(pdf_path))
    return written


@invoice_app.command("make")
def make(
    ctx: typer.Context,
    student: Annotated[str, typer.Option("--student", help="The student (email or name).")],
    start: Annotated[str, typer.Option("--from", help="First day of the period.")],
    end: Annotated[str, typer.Option("--to", help="Last day of the period (included).")],
    folder: Dir = Path("."),
    json_output: JsonOption = False,
) -> None:
    """Invoice a student's charged sessions in a period (those on no invoice yet) under the
    next number, written as invoice-N.html and invoice-N.pdf. Invoiced sessions keep what
    priced them (cost, times, students, subject, course) until the invoice is void.

    Examples:

    - `sessionsctl invoice make --student sam@example.org --from 2026-11-01 --to 2026-11-30`
    - `sessionsctl invoice make --student "Sam Lee" --from 2026-11-01 --to 2026-11-30 --dir invoices`
    """
    state = cli(ctx, json_output)
    tz = state.tz
    first, last = parse_day(start, tz, field="from"), parse_day(end, tz, field="to")
    invoice = state.centre.invoices.make(student, first, last, tz)
    files = _write(state, invoice, folder)
    if state.json:
        render.emit_json(invoice_json(invoice, files))
    else:
        render.out.print(f"Invoice {invoice.number} to {invoice.student}: "
                         f"{counted(len(invoice.lines), 'session')}, "
                         f"{money.show(invoice.total, invoice.currency)}")
        for path in files:
            render.out.print(f"Wrote {path}")


@invoice_app.command("list")
def list_(
    ctx: typer.Context,
    student: Annotated[str | None, typer.Option("--student", help="Only this student's.")]
    = None,
    json_output: JsonOption = False,
) -> None:
    """Invoices, newest first.

    Example:

    - `sessionsctl invoice list --student sam@example.org`
    """
    state = cli(ctx, json_output)
    found = state.centre.invoices.listed(student)
    render.listing(state.json, found, invoice_json,
                   ("Number", "Student", "From", "To", "Total", "Status"),
                   lambda i: (i.number, i.student, i.period_from, i.period_to,
                              money.show(i.total, i.currency), i.status),
                   title="Invoices", empty="No invoices.")


@invoice_app.command("write")
def write(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(help="The invoice's number.")],
    folder: Dir = Path("."),
    json_output: JsonOption = False,
) -> None:
    """Write an invoice again as HTML and PDF (a void one says so).

    Example:

    - `sessionsctl invoice write 12 --dir invoices`
    """
    state = cli(ctx, json_output)
    invoice = state.centre.invoices.get(number)
    files = _write(state, invoice, folder)
    if state.json:
        render.emit_json(invoice_json(invoice, files))
    else:
        for path in files:
            render.out.print(f"Wrote {path}")


@invoice_app.command("void")
def void(
    ctx: typer.Context,
    number: Annotated[int, typer.Argument(help="The invoice's number.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is void (audited).")],
    json_output: JsonOption = False,
) -> None:
    """Void an invoice: its number is never used again; its sessions may be changed and
    invoiced anew.

    Example:

    - `sessionsctl invoice void 12 --reason "wrong rate"`
    """
    state = cli(ctx, json_output)
    invoice = state.centre.invoices.void(number, reason)
    if state.json:
        render.emit_json(invoice_json(invoice))
    else:
        render.out.print(f"Invoice {invoice.number} is void")


@payroll_app.command("report")
def payroll_report(
    ctx: typer.Context, start: From = None, end: To = None, mentor: Mentor = None,
    fmt: FormatOpt = None, output: Output = None, mail_to: MailTo = None,
    every: EveryOpt = None, pdf: Pdf = None, json_output: JsonOption = False,
) -> None:
    """Per mentor: completed sessions, hours and pay by their pay rate (per hour, pro rata,
    or per session); then each session.

    Examples:

    - `sessionsctl payroll report --from 2026-11-01 --to 2026-11-30`
    - `sessionsctl payroll report --mentor ada@example.org --format csv -o ada.csv`
    """
    fmt = output_format(fmt, json_output)
    state = cli(ctx, fmt is Format.JSON)
    to = delivery(state, mail_to, every, pdf)
    f = session_filter(state, start, end, mentor, None, None, None, every=every)
    emit_report(state, state.centre.payroll.report(f, state.tz), fmt, output, to=to)
