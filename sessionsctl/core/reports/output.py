"""A report as JSON, as CSV, as cells for a table, and as a self-contained HTML file."""

from __future__ import annotations

import functools
import io
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from ..domain.timeutil import iso
from ..exchange.cells import Writer
from ..resources import templates_dir
from .charts import svg, value_text
from .report import (
    COUNT,
    DAY,
    HOURS,
    MONTH,
    RATE,
    RATING,
    WHEN,
    Column,
    Report,
    Section,
)

TEMPLATE = "report.html.j2"


def _plain(value: Any, kind: str, tz: ZoneInfo) -> Any:
    """A value as JSON and CSV carry it: rates as fractions, times with their offset."""
    if value is None:
        return None
    if kind == RATE or kind == RATING:
        return round(float(value), 4)
    if kind == HOURS:
        return round(float(value), 2)
    if isinstance(value, datetime):
        return iso(value, tz)
    if isinstance(value, date):
        return value.isoformat()
    return value


def period_text(report: Report, tz: ZoneInfo) -> str:
    """The report's range as people read it: whole days as days, the last one included
    (``--to 2026-12-18`` is "18 Dec 2026", not "19 Dec 2026 00:00")."""
    start, end = report.start.astimezone(tz), report.end.astimezone(tz)
    if start.time() == end.time() == time(0):
        return f"{start:%d %b %Y} – {(end - timedelta(days=1)):%d %b %Y}"
    return f"{start:%d %b %Y %H:%M} – {end:%d %b %Y %H:%M}"


def cell(value: Any, kind: str, tz: ZoneInfo) -> str:
    """A value as people read it (tables, the HTML report)."""
    if value is None:
        return "–" if kind in (RATE, RATING, HOURS) else ""
    if kind in (RATE, RATING, HOURS):
        return value_text(float(value), kind)
    if kind == WHEN and isinstance(value, datetime):
        return f"{value.astimezone(tz):%a %d %b %Y %H:%M}"
    if kind == DAY and isinstance(value, date):
        return f"{value:%d %b %Y}"
    if kind == MONTH and isinstance(value, date):
        return f"{value:%b %Y}"
    return str(value)


def section_json(section: Section, tz: ZoneInfo) -> list[dict[str, Any]]:
    return [{c.key: _plain(row.get(c.key), c.kind, tz) for c in section.columns}
            for row in section.rows]


def report_json(report: Report, tz: ZoneInfo) -> dict[str, Any]:
    return {
        "report": report.kind,
        "from": iso(report.start, tz), "to": iso(report.end, tz), "now": iso(report.now, tz),
        "tz": report.tz, "filters": report.filters,
        "totals": {f.key or _key(f.label): _plain(f.value, f.kind, tz)
                   for f in report.headline},
        **{s.name: section_json(s, tz) for s in report.sections},
    }


def _key(label: str) -> str:
    return label.lower().replace(" ", "_").replace("-", "_")


def report_csv(report: Report, tz: ZoneInfo, by: str | None = None) -> str:
    """One section (``by``, else the first) as CSV with a header row of column keys."""
    section = report.section(by)
    buffer = io.StringIO()
    writer = Writer(buffer)
    writer.writerow([c.key for c in section.columns])
    for row in section_json(section, tz):
        writer.writerow(["" if v is None else v for v in row.values()])
    return buffer.getvalue()


def table_rows(section: Section, tz: ZoneInfo) -> list[list[str]]:
    return [[cell(row.get(c.key), c.kind, tz) for c in section.columns] for row in section.rows]


def numeric(column: Column) -> bool:
    return column.kind in (COUNT, RATE, HOURS, RATING)


@functools.lru_cache(maxsize=4)
def _environment(override: str | None) -> Any:  # -> jinja2.Environment, compiled templates kept
    import jinja2  # only the HTML output needs it

    folders = [override] if override else []
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([*folders, str(templates_dir(TEMPLATE))]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True)


def report_html(report: Report, tz: ZoneInfo, *, override: str | None = None) -> str:
    """The report as one HTML document: styles inline, charts as inline SVG, no script."""
    import markupsafe

    env = _environment(override)
    sections = [{"title": s.title, "columns": s.columns,
                 "numeric": [numeric(c) for c in s.columns], "rows": table_rows(s, tz)}
                for s in report.sections]
    return cast(str, env.get_template(TEMPLATE).render(
        report=report,
        period=f"{period_text(report, tz)} ({tz.key})",
        generated=f"{report.now.astimezone(tz):%d %b %Y %H:%M}",
        generated_iso=report.now.astimezone(UTC).isoformat(),
        headline=[(f.label, cell(f.value, f.kind, tz)) for f in report.headline],
        charts=[(c.title, markupsafe.Markup(svg(c)), c.note)
                for c in report.charts],
        sections=sections))
