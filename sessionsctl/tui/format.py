"""How values look on screen: times, spans, statuses and subject colours (one place for each)."""

from __future__ import annotations

import os
import zlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

from rich.text import Text

from ..core.domain.model import Attendance, AttendanceStatus, Session, SessionStatus
from ..core.domain.rules import is_live

# Theme variables, each settled readable on what it is drawn on in both themes (theme.py).
STATUS_STYLE = {
    SessionStatus.SCHEDULED: "$text-primary",
    SessionStatus.IN_PROGRESS: "bold $text-warning",
    SessionStatus.COMPLETED: "$text-success",
    SessionStatus.CANCELLED: "strike $text-muted",
}
STATUS_LABEL = {status: status.label for status in SessionStatus}
LIVE = "live"
ATTENDANCE_STYLE = {
    AttendanceStatus.PRESENT: "$text-success",
    AttendanceStatus.LATE: "$text-warning",
    AttendanceStatus.ABSENT: "$text-error",
    AttendanceStatus.EXCUSED: "$text-muted",
}


# Distinct hues for subjects, each the theme's ``$subject-N`` once settled readable (theme.py).
SUBJECT_COLOURS = ("#e0605e", "#4fae5a", "#d6a21e", "#3b8fd9", "#b566d6", "#2aa8a8",
                   "#d9823b", "#8a8fd9", "#c2577f", "#7f9c2e")


def subject_style(subject: str | None) -> str:
    """A stable colour per subject (crc32, not hash(): the same in every run), one of the
    theme's ``$subject-N`` (theme.py)."""
    if not subject:
        return "$text-muted"
    return f"$subject-{zlib.crc32(subject.encode()) % len(SUBJECT_COLOURS)}"


def status(session: Session, now: datetime) -> tuple[str, str]:
    """A session's status as shown, (label, style): one on now (core's ``is_live``: its start
    passed and its end not) is "live", in the in-progress colour, as the CLI says it."""
    if is_live(session, now):
        return LIVE, STATUS_STYLE[SessionStatus.IN_PROGRESS]
    return STATUS_LABEL[session.status], STATUS_STYLE[session.status]


def hhmm(instant: datetime, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%H:%M")


def span(session: Session, tz: ZoneInfo) -> str:
    start, end = session.start.astimezone(tz), session.end.astimezone(tz)
    days = (end.date() - start.date()).days
    # A session of several days (a trip) ends on a weekday of its week, or on a date.
    tail = end.strftime("%H:%M" if not days else "%a %H:%M" if days < 7 else "%a %d %b %H:%M")
    return f"{start:%H:%M}–{tail}"


def in_out(mark: Attendance, tz: ZoneInfo) -> str:
    """A mark's check-in and check-out: ``16:25–17:32``, ``16:25``, ``–17:32`` or nothing."""
    times = [hhmm(t, tz) if t else "" for t in (mark.check_in, mark.check_out)]
    return "–".join(times) if times[1] else times[0]


def day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def long_day(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def when(session: Session, tz: ZoneInfo) -> str:
    return f"{day_label(session.start.astimezone(tz).date())} {span(session, tz)}"


def percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate * 100:.0f}%"


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with an ellipsis (session text is narrow-cell text)."""
    if width <= 0:
        return ""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def clip_middle(text: str, width: int) -> str:
    """``text`` in ``width`` cells, cut in the middle so its last path part (a file name, a
    database name) stays whole while it fits."""
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:max(0, width)]
    head, sep, name = text.rpartition("/")
    if not sep or len(name) + 3 > width:  # no room for a head: the end of the text
        return "…" + text[len(text) - width + 1:]
    return head[:width - len(name) - 2] + "…/" + name


def short_database(label: str, width: int, home: str | None = None) -> str:
    """A database label for the header: a SQLite file as its path, the home folder as
    ``~``, cut in the middle to ``width``; any other URL as it is (without its password)."""
    text = label
    if label.startswith("sqlite:///"):
        text = label[len("sqlite:///"):]
        home = os.path.expanduser("~") if home is None else home
        if home not in ("", "/") and (text == home or text.startswith(home + "/")):
            text = "~" + text[len(home):]
    return clip_middle(text, width)


def when_at(instant: datetime, tz: ZoneInfo) -> str:
    local = instant.astimezone(tz)
    return f"{day_label(local.date())} {local:%Y} {local:%H:%M}"


def rich_style(style: str, variables: dict[str, str]) -> str:
    """A Textual style with theme variables as a Rich style (DataTable cells are Rich text).
    A variable that is not a plain colour (an ANSI theme's) leaves the cell's own colour,
    dimmed for muted text."""
    words = []
    for word in style.split():
        if word.startswith("$"):
            value = variables.get(word[1:], "")
            if value.startswith("#"):
                words.append(value)
            elif word in ("$text-muted", "$text-disabled"):
                words.append("dim")
        else:
            words.append(word)
    return " ".join(w for w in words if w)


def cell(value: object, style: str = "", variables: dict[str, str] | None = None) -> Text:
    """A table cell: plain text (never read as markup, so a '[' in a title stays), styled."""
    return Text(str(value) if value is not None else "",
                style=rich_style(style, variables or {}) if style else "", no_wrap=True,
                overflow="ellipsis")


SHOWN_CONFLICTS = 3  # a refusal's conflicts named in a notification; the rest counted


def shown(error: Exception) -> str:
    """A core error as the TUI says it: without the field name a command line would need."""
    from ..core.domain.errors import ConflictError, InvalidInput, SessionsctlError

    if isinstance(error, ConflictError) and error.conflicts:  # what clashed, not just how many
        listed = error.conflicts[:SHOWN_CONFLICTS]
        more = error.count - len(listed)
        return (f"{error.message}: " + "; ".join(c.detail for c in listed)
                + (f"; and {more} more" if more else ""))
    if isinstance(error, InvalidInput):
        return error.detail
    if isinstance(error, SessionsctlError):
        return error.message
    return f"{type(error).__name__}: {error}"
