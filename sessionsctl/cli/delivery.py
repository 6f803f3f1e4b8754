"""What every report command can do with its report besides printing it, declared once: write
it as PDF (``--pdf``), mail it (``--mail-to``), and repeat for cron (``--every``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from ..core.reports.report import Every, Report
from . import render
from .context import Cli

MailTo = Annotated[list[str] | None, typer.Option(
    "--mail-to", metavar="ADDR",
    help="Mail the report to this address (HTML with its charts, its tables attached as CSV), "
         "through the outbox; repeat for more addresses.")]
EveryOpt = Annotated[Every | None, typer.Option(
    "--every", case_sensitive=False,
    help="For cron: report the last complete day, week (Monday to Sunday) or month in --tz "
         "instead of --from/--to; with --mail-to, each address gets it once per period "
         "however often this runs.")]
Pdf = Annotated[Path | None, typer.Option(
    "--pdf", dir_okay=False, help="Also write the report, with its charts, as a PDF file.")]


@dataclass(frozen=True, slots=True)
class Delivery:
    """Where a report goes besides the terminal, checked before it is computed."""

    mail_to: tuple[str, ...] = ()
    every: Every | None = None
    pdf: Path | None = None

    @property
    def renders(self) -> bool:
        """Whether the report is rendered as HTML (and so needs its charts)."""
        return bool(self.mail_to) or self.pdf is not None


def delivery(state: Cli, mail_to: list[str] | None, every: Every | None,
             pdf: Path | None) -> Delivery:
    """The options read, a bad address refused and the SMTP server asked for before any
    report is computed (nothing is queued that would wait unsent)."""
    if not mail_to:
        return Delivery((), every, pdf)
    from ..core.reports.delivery import recipients

    addresses = tuple(recipients(mail_to))
    state.centre.mail.check_server()
    return Delivery(addresses, every, pdf)


def deliver(state: Cli, report: Report, to: Delivery, *, by: str | None = None,
            options: Mapping[str, Any] | None = None) -> None:
    """Write the PDF, queue the mail and send the outbox, saying so on stderr; exit 1 when
    the server could not be reached or a message failed (what was queued stays queued)."""
    if to.pdf is not None:
        from ..core.reports.output import report_html
        from ..pdf import write_pdf

        write_pdf(report_html(report, state.tz, override=state.settings.templates), to.pdf,
                  field="--pdf")
        render.err.print(f"Wrote {to.pdf}", style="dim")
    if not to.mail_to:
        return
    from .mail import show_sent

    mailed = state.centre.report_mail.queue(report, state.tz, to.mail_to, every=to.every,
                                            options={**(options or {}), "by": by}, by=by)
    what = f"the {report.title} report for {mailed.period}"
    if mailed.queued:
        render.err.print(f"Queued {what} to {', '.join(mailed.queued)}.", markup=False,
                         highlight=False)
    if mailed.already:
        render.err.print(f"Already queued {what} to {', '.join(mailed.already)}: once per "
                         f"{to.every.value if to.every else 'period'}.", markup=False,
                         highlight=False)
    sent = state.centre.mail.send_pending()
    show_sent(sent, render.err)
    if not sent.ok:
        raise typer.Exit(1)
