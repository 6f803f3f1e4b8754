"""Online meeting rooms: a generated Jitsi room (a readable, unguessable name under the
centre's prefix), or a Zoom meeting's link from its id."""

from __future__ import annotations

import base64
import re
import secrets
from typing import Any

from ..domain.errors import InvalidInput

JITSI = "https://meet.jit.si/"
MEETINGS = ("jitsi", "zoom")
ROOM_BITS = 130  # 26 base32 characters, more than the 128 bits a guess would have to find


def _prefix(centre: str | None) -> str:
    """The centre's name as a room name begins: its words run together, capitalised."""
    words = re.findall(r"[A-Za-z0-9]+", centre or "")
    return "".join(w[:1].upper() + w[1:] for w in words)[:40] or "Sessionsctl"


def jitsi_room(centre: str | None = None, base: str | None = None) -> str:
    """A new room on ``base`` (the public Jitsi service by default): the centre's prefix and
    26 random base32 characters from :mod:`secrets` (130 bits) in groups of five, readable
    aloud and read back, e.g. ``https://meet.jit.si/HarbourTutoring-k3jd5-...``."""
    url = (base or JITSI).strip()
    if not re.match(r"^https://[^\s/]+(/[^\s]*)?$", url):
        raise InvalidInput(f"must be an https:// address, not {url!r}", field="jitsi_url")
    if not url.endswith("/"):
        url += "/"
    token = base64.b32encode(secrets.token_bytes(17)).decode().rstrip("=").lower()[:26]
    groups = "-".join(token[i:i + 5] for i in range(0, len(token), 5))
    return f"{url}{_prefix(centre)}-{groups}"


def meeting_fields(kind: str | None, *, meeting_id: str | None, link: str | None,
                   centre: str | None = None, jitsi_url: str | None = None) -> dict[str, Any]:
    """The session fields ``--meeting KIND`` sets: a generated Jitsi room's link, or a Zoom
    meeting's link from its id (unless a link is given)."""
    if kind is None:
        return {}
    if kind not in MEETINGS:
        raise InvalidInput(f"must be one of {', '.join(MEETINGS)}", field="meeting")
    if kind == "jitsi":
        if link:
            raise InvalidInput("a Jitsi room is generated: give --meeting jitsi or --link",
                               field="meeting")
        return {"link": jitsi_room(centre, jitsi_url)}
    digits = re.sub(r"[\s-]", "", meeting_id or "")
    if not digits.isdigit():
        raise InvalidInput("--meeting zoom needs the meeting's --meeting-id (its digits)",
                           field="meeting-id")
    return {"meeting_id": meeting_id, "link": link or f"https://zoom.us/j/{digits}"}
