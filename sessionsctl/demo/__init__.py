"""The demo centre `sessionsctl init --demo` loads: people, rooms, subjects and a term of lessons.

Everything goes through the public use cases of :class:`~sessionsctl.core.centre.Centre`, so
the demo data is exactly what a user could have typed. The load is deterministic: the same
``seed`` and ``today`` give the same people and the same sessions (titles, times, people,
rooms) in any database; which of them are completed, cancelled or in progress then depends only
on the centre's clock.

The weekly timetable is conflict-free by construction. Lessons sit in the cells of a weekly grid
(weekdays 15:30-19:30 and Saturday 09:00-13:00, one hour each); a mentor teaches in a cell at
most once, and a room or a student is given to at most one lesson per cell, so no two lessons
of one mentor, student or room can ever meet. One-off sessions (workshops, exam preparation,
trial lessons) take cells the weekly grid leaves free on their date, or cells outside it
(weekend afternoons, weekday evenings), under the same one-holder-per-cell rule.
"""

from .data import DOMAIN, TERM_WEEKS
from .load import DemoSummary, load_demo

__all__ = ["DOMAIN", "TERM_WEEKS", "DemoSummary", "load_demo"]
