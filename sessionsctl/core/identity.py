"""Who is acting: the person bound to the login that runs the program, or whom an admin acts as.

A person may have a ``login``: on PostgreSQL the database role the connection authenticated as
(``current_user``), on SQLite the operating-system user. The store reads the login and the
people it names; this module decides who acts:

- a bound login acts as its person; an admin's may act as anyone else (``--as``), and what
  they write is recorded as the person's, with the admin beside it ("admin as person");
- while no admin has a login (a brand-new database) whoever runs the program is its operator,
  with an admin's rights, and may act as anyone (the first steps need no set-up);
- once an admin has a login, an unbound login only reads what a student could (nothing of
  anyone else's) and is told how to be bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .domain.errors import NotPermitted
from .domain.model import Person, Role

if TYPE_CHECKING:
    from .context import Context

UNBOUND_ID = 0  # the id of the stand-in for a login bound to nobody


@dataclass(frozen=True, slots=True)
class Acting:
    """The outcome: ``person`` acts (None: the operator of a database with no bound admin, who
    has an admin's rights); ``by`` is the admin acting as them, if one is."""

    person: Person | None
    by: Person | None = None  # recorded with every change they make (the audit's ``login``)


def unbound(login: str) -> Person:
    """The stand-in for a login bound to no person: a student taking part in nothing (its
    name is the login)."""
    return Person(id=UNBOUND_ID, name=login, email="", role=Role.STUDENT, login=login)


def is_unbound(person: Person | None) -> bool:
    return person is not None and person.id == UNBOUND_ID


def how_to_bind(login: str) -> str:
    return (f"your login {login!r} is not bound to a person: an admin binds it with "
            f"`sessionsctl person edit EMAIL --login {login}`")


def acting(login: str, bound: Person | None, asked: Person | None, *,
           admin_bound: bool) -> Acting:
    """Who acts, for ``login`` (bound to ``bound``) asking to act as ``asked`` (``--as``)."""
    if bound is not None:
        if not bound.active:
            raise NotPermitted(f"{bound.label} (login {login!r}) is deactivated")
        if asked is None or asked.id == bound.id:
            return Acting(bound)
        if bound.role is not Role.ADMIN:
            raise NotPermitted(f"only an admin may act as another person (--as); "
                               f"you are {bound.label}, a {bound.role.value}")
        return Acting(asked, by=bound)
    if not admin_bound:
        return Acting(asked)
    if asked is not None:
        raise NotPermitted(f"only an admin may act as another person (--as); "
                           f"{how_to_bind(login)}")
    return Acting(unbound(login))


@dataclass(frozen=True, slots=True)
class Binding:
    """A person bound to a login, and the database group their role puts the login in (empty
    where the database has none: SQLite)."""

    person: Person
    group: str = ""
    created: bool = False  # the login role was made by this sync


class Bindings:
    """Who is bound to which login, and (PostgreSQL) making the database enforce it."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def sync(self) -> list[Binding]:
        """Set up the database's roles and policies for every active person with a login."""
        from .access import Action, require

        with self.ctx.write() as uow:
            require(uow.actor, Action.SYNC_ACCESS)
            people = [p for p in uow.people.all() if p.login and p.active]
            done = {login: (group, created) for login, group, created
                    in uow.access.sync([(p.login or "", p.role.value) for p in people])}
            uow.audit.record("sync", "access", "roles", None,
                             {p.login or "": done[p.login or ""][0] for p in people})
            return [Binding(p, *done[p.login or ""]) for p in people]

    def show(self) -> list[Binding]:
        """Every person with a login, and the group the database has their login in."""
        with self.ctx.read() as uow:
            groups = dict(uow.access.members())
            return [Binding(p, groups.get(p.login or "", "")) for p in uow.people.all()
                    if p.login]
