"""Reports that mail themselves: the period an ``--every`` run covers, and a rendered report
(HTML with its charts, its tables as CSV attachments) queued in the outbox, once per period
and address when it repeats.

The once is a flag per (report, options, period, address) kept in ``settings`` and set in the
transaction that queues the mail (``uow.outbox.flag``, as absence warnings do): two runs at
the same moment queue it once, a run that rolls back queues nothing and leaves the flag
unset, and the outbox's sender delivers what was queued, retrying as it does every message.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..access import Action, require
from ..domain.errors import InvalidInput
from ..mail.notices import Notice, NoticeKind, valid_address
from .output import cell, period_text, report_csv, report_html
from .report import COUNT, RATE, Column, Every, Figure, Report, Section, last_period

if TYPE_CHECKING:
    from ..context import Context
    from ..mail.service import Mailing

TEMPLATE = "report_mail"  # the mail's subject and plain text; its HTML part is the report
FLAG = "report_mailed:"


def recipients(addresses: Sequence[str]) -> list[str]:
    """The addresses given (each once, in the order given), or an error naming the bad one."""
    found: dict[str, str] = {}
    for address in addresses:
        address = address.strip()
        if not valid_address(address):
            raise InvalidInput(f"{address!r} is not an email address (name@example.org)",
                               field="--mail-to")
        found.setdefault(address.lower(), address)
    if not found:
        raise InvalidInput("give an address to mail the report to", field="--mail-to")
    return list(found.values())


@dataclass(frozen=True, slots=True)
class Mailed:
    """What one run queued: to whom, and who had the report of this period already."""

    queued: tuple[str, ...]
    already: tuple[str, ...]
    period: str


def attachments(report: Report, tz: ZoneInfo, by: str | None) -> list[dict[str, str]]:
    """Each table of the report (or only ``by``) as a CSV file, as the outbox keeps them."""
    names = [by] if by is not None else [s.name for s in report.sections]
    day = f"{report.start.astimezone(tz):%Y-%m-%d}"
    return [{"filename": f"{report.kind}-{name}-{day}.csv", "type": "text/csv",
             "text": report_csv(report, tz, name)} for name in names]


def _flag(report: Report, address: str, every: Every, options: Mapping[str, Any]) -> str:
    """The key of one report of one period to one address: its kind, filters, options and
    zone, the period's bounds and the address (in any case)."""
    identity = {"kind": report.kind, "filters": report.filters, "options": dict(options),
                "tz": report.tz, "every": every.value, "start": report.start.isoformat(),
                "end": report.end.isoformat(), "to": address.lower()}
    digest = hashlib.sha256(json.dumps(identity, sort_keys=True, default=str).encode())
    return FLAG + digest.hexdigest()[:40]


def mail_payload(report: Report, tz: ZoneInfo, every: Every | None, by: str | None, *,
                 override: str | None) -> dict[str, Any]:
    """What the outbox keeps of a mailed report: its figures for the subject and plain text,
    its HTML document, its tables as CSV."""
    return {
        "report": {"kind": report.kind, "title": report.title, "period": period_text(report, tz),
                   "tz": tz.key, "every": every.value if every else None,
                   "headline": [[f.label, cell(f.value, f.kind, tz)] for f in report.headline],
                   "notes": list(report.notes)},
        "html": report_html(report, tz, override=override),
        "attachments": attachments(report, tz, by),
    }


def sample_payload(now: datetime, tz: ZoneInfo, override: str | None) -> dict[str, Any]:
    """A mailed report of made-up figures, last week's, for `mail preview report_mail`."""
    start, end = last_period(Every.WEEK, now, tz)
    columns = (Column("student", "Student"), Column("sessions", "Sessions", COUNT),
               Column("attendance_rate", "Attendance rate", RATE))
    rows = ({"student": "Sam Example", "sessions": 4, "attendance_rate": 0.75},
            {"student": "Kim Example", "sessions": 3, "attendance_rate": 1.0})
    report = Report("attendance", "Attendance", start, end, now, tz.key, {},
                    (Figure("Sessions", 7), Figure("Attendance rate", 6 / 7, RATE)),
                    (Section("student", "By student", columns, rows),),
                    notes=("A sample: the figures are made up.",))
    return mail_payload(report, tz, Every.WEEK, None, override=override)


class ReportMail:
    """Queues rendered reports in the outbox, to be sent by its sender."""

    def __init__(self, ctx: Context, mailing: Mailing) -> None:
        self.ctx = ctx
        self.mailing = mailing

    def queue(self, report: Report, tz: ZoneInfo, to: Sequence[str], *,
              every: Every | None = None, options: Mapping[str, Any] | None = None,
              by: str | None = None) -> Mailed:
        """Queue ``report`` to each address of ``to`` in one transaction. With ``every``,
        an address that was queued this report for this period (same kind, filters and
        ``options``) is skipped: a run from cron every few minutes mails it once."""
        addresses = recipients(to)
        templates = self.mailing.setup.templates
        templates.check(TEMPLATE)
        override = str(templates.override) if templates.override else None
        period = period_text(report, tz)
        payload = mail_payload(report, tz, every, by, override=override)
        queued, already = [], []
        with self.ctx.write() as uow:
            require(uow.actor, Action.SEND_MAIL)
            for address in addresses:
                if every is not None and not uow.outbox.flag(
                        _flag(report, address, every, options or {}),
                        report.start.isoformat()):
                    already.append(address)
                else:
                    queued.append(address)
            uow.outbox.enqueue([Notice(NoticeKind.CUSTOM, TEMPLATE, a, payload=payload)
                                for a in queued], now=self.ctx.clock())
        return Mailed(tuple(queued), tuple(already), period)
