"""An invoice as one HTML document, from ``templates/invoice.html.j2`` (a folder given in
the config overrides it), with the centre's details from the config's ``[centre]``."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from ..resources import templates_dir
from . import money

if TYPE_CHECKING:
    from .model import Invoice

TEMPLATE = "invoice.html.j2"


@functools.lru_cache(maxsize=4)
def _environment(override: str | None) -> Any:  # -> jinja2.Environment
    import jinja2

    folders = [override] if override else []
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([*folders, str(templates_dir(TEMPLATE))]),
        autoescape=True, undefined=jinja2.ChainableUndefined, trim_blocks=True,
        lstrip_blocks=True)


def invoice_html(invoice: Invoice, centre: Mapping[str, str], student_name: str,
                 tz: ZoneInfo, *, override: str | None = None) -> str:
    cur = invoice.currency
    lines = [{"session": ln.session_id, "title": ln.details.get("title", ""),
              "when": f"{datetime.fromisoformat(ln.details['start']).astimezone(tz):%d %b %Y %H:%M}",
              "minutes": ln.details.get("minutes", ""), "why": ln.details.get("why", ""),
              "payment": ln.details.get("payment", ""),
              "amount": str(money.from_minor(ln.amount, cur))} for ln in invoice.lines]
    return cast(str, _environment(override).get_template(TEMPLATE).render(
        invoice=invoice, centre=dict(centre), student_name=student_name, lines=lines,
        total=str(money.from_minor(invoice.total, cur)),
        issued=f"{invoice.issued_at.astimezone(tz):%d %b %Y}",
        period=f"{invoice.period_from:%d %b %Y} – {invoice.period_to:%d %b %Y}"))
