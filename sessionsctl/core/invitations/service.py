"""The use cases of invitations: send (mail a token), accept or decline with it, list,
resend (a new token; the old one dies) and revoke.

A token is the invitee's authority: whoever holds it may accept, as its email, without a
role of their own (an unknown email becomes a student, named with ``--name``). A learner
joins the session's students through the conflict judge; an instructor or observer is a
guest of the session kept on the accepted invitation (in no roster, so in no report)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..access import Action, require, sees_everything
from ..domain.drafts import SessionQuery
from ..domain.errors import ConflictError, InvalidInput, NotFound, Taken
from ..domain.model import Role, Session, SessionStatus
from ..mail.notices import Notice, NoticeKind, format_duration, valid_address
from ..schedule.booking import draft_of
from ..schedule.conflicts import Conflict
from ..schedule.registration import free_seats
from ..schedule.sessions import get_session
from .model import (
    DEFAULT_EXPIRY,
    LONGEST_EXPIRY,
    PER_HOUR,
    TEMPLATE,
    Invitation,
    InviteRole,
    InviteStatus,
    invite_url,
    matches,
    new_secret,
    read_token,
    token,
)

if TYPE_CHECKING:
    from ..context import Context
    from ..mail.notify import Notifier
    from ..schedule.booker import Booker
    from ..storage import UnitOfWork


@dataclass(frozen=True, slots=True)
class Answered:
    """What an accept or decline did: the invitation, and the session joined (if any)."""

    invitation: Invitation
    session: Session | None = None
    created: bool = False  # the invitee was not known and was added as a student


class Invitations:
    """Inviting people to a session by mail."""

    def __init__(self, ctx: Context, booker: Booker, notifier: Notifier) -> None:
        self.ctx = ctx
        self.booker = booker
        self.notifier = notifier

    # ------------------------------------------------------------------------ send
    def send(self, session_id: int, emails: Sequence[str], role: InviteRole, *,
             expires: timedelta = DEFAULT_EXPIRY, base_url: str | None = None
             ) -> list[Invitation]:
        """Invite each email to the session (its mentor, or staff): one mail each, with a
        token valid for ``expires``; at most :data:`PER_HOUR` mails a session an hour."""
        wanted = list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))
        if not wanted:
            raise InvalidInput("give at least one email", field="email")
        for email in wanted:
            if not valid_address(email):
                raise InvalidInput(f"{email!r} is not an email address", field="email")
        _check_expiry(expires)
        with self.ctx.write() as uow:
            session = self._open_session(uow, session_id)
            now = self.ctx.clock()
            self._within_rate(uow, session_id, len(wanted), now)
            pending = {i.email: i for i in uow.invitations.find(session_id, InviteStatus.PENDING)
                       if i.expires_at > now}
            made = []
            for email in wanted:
                if email in pending:
                    raise InvalidInput(f"{email} is already invited (invitation "
                                       f"{pending[email].id}): resend it instead", field="email")
                if email == session.mentor or email in session.students:
                    raise InvalidInput(f"{email} already takes part in session {session_id}",
                                       field="email")
                secret, digest = new_secret()
                invitation = uow.invitations.add(session_id, email, role, digest, now + expires,
                                                 now)
                self._mail(uow, invitation, secret, base_url, now)
                uow.audit.record("invite", "invitation", invitation.id, None,
                                 invitation.public())
                made.append(invitation)
            return made

    def _open_session(self, uow: UnitOfWork, session_id: int) -> Session:
        session = get_session(uow, session_id, Action.EDIT_SESSION)
        if session.status is not SessionStatus.SCHEDULED or session.end <= self.ctx.clock():
            raise InvalidInput(f"session {session_id} is {session.status.label} or over: "
                               "nobody can be invited to it", field="session")
        return session

    @staticmethod
    def _within_rate(uow: UnitOfWork, session_id: int, more: int, now: datetime) -> None:
        sent = uow.invitations.sent_since(session_id, now - timedelta(hours=1))
        if sent + more > PER_HOUR:
            raise InvalidInput(f"at most {PER_HOUR} invitations an hour for one session "
                               f"({sent} sent in the last hour): try again later",
                               field="session")

    @staticmethod
    def _mail(uow: UnitOfWork, invitation: Invitation, secret: str, base_url: str | None,
              now: datetime) -> None:
        """Queue the invitation mail. The token rides in the outbox only until it is sent
        (the sender drops ``secret`` then); the database keeps its digest alone."""
        value = token(invitation.id, secret)
        uow.outbox.enqueue([Notice(
            NoticeKind.CUSTOM, TEMPLATE, invitation.email, invitation.session_id, None,
            {"invitation": {"id": invitation.id, "role": invitation.role.value,
                            "expires": invitation.expires_at.isoformat(),
                            "valid_for": format_duration(invitation.expires_at - now)},
             "secret": {"token": value, "url": invite_url(base_url, value)}})], now=now)

    # ----------------------------------------------------------------- the invitee
    def accept(self, text: str, *, name: str | None = None) -> Answered:
        """Take up the invitation ``text`` names: its email joins the session in its role
        (a learner only where no conflict stands in the way)."""
        return self._answer(text, InviteStatus.ACCEPTED, name)

    def decline(self, text: str) -> Answered:
        return self._answer(text, InviteStatus.DECLINED, None)

    def _answer(self, text: str, target: InviteStatus, name: str | None) -> Answered:
        number, secret = read_token(text)
        expired: Invitation | None = None
        with self.ctx.write() as uow:
            invitation = matches(uow.invitations.get(number), secret)
            now = self.ctx.clock()
            if invitation.status is InviteStatus.PENDING and invitation.expires_at <= now:
                uow.invitations.move(number, (InviteStatus.PENDING,), InviteStatus.EXPIRED, now)
                expired = invitation
            else:
                return self._answered(uow, invitation, target, name, now)
        raise Taken(f"invitation {expired.id} expired on {expired.expires_at:%Y-%m-%d %H:%M} "
                    "UTC: ask for it to be sent again")

    def _answered(self, uow: UnitOfWork, invitation: Invitation, target: InviteStatus,
                  name: str | None, now: datetime) -> Answered:
        if invitation.status is not InviteStatus.PENDING:
            raise Taken(f"invitation {invitation.id} was {invitation.status.value}: it cannot "
                        "be used again")
        session: Session | None = None
        created = False
        if target is InviteStatus.ACCEPTED:
            person = uow.people.get(invitation.email)
            if person is None:
                if not (name or "").strip():
                    raise InvalidInput(f"{invitation.email} is new here: give your name "
                                       "(--name)", field="name")
                person = uow.people.add(" ".join((name or "").split()), invitation.email,
                                        Role.STUDENT, None)
                uow.audit.record("add", "person", person.id, None,
                                 {"email": person.email, "name": person.name,
                                  "role": person.role.value, "by": "invitation"})
                created = True
            found = uow.sessions.get(invitation.session_id)
            if found is None:
                raise NotFound("session", invitation.session_id)
            session = found
            if invitation.role is InviteRole.LEARNER:
                session = self._join(uow, found, person.email, person.role)
        if not uow.invitations.move(invitation.id, (InviteStatus.PENDING,), target, now,
                                    person=invitation.email if session else None):
            raise Taken(f"invitation {invitation.id} was used a moment ago")
        after = uow.invitations.get(invitation.id)
        assert after is not None
        uow.audit.record(target.value, "invitation", invitation.id, invitation.public(),
                         after.public())
        return Answered(after, session, created)

    def _join(self, uow: UnitOfWork, session: Session, email: str, role: Role) -> Session:
        if role is not Role.STUDENT:
            raise InvalidInput(f"{email} is {role.a}: only a student joins as a learner",
                               field="token")
        if session.status is not SessionStatus.SCHEDULED:
            raise InvalidInput(f"session {session.id} is {session.status.label}", field="token")
        if email in session.students:
            return session
        draft = replace(draft_of(session), students=tuple(sorted((*session.students, email))))
        refs = self.booker.resolve(uow, [draft])
        [found] = self.booker.against_stored(uow, [draft], refs, [session.id])
        # The seats as registration counts them: every student, where the draft holds only
        # those the connection sees (a student's own login sees none but itself).
        found = [c for c in found if c.kind != "capacity"]
        if free_seats(uow, session) == 0:
            found.append(Conflict("capacity", session.start,
                                  f"session {session.id} is full ({session.seats} seats taken)"))
        if found:
            raise ConflictError(found)
        # One seat added, as `session enrol` adds it (a student's own login may write no
        # more: the store takes it through the database's function), and only they told.
        uow.sessions.add_students(session.id, [email])
        after = uow.sessions.get(session.id)
        assert after is not None
        self.notifier.roster(uow, after, added=[email])
        return after

    # ---------------------------------------------------------------- the inviter
    def find(self, session_id: int | None = None,
             status: InviteStatus | None = None) -> list[Invitation]:
        """The invitations to the sessions the acting person may invite to (all for staff;
        a mentor's own sessions'), a pending one past its expiry shown as expired."""
        with self.ctx.read() as uow:
            now = self.ctx.clock()
            if session_id is not None:
                get_session(uow, session_id, Action.EDIT_SESSION)
            found = [i.shown(now) for i in uow.invitations.find(session_id)]
            if not sees_everything(uow.actor):
                ids = tuple({i.session_id for i in found})
                mine = {s.id for s in uow.sessions.find(SessionQuery(ids=ids))
                        if uow.actor is not None and s.mentor == uow.actor.email} if ids else set()
                found = [i for i in found if i.session_id in mine]
        return [i for i in found if status is None or i.status is status]

    def _mine(self, uow: UnitOfWork, invitation_id: int) -> Invitation:
        invitation = uow.invitations.get(invitation_id)
        if invitation is None:
            raise NotFound("invitation", invitation_id)
        session = uow.sessions.get(invitation.session_id)
        if session is None:
            raise NotFound("session", invitation.session_id)
        require(uow.actor, Action.EDIT_SESSION, session=session)
        return invitation

    def resend(self, invitation_id: int, *, expires: timedelta = DEFAULT_EXPIRY,
               base_url: str | None = None) -> Invitation:
        """Mail a new token (the old one no longer works) for a pending or expired
        invitation, valid for ``expires`` from now."""
        _check_expiry(expires)
        with self.ctx.write() as uow:
            invitation = self._mine(uow, invitation_id)
            self._open_session(uow, invitation.session_id)
            now = self.ctx.clock()
            self._within_rate(uow, invitation.session_id, 1, now)
            secret, digest = new_secret()
            if not uow.invitations.renew(invitation_id, digest, now + expires, now):
                raise Taken(f"invitation {invitation_id} was {invitation.status.value}: "
                            "send a new one instead")
            after = uow.invitations.get(invitation_id)
            assert after is not None
            self._mail(uow, after, secret, base_url, now)
            uow.audit.record("resend", "invitation", invitation_id, invitation.public(),
                             after.public())
            return after

    def revoke(self, invitation_id: int) -> Invitation:
        """Withdraw a pending invitation: its token no longer works."""
        with self.ctx.write() as uow:
            invitation = self._mine(uow, invitation_id)
            now = self.ctx.clock()
            if not uow.invitations.move(invitation_id, (InviteStatus.PENDING,),
                                        InviteStatus.REVOKED, now):
                raise Taken(f"invitation {invitation_id} was {invitation.status.value}: "
                            "there is nothing to revoke")
            after = uow.invitations.get(invitation_id)
            assert after is not None
            uow.audit.record("revoke", "invitation", invitation_id, invitation.public(),
                             after.public())
            return after


def _check_expiry(expires: timedelta) -> None:
    if not timedelta(minutes=5) <= expires <= LONGEST_EXPIRY:
        raise InvalidInput(f"an invitation lasts 5m to {format_duration(LONGEST_EXPIRY)}",
                           field="expires")
