"""Turning an outbox message into an email: the values its template sees, its text and
HTML parts, and the .ics invitation it carries (the same UID and SEQUENCE as an export)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..domain.errors import InvalidInput, NotFound
from ..domain.model import Person, Series, Session, SessionStatus
from .message import Attachment, build_message
from .notices import ICS_METHOD, NoticeKind, OutboxMessage, valid_address

if TYPE_CHECKING:
    from .templating import Templates


@dataclass(frozen=True, slots=True)
class Loaded:
    sessions: dict[int, Session]
    series: dict[int, tuple[Series, list[Session]]]
    people: dict[str, Person]


def session_ids(msg: OutboxMessage) -> list[int]:
    """The sessions a message is about: listed in its payload, or else its own session."""
    if "sessions" in msg.payload:
        return list(msg.payload["sessions"])
    return [msg.session_id] if msg.session_id is not None else []


def template_context(msg: OutboxMessage | None, sessions: Sequence[Session],
                     person: Person | None, people: dict[str, Person],
                     sender: str, *, payload: dict[str, Any] | None = None) -> dict[str, Any]:
    """The values templates see; times are in the recipient's zone (else the session's).
    Without a message, ``payload`` stands for its payload (a preview's sample)."""
    payload = msg.payload if msg else payload or {}
    recipient = msg.recipient if msg else (person.email if person else "")
    first = sessions[0] if sessions else None
    tz = ZoneInfo(person.tz if person and person.tz else first.tz if first else "UTC")

    def name(email: str) -> str:
        return people[email].name if email in people else email

    session = None
    if first is not None:
        session = {
            "id": first.id, "title": first.title, "start": first.start.astimezone(tz),
            "end": first.end.astimezone(tz), "tz": str(tz), "status": first.status.value,
            "mentor": name(first.mentor), "mentor_email": first.mentor,
            "students": [name(s) for s in first.students], "room": first.room,
            "subject": first.subject, "type": first.type.value,
            "location": first.location, "link": first.link,
            "meeting_id": first.meeting_id, "passcode": first.passcode,
            "description": first.description,
            "cancelled": first.status is SessionStatus.CANCELLED,
        }
    previous = None
    if "previous" in payload:
        previous = {k: datetime.fromisoformat(v).astimezone(tz)
                    for k, v in payload["previous"].items()}
    return {
        "recipient": {"name": person.name if person else recipient, "email": recipient},
        "kind": msg.kind.value if msg else "preview",
        "session": session, "occurrences": len(sessions), "previous": previous,
        "reason": payload.get("reason") or (first.cancel_reason if first else None),
        "message": payload.get("message"), "series_rule": None, "sender": sender,
        "removed": bool(payload.get("removed")),
        "request": payload.get("request"), "invitation": payload.get("invitation"),
        "secret": payload.get("secret"),
        # an attendance summary: the students of each mark, by name
        "marks": {k: [name(e) for e in v] for k, v in payload["marks"].items()}
        if "marks" in payload else None,
        "absence": payload.get("absence"),  # an absence warning: rate, threshold, window
        # a report (core.reports.delivery): its title, period and figures; its HTML document
        "report": payload.get("report"), "report_html": payload.get("html"),
    }


def invitation(kind: NoticeKind, sessions: list[Session], loaded: Loaded,
               method: str) -> bytes:
    """The .ics of a notice: the same UID and SEQUENCE as ``export ics`` gives."""
    from ..exchange.ics import calendar, series_events, session_event, to_bytes

    names = {e: p.name for e, p in loaded.people.items()}
    first = sessions[0]
    if kind is not NoticeKind.CANCELLED and first.series_id in loaded.series:
        found, members = loaded.series[first.series_id]
        if found.uid == first.uid:
            events = series_events(found, members, names=names, passcodes=True)
            return to_bytes(calendar(events, method=method))
    events = [session_event(s, names=names, passcodes=True) for s in sessions]
    return to_bytes(calendar(events, method=method))


def compose(templates: Templates, msg: OutboxMessage, loaded: Loaded,
            sender: str) -> Message:
    if not valid_address(msg.recipient):
        raise InvalidInput(f"invalid recipient address {msg.recipient!r}", field="recipient")
    wanted = session_ids(msg)
    sessions = [loaded.sessions[i] for i in wanted if i in loaded.sessions]
    if wanted and not sessions:
        raise NotFound("session", wanted[0])
    person = loaded.people.get(msg.recipient)
    rendered = templates.render(
        msg.template, template_context(msg, sessions, person, loaded.people, sender))
    ics = method = None
    if msg.kind in ICS_METHOD and sessions:
        method = ICS_METHOD[msg.kind]
        ics = invitation(msg.kind, sessions, loaded, method)
    files = [Attachment(a["filename"], a["type"], a["text"].encode())
             for a in msg.payload.get("attachments", ())]
    return build_message(rendered, sender=sender, recipient=msg.recipient,
                         recipient_name=person.name if person else None,
                         ics=ics, ics_method=method, attachments=files,
                         message_id=f"<outbox-{msg.id}.{msg.created_at:%Y%m%d%H%M%S}"
                                    f"@{sender.rpartition('@')[2] or 'localhost'}>")
