"""Charts as inline SVG, drawn on the server: the HTML report needs no script and works offline.

Every shape carries a ``<title>``, so hovering over a bar or a point shows its value in any
browser, still without JavaScript.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from .report import COUNT, HOURS, RATE, RATING, Chart

WIDTH, HEIGHT = 760, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 16, 46
PALETTE = ("#3367d6", "#e8710a", "#9334e6", "#12a4af", "#d01884", "#7cb342")
NAMED = {"Present": "#2e7d32", "Completed": "#2e7d32", "Late": "#f2a600", "Open": "#8ab4f8",
         "Absent": "#c5221f", "Cancelled": "#c5221f", "Excused": "#80868b"}


def value_text(value: float | None, unit: str) -> str:
    """A chart value as people read it."""
    if value is None:
        return "–"
    if unit == RATE:
        return f"{value * 100:.0f}%"
    if unit == RATING:
        return f"{value:.1f}"
    if unit == HOURS:
        return f"{value:.1f} h"
    return f"{value:.0f}"


def _top(chart: Chart) -> float:
    if chart.unit == RATE:
        return 1.0
    if chart.unit == RATING:
        return 5.0
    if chart.kind == "stacked":
        peak = max((sum(s.values[i] or 0 for s in chart.series)
                    for i in range(len(chart.labels))), default=0)
    else:
        peak = max((v or 0 for s in chart.series for v in s.values), default=0)
    return max(_nice(peak), 4.0) if chart.unit == COUNT else _nice(peak)


def _nice(peak: float) -> float:
    """A top for the axis at or above ``peak`` whose quarters are round numbers."""
    if peak <= 0:
        return 1.0
    quarter = peak / 4
    magnitude = 10.0 ** math.floor(math.log10(quarter))
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * magnitude >= quarter:
            return 4 * step * magnitude
    return 40 * magnitude


def _colour(chart: Chart, index: int) -> str:
    return NAMED.get(chart.series[index].name, PALETTE[index % len(PALETTE)])


def svg(chart: Chart) -> str:
    """The chart as one ``<svg>`` element (empty data gives a short note instead)."""
    if not chart.labels or all(v is None for s in chart.series for v in s.values):
        return '<p class="empty">Nothing to chart in this range.</p>'
    if chart.kind == "hbar":
        return _hbar(chart)
    return _vertical(chart)


def _open(width: int, height: int, title: str) -> list[str]:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="100%" role="img" aria-label="{escape(title)}" class="chart">')
    return [head]


def _axis(parts: list[str], chart: Chart, top: float, plot_h: float) -> None:
    steps = 5 if chart.unit == RATING else 4  # ratings read as whole stars
    for step in range(steps + 1):
        value = top * step / steps
        y = TOP + plot_h - plot_h * step / steps
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
                     'class="grid"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">'
                     f'{escape(value_text(value, chart.unit))}</text>')


def _x_labels(parts: list[str], labels: Sequence[str], slot: float) -> None:
    every = max(1, math.ceil(len(labels) / 14))
    for i, label in enumerate(labels):
        if i % every:
            continue
        x = LEFT + slot * (i + 0.5)
        parts.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                     f'class="tick">{escape(label)}</text>')


def _legend(parts: list[str], chart: Chart) -> None:
    if len(chart.series) < 2:
        return
    x = LEFT
    for i, series in enumerate(chart.series):
        parts.append(f'<rect x="{x}" y="{HEIGHT - 16}" width="10" height="10" '
                     f'fill="{_colour(chart, i)}"/>')
        parts.append(f'<text x="{x + 14}" y="{HEIGHT - 7}" class="legend">'
                     f'{escape(series.name)}</text>')
        x += 24 + 7 * len(series.name)


def _vertical(chart: Chart) -> str:
    top = _top(chart)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = len(chart.labels)
    slot = plot_w / n
    parts = _open(WIDTH, HEIGHT, chart.title)
    _axis(parts, chart, top, plot_h)

    def y_of(value: float) -> float:
        return TOP + plot_h - plot_h * min(value, top) / top

    if chart.kind == "line":
        for si, series in enumerate(chart.series):
            colour = _colour(chart, si)
            points = [(LEFT + slot * (i + 0.5), v, chart.labels[i])
                      for i, v in enumerate(series.values) if v is not None]
            if len(points) > 1:
                path = " ".join(f"{x:.1f},{y_of(v):.1f}" for x, v, _ in points)
                parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" '
                             'stroke-width="2.5" stroke-linejoin="round"/>')
            for x, v, label in points:
                parts.append(f'<circle cx="{x:.1f}" cy="{y_of(v):.1f}" r="3.5" fill="{colour}">'
                             f'<title>{escape(label)}: {escape(value_text(v, chart.unit))}'
                             '</title></circle>')
    else:
        bar = max(1.0, slot * 0.72)
        for i, label in enumerate(chart.labels):
            base = 0.0
            x = LEFT + slot * i + (slot - bar) / 2
            for si, series in enumerate(chart.series):
                value = series.values[i] or 0
                if value <= 0:
                    continue
                y0, y1 = y_of(base), y_of(base + value)
                parts.append(f'<rect x="{x:.1f}" y="{y1:.1f}" width="{bar:.1f}" '
                             f'height="{max(0.5, y0 - y1):.1f}" fill="{_colour(chart, si)}">'
                             f'<title>{escape(label)} · {escape(series.name)}: '
                             f'{escape(value_text(value, chart.unit))}</title></rect>')
                base += value
    _x_labels(parts, chart.labels, slot)
    _legend(parts, chart)
    parts.append("</svg>")
    return "".join(parts)


def _hbar(chart: Chart) -> str:
    """Horizontal bars, one per label: names read better down the side than under a bar."""
    top = _top(chart)
    row, left, right = 22, 190, 70
    height = TOP + row * len(chart.labels) + 8
    plot_w = WIDTH - left - right
    series = chart.series[0]
    parts = _open(WIDTH, height, chart.title)
    for i, (label, value) in enumerate(zip(chart.labels, series.values, strict=True)):
        y = TOP + row * i
        name = label if len(label) <= 28 else label[:27] + "…"
        parts.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" class="name">'
                     f'{escape(name)}</text>')
        width = plot_w * min(value or 0, top) / top
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{max(width, 0.5):.1f}" height="{row - 6}" '
                     f'fill="{_colour(chart, 0)}"><title>{escape(label)}: '
                     f'{escape(value_text(value, chart.unit))}</title></rect>')
        parts.append(f'<text x="{left + width + 6:.1f}" y="{y + 15}" class="value">'
                     f'{escape(value_text(value, chart.unit))}</text>')
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["COUNT", "svg", "value_text"]
