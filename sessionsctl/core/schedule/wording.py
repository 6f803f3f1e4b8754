"""A recurrence rule in words, as people read it ("weekly on Tuesdays, 10 times")."""

from __future__ import annotations

from calendar import month_abbr

from .recurrence import DAYS, Recurrence, parts_of

_DAY_NAMES = dict(zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                             "Saturday", "Sunday"), strict=True))
_WEEKDAYS = {"MO", "TU", "WE", "TH", "FR"}

_UNITS = {"DAILY": ("daily", "days"), "WEEKLY": ("weekly", "weeks"),
          "MONTHLY": ("monthly", "months"), "YEARLY": ("yearly", "years")}


def describe(rec: Recurrence) -> str:
    """Short text for tables: ``weekly on Tuesday, 10 times``, ``monthly on the last Friday``.

    A form with no short wording (e.g. Friday the 13th) is shown as the rule itself.
    """
    parts = parts_of(rec.rrule)
    unit = _UNITS.get(parts.get("FREQ", ""))
    on = _on(parts)
    if unit is None or on is None:
        return rec.rrule
    interval = int(parts.get("INTERVAL", "1"))
    text = unit[0] if interval == 1 else f"every {interval} {unit[1]}"
    if on:
        text += f" on {on}"
    if "BYMONTH" in parts:
        text += " in " + ", ".join(month_abbr[int(m)] for m in parts["BYMONTH"].split(","))
    if "COUNT" in parts:
        text += ", once" if parts["COUNT"] == "1" else f", {parts['COUNT']} times"
    if "UNTIL" in parts:
        text += f" until {parts['UNTIL'][:4]}-{parts['UNTIL'][4:6]}-{parts['UNTIL'][6:8]}"
    if rec.exdates:
        text += f", {len(rec.exdates)} skipped"
    if rec.rdates:
        text += f", {len(rec.rdates)} extra"
    return text


def _on(parts: dict[str, str]) -> str | None:
    """The "on ..." phrase: "" when the days come from the start, None when it has no wording."""
    days = parts.get("BYDAY", "").split(",") if "BYDAY" in parts else []
    monthdays = [int(d) for d in parts["BYMONTHDAY"].split(",")] if "BYMONTHDAY" in parts else []
    setpos = [int(p) for p in parts["BYSETPOS"].split(",")] if "BYSETPOS" in parts else []
    if days and monthdays:
        return None
    if monthdays:
        if setpos:
            return None
        return "the " + _join([_nth(d) for d in monthdays]) + (
            " day" if any(d < 0 for d in monthdays) else "")
    if not days:
        return None if setpos else ""
    numbered = [d for d in days if d[:-2]]
    if numbered:
        if setpos or len(numbered) != len(days):
            return None
        return _join([f"the {_nth(int(d[:-2]))} {_DAY_NAMES[d[-2:]]}" for d in days])
    if setpos:
        return f"the {_join([_nth(p) for p in setpos])} {_day_set(days, picked=True)}"
    # every matching day of the period: for a monthly or yearly rule that needs saying
    every = "every " if parts.get("FREQ") in ("MONTHLY", "YEARLY") else ""
    return every + _day_set(days, picked=False)


def _day_set(days: list[str], *, picked: bool) -> str:
    if set(days) == _WEEKDAYS:
        return "weekday" if picked else "weekdays"
    if set(days) == {"SA", "SU"}:
        return "weekend day" if picked else "weekends"
    if len(days) == 1:
        return _DAY_NAMES[days[0]]
    return ("of " if picked else "") + ", ".join(_DAY_NAMES[d][:3] for d in days)


def _nth(n: int) -> str:
    """1 -> 1st, -1 -> last, -2 -> 2nd last."""
    if n == -1:
        return "last"
    if n < 0:
        return f"{_nth(-n)} last"
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
