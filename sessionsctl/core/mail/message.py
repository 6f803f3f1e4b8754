"""A mail message as it is sent: a rendered template, its attachments and the invitation,
built with the standard library's ``email`` package (imported by the commands that send)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid


@dataclass(frozen=True, slots=True)
class Rendered:
    """A template rendered for one recipient."""

    template: str
    subject: str
    text: str
    html: str


def _text(body: str, subtype: str) -> MIMEText:
    """A text part: plain 7-bit when it is ASCII with short lines (most mail: no encoding
    cost, readable as is), else UTF-8 in base64 (done in C; quoted-printable is pure Python
    and was the slowest step of sending)."""
    if body.isascii() and max(map(len, body.splitlines()), default=0) <= 998:
        return MIMEText(body, subtype, "us-ascii")
    return MIMEText(body, subtype, "utf-8")


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file a message carries: its name, MIME type (``text/csv``) and content."""

    filename: str
    content_type: str
    content: bytes


def _attachment(item: Attachment) -> Message:
    maintype, _, subtype = item.content_type.partition("/")
    part: Message
    if maintype == "text":
        part = _text(item.content.decode(), subtype)
    else:
        part = MIMEApplication(item.content, subtype)
    part.add_header("Content-Disposition", "attachment", filename=item.filename)
    return part


def build_message(rendered: Rendered, *, sender: str, recipient: str,
                  recipient_name: str | None = None, ics: bytes | None = None,
                  ics_method: str | None = None, message_id: str | None = None,
                  attachments: Sequence[Attachment] = ()) -> Message:
    """A multipart/alternative message (text, then HTML), with the invitation and any other
    ``attachments`` attached (a multipart/mixed around it then).

    The .ics goes in twice, as calendar clients expect: as a ``text/calendar; method=...``
    alternative (what Outlook and Gmail act on) and as an ``invite.ics`` attachment.
    Built with the classic (compat32) MIME classes: several times cheaper than
    ``EmailMessage``'s header parsing, which matters at hundreds of messages a second.
    """
    # Boundaries from a random token: the generator need not search the text for a free one.
    token = os.urandom(12).hex()
    alternative = MIMEMultipart("alternative", boundary=f"=_alt_{token}")
    alternative.attach(_text(rendered.text, "plain"))
    alternative.attach(_text(rendered.html, "html"))
    files = list(attachments)
    if ics is not None:
        calendar_part = _text(ics.decode(), "calendar")
        if ics_method:
            calendar_part.set_param("method", ics_method)
        alternative.attach(calendar_part)
        files.insert(0, Attachment("invite.ics", "application/ics", ics))
    msg: Message = alternative
    if files:
        msg = MIMEMultipart("mixed", boundary=f"=_mix_{token}")
        msg.attach(alternative)
        for item in files:
            msg.attach(_attachment(item))
    subject = rendered.subject
    msg["Subject"] = subject if subject.isascii() else Header(subject, "utf-8").encode()
    msg["From"] = sender
    msg["To"] = formataddr((recipient_name, recipient)) if recipient_name else recipient
    msg["Message-ID"] = message_id or make_msgid(domain=_domain(sender))
    msg["Date"] = formatdate(localtime=False)
    return msg


def _domain(address: str) -> str:
    return address.rpartition("@")[2].strip(">") or "localhost"
