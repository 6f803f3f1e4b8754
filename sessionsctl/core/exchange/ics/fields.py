"""What iCalendar has no field for: our X-SESSIONSCTL-* properties and the joining details in DESCRIPTION.

Both sides use these names: :mod:`.writing` puts them into an event and :mod:`.reading` takes
them back out, so a file we wrote imports back exactly; other clients ignore the properties
and show the details as part of the description.
"""

from __future__ import annotations

X_ROOM = "X-SESSIONSCTL-ROOM"
X_TYPE = "X-SESSIONSCTL-TYPE"
X_MEETING_ID = "X-SESSIONSCTL-MEETING-ID"
X_PASSCODE = "X-SESSIONSCTL-PASSCODE"
X_MAX = "X-SESSIONSCTL-MAX-PARTICIPANTS"
X_NOTES = "X-SESSIONSCTL-NOTES"
X_LOCATION = "X-SESSIONSCTL-LOCATION"
JOIN_LABEL = "Join: "
MEETING_ID_LABEL = "Meeting ID: "
PASSCODE_LABEL = "Passcode: "


def description_text(description: str | None, link: str | None, meeting_id: str | None,
                     passcode: str | None) -> str | None:
    """DESCRIPTION: the session's own text, then a block of how to join (the link, shown only
    with a meeting id or passcode, then those); None when there is nothing to say."""
    text = [description] if description else []
    details = []
    if meeting_id:
        details.append(MEETING_ID_LABEL + meeting_id)
    if passcode:
        details.append(PASSCODE_LABEL + passcode)
    if link and details:
        details.insert(0, JOIN_LABEL + link)
    if details:
        text.append("\n".join(details))
    return "\n\n".join(text) if text else None


def split_description(text: str | None) -> tuple[str | None, str | None, str | None]:
    """(description, meeting id, passcode): the details block :func:`description_text`
    appends is taken back out."""
    if not text:
        return None, None, None
    meeting = passcode = None
    body, sep, tail = text.rpartition("\n\n")
    block = tail if sep else text
    lines = block.splitlines()
    if lines and all(line.startswith((JOIN_LABEL, MEETING_ID_LABEL, PASSCODE_LABEL))
                     for line in lines):
        for line in lines:
            if line.startswith(MEETING_ID_LABEL):
                meeting = line[len(MEETING_ID_LABEL):].strip() or None
            elif line.startswith(PASSCODE_LABEL):
                passcode = line[len(PASSCODE_LABEL):].strip() or None
        if meeting or passcode:
            return (body or None) if sep else None, meeting, passcode
    return text, None, None
