"""What every screen shares: the centre, the viewer's zone, the clock, and name look-ups."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from ..core.centre import Centre
from ..core.domain.model import Person, Role, Room, Subject, Term
from ..core.names import Listed


@dataclass
class TuiContext:
    """The app's shared state. ``people``, ``rooms``, ``subjects`` and ``terms`` are filled (and
    refreshed) by a worker; until then names fall back to email addresses."""

    centre: Centre
    tz: ZoneInfo
    clock: Callable[[], datetime]
    db_label: str
    actor: Person | None = None
    people: dict[str, Person] = field(default_factory=dict)
    rooms: list[Room] = field(default_factory=list)
    subjects: list[Subject] = field(default_factory=list)
    terms: list[Term] = field(default_factory=list)  # what a repeating booking may run within

    @property
    def tz_name(self) -> str:
        return self.tz.key

    def now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def today(self) -> date:
        return self.now().astimezone(self.tz).date()

    def local(self, instant: datetime) -> datetime:
        return instant.astimezone(self.tz)

    def name(self, email: str | None) -> str:
        if not email:
            return ""
        person = self.people.get(email)
        return person.name if person else email

    def known(self) -> Listed | None:
        """What the booking form resolves names against: the people, rooms and subjects
        read so far (None until they are)."""
        if not self.people:
            return None
        return Listed(self.people.values(), self.rooms, self.subjects)

    def of_role(self, *roles: Role) -> list[Person]:
        return sorted((p for p in self.people.values() if p.role in roles),
                      key=lambda p: (p.name.lower(), p.email))

    def actor_label(self) -> str:
        if self.actor is None:
            return "local operator (admin)"
        return f"{self.actor.name} ({self.actor.role.value})"
