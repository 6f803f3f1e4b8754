"""The calendar, in parts: `days` (which days a view shows, how it pages), `drawing` (lines
and what is drawn where), `month` and `timeline` (the month grid; the week and day), `body`
(the scrolling drawing area) and `view` (`CalendarView`, the widget that reads and moves)."""

from .days import Mode, shift, visible_days
from .view import CalendarView

__all__ = ["CalendarView", "Mode", "shift", "visible_days"]
