"""Scheduling a claimed request from the booking form: the form filled in from the request
(its title, student, the mentor who claimed it, its length, and the first free slot that fits
the student's preferences, as `request schedule` offers), and a save that books it through
`request schedule`'s core path (linked to the request, which becomes scheduled; mentor and
student mailed). No Textual here: `RequestsScreen` opens the form with these."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ...core.domain.errors import InvalidInput
from ...core.domain.timeutil import zone
from ...core.requests.model import MentorRequest
from .booking.reading import FormValues, default_start, with_slot
from .booking.save import Outcome, Saver, SaveRequest

if TYPE_CHECKING:
    from ..context import TuiContext


def scheduling_values(ctx: TuiContext, request: MentorRequest,
                      start: datetime | None) -> FormValues:
    """The form for ``request``, at ``start`` (its first free slot; None: no slot fits, the
    form's usual start, to be moved)."""
    assert request.mentor is not None
    begin = start or default_start(ctx, ctx.today())
    values = FormValues(title=request.title, mentor=request.mentor, students=(request.student,),
                        tz=request.tz, type=request.type,
                        description=request.description or "")
    return with_slot(values, begin, begin + timedelta(minutes=request.minutes),
                     zone(request.tz))


def scheduling_saver(ctx: TuiContext, request_id: int) -> Saver:
    """Saving the form books the request as the session the form reads as."""

    def save(request: SaveRequest) -> Outcome:
        if request.rule is not None:
            raise InvalidInput("a request is booked as one session: it does not repeat",
                               field="repeat")
        session = ctx.centre.requests.schedule_as(request_id, request.draft,
                                                  force_reason=request.force,
                                                  past=request.past)
        when = session.start.astimezone(ctx.tz)
        return Outcome([session.id], f"Request {request_id} booked as session {session.id}, "
                                     f"{when:%a %d %b %H:%M}")

    return save
