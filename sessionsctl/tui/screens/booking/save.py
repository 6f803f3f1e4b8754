"""Saving the booking form: the one core call a save makes (book, create a series, edit with a
scope, each maybe over conflicts with a reason) and what the form says after it (no Textual).

The screen reads the form (`reading`), asks `plan` what a save means, asks the user for a
scope when `plan` says so, runs `save` in a worker, and shows the `Refusal` that `refusal`
makes of an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ....core.domain.drafts import SessionDraft
from ....core.domain.errors import ConflictError, InvalidInput, SessionsctlError
from ....core.domain.model import Session
from ....core.domain.timeutil import zone
from ....core.domain.words import counted
from ....core.schedule.booking import before_today
from ....core.schedule.conflicts import Conflict
from ....core.schedule.scopes import Scope
from ....core.schedule.series import SeriesResult
from ... import format as fmt
from ... import keys
from .reading import Reading, changes_between, field_of

if TYPE_CHECKING:
    from ....core.centre import Centre

SHOWN_SKIPPED = 3  # occurrences left out that the message names by day


@dataclass(frozen=True, slots=True)
class SaveRequest:
    """The core call a save makes: a new session (``rule``: a series), or the ``changes`` to
    a stored one over ``scope`` of its series; ``force`` books over conflicts, saying why;
    ``skip`` books only the occurrences of a new series that do not clash (``term``: within
    that term); ``past`` books
    (or moves) it on a day before today, as the user confirmed."""

    draft: SessionDraft
    rule: str | None = None
    force: str | None = None
    scope: Scope = "this"
    term: str | None = None  # the term a new series runs within
    changes: dict[str, Any] = field(default_factory=dict)
    skip: bool = False
    past: bool = False

    def before_today(self, now: datetime, new: bool) -> bool:
        """Whether it books, or moves a session, to a day before today (core's rule, asked
        about first)."""
        return (new or "start" in self.changes) and before_today(self.draft.start,
                                                                 self.draft.tz, now)


@dataclass(frozen=True, slots=True)
class Plan:
    """What saving the form asks for: nothing (an edit that changes nothing), or a request,
    once the user has said which occurrences when ``ask_scope``."""

    request: SaveRequest | None
    ask_scope: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a save wrote: the sessions, and the sentence that says so."""

    session_ids: list[int]
    verb: str


@dataclass(frozen=True, slots=True)
class Refusal:
    """What the form shows when core refuses a save.

    A clash keeps its ``conflicts`` in view (``series``: of several occurrences) until a
    field changes; ``recheck`` asks for free slots for the single session again, ``focus``
    goes to the override for a series. Any other refusal marks ``field`` with ``detail``
    (and goes there), and is said in a notification (``notify``) as well.
    """

    summary: str  # the line under the form
    conflicts: list[Conflict] | None = None
    series: bool = False
    recheck: bool = False
    field: str | None = None
    detail: str = ""
    focus: str | None = None
    notify: str | None = None


# What saving a new booking does when its caller says (the booking form's ``saver``): a
# core call other than the plain booking, made in a worker; a refusal raises, as `save`.
Saver = Callable[[SaveRequest], Outcome]


def plan(session: Session | None, reading: Reading, force: str | None) -> Plan:
    """What saving a form that reads (``reading.draft``) means for ``session`` (None: new)."""
    assert reading.draft is not None
    if session is None:
        return Plan(SaveRequest(reading.draft, reading.rule, force, term=reading.term))
    changes = changes_between(session, reading.draft)
    if not changes:
        return Plan(None)
    return Plan(SaveRequest(reading.draft, reading.rule, force, changes=changes),
                ask_scope=session.series_id is not None)


def skip_request(reading: Reading) -> SaveRequest | None:
    """Book the free occurrences of a new series and leave out those that clash
    (`session add --repeat … --skip-conflicts`); None when the form does not repeat."""
    assert reading.draft is not None
    if reading.rule is None:
        return None
    return SaveRequest(reading.draft, reading.rule, skip=True, term=reading.term)


def zone_or(name: str, fallback: ZoneInfo) -> ZoneInfo:
    """The zone ``name`` names, or ``fallback`` while it names none."""
    try:
        return zone(name) if name else fallback
    except InvalidInput:
        return fallback


def past_question(request: SaveRequest, now: datetime, viewer_tz: ZoneInfo,
                  new: bool) -> str | None:
    """What to ask before a save that books or moves a session to a day before today (core
    refuses it unless told it is meant), or None when there is nothing to ask."""
    tz = zone_or(request.draft.tz, viewer_tz)
    if request.past or not request.before_today(now, new):
        return None
    return (f"{request.draft.start.astimezone(tz):%a %d %b %Y %H:%M} has passed: this records "
            "a session held, and nobody is mailed about it.")


def saves_series(session: Session | None, request: SaveRequest) -> bool:
    """Whether the save books or changes several occurrences (its clashes are dated)."""
    if session is None:
        return request.rule is not None
    return session.series_id is not None and request.scope != "this"


def skippable(new: bool, series: bool, conflicts: list[Conflict],
              occurrences: int | None) -> bool:
    """Whether "book the free ones" applies: a new series, some of it clashing, some free."""
    if not new or not series or not conflicts:
        return False
    clashing = len({c.start for c in conflicts})
    return occurrences is None or clashing < occurrences


def or_skip(can_skip: bool) -> str:
    """The end of a sentence offering the override, and "book the free ones" if it applies."""
    return f", or book only the free ones ({keys.SKIP.first})." if can_skip else "."


def save(centre: Centre, session: Session | None, request: SaveRequest,
         tz: ZoneInfo) -> Outcome:
    """Make the core call; a refusal raises (a SessionsctlError, for `refusal`)."""
    if session is None and request.rule:
        return _book_series(centre, request, tz)
    if session is None:
        booked = centre.sessions.book(request.draft, force_reason=request.force,
                                      past=request.past).session
        return Outcome([booked.id], f"Booked #{booked.id} {booked.title}")
    result = centre.sessions.edit_scoped(session.id, request.changes, scope=request.scope,
                                force_reason=request.force, past=request.past)
    if isinstance(result, SeriesResult):
        ids = [s.id for s in result.changed or result.booked]
        return Outcome(ids, f"Changed {len(ids)} occurrence{'s' if len(ids) != 1 else ''}")
    return Outcome([result.session.id], f"Changed #{result.session.id}")


def _book_series(centre: Centre, request: SaveRequest, tz: ZoneInfo) -> Outcome:
    assert request.rule is not None
    series = centre.series.create(request.draft, request.rule, term=request.term,
                                  force_reason=request.force,
                                  skip_conflicts=request.skip, past=request.past)
    ids = [s.id for s in series.booked]
    verb = f"Booked series #{series.series.id}: {counted(len(ids), 'session')}"
    if series.skipped:
        days = ", ".join(fmt.day_label(s.astimezone(tz).date())
                         for s in series.skipped[:SHOWN_SKIPPED])
        more = "…" if len(series.skipped) > SHOWN_SKIPPED else ""
        verb += f", {len(series.skipped)} left out for clashes ({days}{more})"
    if series.closed:
        verb += f", {len(series.closed)} skipped for closures"
    return Outcome(ids, verb)


def refusal(error: SessionsctlError, *, series: bool, new: bool,
            occurrences: int | None) -> Refusal:
    """What the form says of ``error``. ``series``: the save was of several occurrences;
    ``new`` and ``occurrences`` (of a new series, from its check) tell whether booking only
    the free ones can be offered."""
    if isinstance(error, ConflictError):
        conflicts = list(error.conflicts)
        if not series:
            return Refusal(f"Not saved: {error.message}. Take a free slot, or say why to book "
                           "anyway.", conflicts, recheck=True)
        clashing = len({c.start for c in conflicts})
        verb = "occurrences clash" if clashing != 1 else "occurrence clashes"
        can_skip = skippable(new, series, conflicts, occurrences)
        return Refusal(f"Not saved: {clashing} {verb}. Say why to book anyway"
                       + or_skip(can_skip), conflicts, series=True, focus="force")
    detail = error.detail if isinstance(error, InvalidInput) else error.message
    where = field_of(error)
    return Refusal(f"Not saved: {error.message}", field=where, detail=detail,
                   notify=error.message)
