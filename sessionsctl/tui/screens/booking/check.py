"""The booking form's live check: what the draft clashes with and the next free slots, or the
reference it names that does not exist (no Textual here; the form runs it in a worker)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ....core.domain import policy
from ....core.domain.drafts import SessionDraft
from ....core.domain.errors import InvalidInput, NotFound, NotPermitted
from ....core.schedule.conflicts import Conflict
from ....core.schedule.slots import Slot
from .reading import field_of

if TYPE_CHECKING:
    from ....core.centre import Centre

SLOTS = 5  # free slots offered beside a clash


@dataclass(frozen=True, slots=True)
class Check:
    """What the check found. ``series``: every occurrence of a new series was checked
    (``occurrences`` of them); slots are not offered for a series."""

    conflicts: list[Conflict]
    slots: list[Slot] = field(default_factory=list)
    problem: str | None = None  # a reference core could not resolve (unknown mentor...)
    problem_field: str | None = None
    series: bool = False
    occurrences: int | None = None


def check(centre: Centre, draft: SessionDraft, *, exclude: Sequence[int] = (),
          rule: str | None = None, term: str | None = None) -> Check:
    """Check ``draft`` as booking it would (``rule``: a new series, every occurrence, within
    ``term`` if one is named);
    ``exclude`` is the session being changed, which neither clashes with itself nor blocks
    its own new slot."""
    try:
        if rule is not None:
            # A start free for the first occurrence says nothing of the rest: no slots.
            planned = centre.series.check(draft, rule, term=term)
            return Check(planned.conflicts, series=True, occurrences=len(planned.starts))
        conflicts = centre.sessions.check(draft, exclude=list(exclude))
        slots: list[Slot] = []
        if conflicts:
            slots = centre.slots.find(draft, until=draft.start + policy.SLOT_HORIZON, count=SLOTS)
            if exclude:
                slots = [s for s in slots if s.start != draft.start]
    except (InvalidInput, NotFound) as exc:
        problem = (f"no {exc.kind} {exc.key}" if isinstance(exc, NotFound) else exc.detail)
        return Check([], problem=problem, problem_field=field_of(exc, default="title"))
    except NotPermitted as exc:  # e.g. a mentor trying a booking for another mentor
        return Check([], problem=exc.message, problem_field="mentor")
    return Check(conflicts, slots)
