"""What the words a user types name: a person (by email or by name), a room, a subject.

One rule for every command, form and file: an email matches exactly, in any case; a name
matches a person's, room's or subject's whole name in any case (the stored spelling is what
is kept); a name that fits several is refused with each of them (:class:`Ambiguous`, exit 2),
and one that fits nothing is answered with the nearest there are (:class:`NotFound` with
"did you mean ...?", exit 4). rapidfuzz ranks the near misses; it is imported only then.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .access import seen_people
from .domain.errors import Ambiguous, NotFound
from .domain.model import Person, Role, Room, Subject

if TYPE_CHECKING:
    from .domain.drafts import SessionDraft, SessionQuery
    from .storage import UnitOfWork

SUGGESTED = 3  # near misses offered at most
NEAR = 75  # how alike (0-100, rapidfuzz's WRatio) a near miss is at least
# An address not registered but this like one that is (rapidfuzz's ratio, 0-100) is taken
# for a typo of it: the same local part at a domain this alike, the same domain with a local
# part this alike, or else the whole address this alike.
ALIKE_DOMAIN, ALIKE_LOCAL, ALIKE_ADDRESS = 80, 85, 90

# The fields of a draft (and a query) that name people, rooms and subjects, and the part a
# person named there plays.
PARTS = {"mentor": "mentor", "students": "student", "student": "student"}


class HasName(Protocol):
    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=HasName)


def folded(text: str) -> str:
    """Text as names are compared: spaces collapsed, case folded."""
    return " ".join(text.split()).casefold()


def is_email(text: str) -> bool:
    return "@" in text


def matches(person: Person, ref: str) -> bool:
    """Whether ``ref`` (an email or a name) names ``person``."""
    text = ref.strip()
    if is_email(text):
        return person.email == text.lower()
    return folded(person.name) == folded(text)


def fits(person: Person, part: str) -> bool:
    """Whether ``person`` can play ``part`` (mentor, student, or any person)."""
    if part == "student":
        return person.role is Role.STUDENT
    if part == "mentor":
        return person.role.teaches
    return True


def person_in(ref: str, people: Iterable[Person], *, part: str = "person",
              field: str | None = None,
              everyone: Callable[[], Iterable[Person]] | None = None) -> Person:
    """The one of ``people`` that ``ref`` names. Several people of one name are told apart by
    ``part`` (a student's name given for a student); if that leaves several, :class:`Ambiguous`.
    None: :class:`NotFound`, with the nearest of ``everyone`` (default: ``people``)."""
    pool = list(people)
    found = [p for p in pool if matches(p, ref)]
    if len(found) > 1:
        fitting = [p for p in found if fits(p, part)]
        if len(fitting) == 1:
            return fitting[0]
        raise Ambiguous(ref.strip(), [p.label for p in sorted(fitting or found,
                                                               key=lambda p: p.email)],
                        field=field or part)
    if found:
        return found[0]
    raise unknown_person(ref, everyone() if everyone is not None else pool, part)


def unknown_person(ref: str, people: Iterable[Person], part: str = "person") -> NotFound:
    """The refusal of ``ref``, naming the people it most likely meant: those with an address
    it looks a typo of (for an email), or with the nearest names."""
    pool = list(people)
    text = ref.strip()
    if is_email(text):
        by_email = {p.email: p for p in pool}
        guesses = [by_email[e].label for e in lookalikes(text.lower(), list(by_email))]
    else:
        guesses = near(text, [p.name for p in pool], [p.label for p in pool])
    return NotFound(part, text, guesses)


def named_in(kind: str, ref: str, records: Iterable[N], *, field: str | None = None) -> N:
    """The one of ``records`` (rooms, subjects) called ``ref``: its exact spelling, else the
    only one spelled so in another case."""
    pool = list(records)
    text = " ".join(ref.split())
    exact = [r for r in pool if r.name == text]
    if exact:
        return exact[0]
    found = [r for r in pool if folded(r.name) == folded(text)]
    if len(found) == 1:
        return found[0]
    if found:
        raise Ambiguous(text, sorted(r.name for r in found), field=field or kind)
    raise NotFound(kind, text, near(text, [r.name for r in pool]))


def near(text: str, choices: Sequence[str], labels: Sequence[str] | None = None) -> list[str]:
    """The labels of the ``choices`` most like ``text`` (each label once), best first."""
    if not choices or not text.strip():
        return []
    from rapidfuzz import fuzz, process, utils  # only on the way to an error

    shown = labels if labels is not None else choices
    found: list[str] = []
    for _choice, _score, i in process.extract(text, choices, scorer=fuzz.WRatio,
                                              processor=utils.default_process, limit=None,
                                              score_cutoff=NEAR):
        if shown[i] not in found:
            found.append(shown[i])
        if len(found) == SUGGESTED:
            break
    return found


def lookalikes(email: str, known: Sequence[str]) -> list[str]:
    """The registered addresses (``known``) that ``email``, which is not one of them, is
    most likely a typo of, best first: ``ada@exmaple.org`` for ``ada@example.org``."""
    if not known:
        return []
    from rapidfuzz import fuzz, process

    local, _, domain = email.partition("@")
    found: list[tuple[float, str]] = []
    for other, score, _i in process.extract(email, known, scorer=fuzz.ratio, limit=None,
                                            score_cutoff=60):
        their_local, _, their_domain = other.partition("@")
        if other == email:
            continue
        if their_local == local:
            alike = fuzz.ratio(domain, their_domain) >= ALIKE_DOMAIN
        elif their_domain == domain:
            alike = fuzz.ratio(local, their_local) >= ALIKE_LOCAL
        else:
            alike = score >= ALIKE_ADDRESS
        if alike:
            found.append((score, other))
    return [other for _score, other in sorted(found, key=lambda f: (-f[0], f[1]))[:SUGGESTED]]


class Resolver(ABC):
    """The rule above applied to the fields of a draft, a change or a query; where the
    people, rooms and subjects come from is a subclass's (:class:`Names`, :class:`Listed`)."""

    @abstractmethod
    def person(self, ref: str, part: str = "person", *, field: str | None = None) -> Person:
        """The person ``ref`` (an email or a name) names, told apart by ``part``."""

    @abstractmethod
    def room(self, ref: str, *, field: str | None = None) -> Room: ...

    @abstractmethod
    def subject(self, ref: str, *, field: str | None = None) -> Subject: ...

    def fields(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """``values`` (fields of a draft, a change or a query) with each person, room and
        subject they name as stored: people by email, rooms and subjects by their spelling.
        Other fields, and a blank or missing reference, are left as they are."""
        out = dict(values)
        for key, value in values.items():
            if not value:
                continue
            if key in ("mentor", "student"):
                out[key] = self.person(value, PARTS[key]).email
            elif key == "students":
                out[key] = tuple(self.person(v, "student").email for v in value)
            elif key == "room":
                out[key] = self.room(value).name
            elif key == "subject":
                out[key] = self.subject(value).name
        return out

    def draft(self, draft: SessionDraft) -> SessionDraft:
        return replace(draft, **self.fields({k: getattr(draft, k) for k in (
            "mentor", "students", "room", "subject")}))

    def query(self, query: SessionQuery) -> SessionQuery:
        return replace(query, **self.fields({k: getattr(query, k) for k in (
            "mentor", "student", "room", "subject")}))


class Names(Resolver):
    """Against the store, in one unit of work: a person is one query (by email, or by name),
    a room or subject one by its exact spelling; the whole directory is read only to tell
    another spelling apart, or to suggest the nearest after a miss."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def person(self, ref: str, part: str = "person", *, field: str | None = None) -> Person:
        text = ref.strip()
        if is_email(text):
            person = self.uow.people.get(text)
            candidates = [person] if person is not None else []
        else:
            candidates = self.uow.people.named(text)
        return person_in(text, candidates, part=part, field=field, everyone=self._everyone)

    def _everyone(self) -> list[Person]:
        """Everyone the acting person may list: the pool "did you mean" draws from."""
        return seen_people(self.uow.actor, self.uow.people.all())

    def unknown(self, ref: str, part: str = "person") -> NotFound:
        """The refusal of a person who is not registered, with the nearest who are."""
        return unknown_person(ref, self._everyone(), part)

    def missing(self, kind: str, name: str) -> NotFound:
        """The refusal of a room or subject (``kind``) there is none of by this exact name,
        with the nearest there are."""
        pool = self.uow.rooms.all() if kind == "room" else self.uow.subjects.all()
        return NotFound(kind, name, near(name, [r.name for r in pool]))

    def room(self, ref: str, *, field: str | None = None) -> Room:
        return self.uow.rooms.get(ref.strip()) or named_in("room", ref, self.uow.rooms.all(),
                                                          field=field)

    def subject(self, ref: str, *, field: str | None = None) -> Subject:
        return self.uow.subjects.get(ref.strip()) or named_in(
            "subject", ref, self.uow.subjects.all(), field=field)


class Listed(Resolver):
    """Against people, rooms and subjects a face holds already (a form's pickers)."""

    def __init__(self, people: Iterable[Person], rooms: Iterable[Room],
                 subjects: Iterable[Subject]) -> None:
        self.people = list(people)
        self.rooms = list(rooms)
        self.subjects = list(subjects)

    def person(self, ref: str, part: str = "person", *, field: str | None = None) -> Person:
        return person_in(ref, self.people, part=part, field=field)

    def room(self, ref: str, *, field: str | None = None) -> Room:
        return named_in("room", ref, self.rooms, field=field)

    def subject(self, ref: str, *, field: str | None = None) -> Subject:
        return named_in("subject", ref, self.subjects, field=field)
