"""What an imported file names: its people (each in a part they may play), rooms and subjects
(matched in any case, as :mod:`..names` matches them, and kept in their stored spelling), and
those missing, created with ``--create-missing``, unless an address is so like one already
registered that it is more likely a typo of it (then only with ``--allow-similar``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

from ..access import Action, require
from ..domain import rules
from ..domain.errors import Ambiguous, NotFound, either
from ..domain.model import Person, Role, Room, Series, Subject
from ..names import lookalikes, named_in
from .problems import BadFile, Problem

if TYPE_CHECKING:
    from ..domain.drafts import SessionDraft
    from ..storage import UnitOfWork


class Named(Protocol):
    """What a row names: a session draft, or the readable part of a row with problems."""

    @property
    def mentor(self) -> str: ...
    @property
    def students(self) -> tuple[str, ...]: ...
    @property
    def room(self) -> str | None: ...
    @property
    def subject(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Request:
    """What to check: the file (``source``), each row (or line) with what it names, the
    column of each kind of reference, and what may be created."""

    source: str
    entries: Sequence[tuple[int | None, Named]]
    columns: dict[str, str]  # mentor, student, room, subject -> the file's column
    unit: str = "row"
    create_missing: bool = False
    allow_similar: bool = False
    names: dict[str, str] = field(default_factory=dict)  # email -> name the file gives


@dataclass(slots=True)
class Resolved:
    """The rooms and subjects a file names, as stored (the file may spell them in another
    case), and what was created."""

    spelled: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, as written)
    created: list[str] = field(default_factory=list)

    def draft(self, d: SessionDraft) -> SessionDraft:
        """``d`` with its room and subject as stored."""
        room = self.spelled.get(("room", d.room or ""), d.room)
        subject = self.spelled.get(("subject", d.subject or ""), d.subject)
        if room == d.room and subject == d.subject:
            return d
        return replace(d, room=room, subject=subject)

    def series(self, s: Series) -> Series:
        """``s`` with the room and subject of its template as stored."""
        t = s.template
        return replace(s, template={
            **t, "room": self.spelled.get(("room", t.get("room") or ""), t.get("room")),
            "subject": self.spelled.get(("subject", t.get("subject") or ""), t.get("subject"))})


def name_from(email: str) -> str:
    local = email.split("@", 1)[0]
    return " ".join(part.capitalize() for part in local.replace("_", ".").split(".") if part) \
        or email


def _parts(req: Request, row: int | None, d: Named, people: dict[str, Person],
           missing: dict[tuple[str, str], int | None]) -> list[Problem]:
    """The people of one row: the missing ones noted, those in a part they cannot play
    returned as problems."""
    problems = []
    person = people.get(d.mentor)
    if person is None:
        missing.setdefault(("mentor", d.mentor), row)
    elif not person.role.teaches:
        problems.append(Problem(row, req.columns["mentor"],
                                f"{person.label} is {person.role.a}, not a mentor", req.unit))
    for email in d.students:
        person = people.get(email)
        if person is None:
            if ("mentor", email) not in missing:
                missing.setdefault(("student", email), row)
        elif person.role is not Role.STUDENT:
            problems.append(Problem(row, req.columns["student"],
                                    f"{person.label} is {person.role.a}, not a student",
                                    req.unit))
    return problems


def _missing(req: Request, uow: UnitOfWork, missing: dict[tuple[str, str], int | None],
             suggested: dict[tuple[str, str], list[str]]) -> list[Problem]:
    """Why the missing references cannot be created: not asked to, or named both as a
    mentor and a student, or (a person) so like someone registered that it looks a typo."""
    problems = []
    mentors = {key for (kind, key) in missing if kind == "mentor"}
    for (kind, key), row in missing.items():
        if kind == "student" and key in mentors:
            problems.append(Problem(row, req.columns["student"],
                                    f"{key} is named both as a mentor and as a student",
                                    req.unit))
    registered: list[str] | None = None
    for (kind, key), row in missing.items():
        guess = suggested.get((kind, key), [])
        if kind in ("mentor", "student") and (not req.create_missing or not req.allow_similar):
            if registered is None:
                registered = [p.email for p in uow.people.all()]
            guess = lookalikes(key, registered)
            if req.create_missing and guess:
                problems.append(Problem(row, req.columns[kind], (
                    f"no {kind} {key!r}, but {either(guess)} is registered: a typo? (correct "
                    "the file, or add --allow-similar to create it as someone new)"), req.unit))
                continue
        if not req.create_missing:
            hint = f"did you mean {either(guess)}? If not, " if guess else ""
            problems.append(Problem(row, req.columns[kind], f"no {kind} {key!r} ({hint}add it "
                                    "first, or import with --create-missing)", req.unit))
    return problems


def check(uow: UnitOfWork, req: Request, *, check_only: bool = False) -> Resolved:
    """Check that every person, room and subject the rows name exists in the right role
    (rooms and subjects in any case); create the missing ones with ``create_missing``,
    else name each with its first row. Every problem is raised at once as :class:`BadFile`."""
    people = uow.people.by_email({e for _, d in req.entries for e in (d.mentor, *d.students)})
    pools: dict[str, list[Room] | list[Subject]] = {"room": uow.rooms.all(),
                                                    "subject": uow.subjects.all()}
    missing: dict[tuple[str, str], int | None] = {}
    suggested: dict[tuple[str, str], list[str]] = {}
    resolved = Resolved()
    problems: list[Problem] = []
    for row, d in req.entries:
        problems += _parts(req, row, d, people, missing)
        for kind, value in (("room", d.room), ("subject", d.subject)):
            if value is None or (kind, value) in resolved.spelled or (kind, value) in missing:
                continue
            try:
                resolved.spelled[kind, value] = named_in(kind, value, pools[kind]).name
            except NotFound as exc:
                missing[kind, value] = row
                suggested[kind, value] = exc.suggestions
            except Ambiguous as exc:
                problems.append(Problem(row, req.columns[kind], exc.detail, req.unit))
    problems += _missing(req, uow, missing, suggested)
    if problems:
        raise BadFile(req.source, sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    if not check_only:
        resolved.created = _create(uow, req, missing)
    return resolved


def _create(uow: UnitOfWork, req: Request, missing: dict[tuple[str, str], int | None]
            ) -> list[str]:
    created: list[str] = []
    for kind, key in sorted(missing):
        if kind in ("mentor", "student"):
            require(uow.actor, Action.ADD_PERSON, role=Role(kind))
            person = uow.people.add(rules.name(req.names.get(key) or name_from(key)), key,
                                    Role(kind), None)
            uow.audit.record("add", "person", person.id, None, {"email": key, "role": kind,
                                                           "by": req.source})
        elif kind == "room":
            require(uow.actor, Action.ADD_ROOM)
            uow.rooms.add(key, None)
        else:
            require(uow.actor, Action.ADD_SUBJECT)
            uow.subjects.add(key)
        created.append(f"{kind} {key}")
    return created
