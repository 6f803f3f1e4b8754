"""Every problem of a session draft at once, by field, for a form to show beside each field.

``rules.validate_session`` stops at the first problem, which suits a command; a form wants
them all. Each problem found is set aside by putting a known-good value in that field and
validating again, so the rules themselves stay in one place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, timedelta
from typing import TYPE_CHECKING

from . import rules
from .errors import InvalidInput

if TYPE_CHECKING:
    from .drafts import SessionDraft

_GOOD: dict[str, Callable[[SessionDraft], SessionDraft]] = {
    "title": lambda d: replace(d, title="untitled"),
    "tz": lambda d: replace(d, tz="UTC"),
    "start": lambda d: replace(d, start=d.start.replace(tzinfo=d.start.tzinfo or UTC),
                               end=d.end.replace(tzinfo=d.end.tzinfo or UTC)),
    "end": lambda d: replace(d, end=d.start + timedelta(hours=1)),
    "mentor": lambda d: replace(d, mentor="mentor@example.org"),
    "student": lambda d: replace(d, students=()),
    "max_participants": lambda d: replace(d, max_participants=None),
    "cost": lambda d: replace(d, cost=None),
}


def problems(draft: SessionDraft) -> dict[str, str]:
    """Field name -> what is wrong with it; empty when ``rules.validate_session`` accepts it."""
    found: dict[str, str] = {}
    for _ in range(len(_GOOD) + 1):
        try:
            rules.validate_session(draft)
            return found
        except InvalidInput as exc:
            field = exc.field or "draft"
            fix = _GOOD.get(field)
            if field in found or fix is None:
                found.setdefault(field, exc.detail)
                return found
            found[field] = exc.detail
            draft = fix(draft)
    return found
