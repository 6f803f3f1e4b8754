"""Meeting rooms: `--meeting jitsi` generates a readable, unguessable room under the centre's
prefix (on a configurable server), `--meeting zoom` keeps Zoom's fields; the link reaches the
mail and the .ics, the passcode only those who may read it."""

from __future__ import annotations

import re

from sessionsctl.core.schedule.meeting import jitsi_room

from .conftest import Seeded

FUTURE = "2030-10-15 16:00"
ROOM = re.compile(r"^https://meet\.jit\.si/HarbourTutoring(-[a-z2-7]{5}){5}-[a-z2-7]$")


def test_generated_rooms_are_readable_unguessable_and_unique() -> None:
    rooms = {jitsi_room("Harbour tutoring") for _ in range(2000)}
    assert len(rooms) == 2000
    assert all(ROOM.match(r) for r in rooms)
    # 26 base32 characters: 130 bits; every character is used at every place.
    tokens = [r.rsplit("/", 1)[1].split("-", 1)[1].replace("-", "") for r in rooms]
    assert {len(t) for t in tokens} == {26}
    assert all(len({t[i] for t in tokens}) == 32 for i in range(25))
    assert jitsi_room(None, "https://meet.example.org/rooms").startswith(
        "https://meet.example.org/rooms/Sessionsctl-")


def test_session_add_and_edit_make_rooms(seeded: Seeded) -> None:
    run = seeded.run
    centre = {"SESSIONSCTL_CENTRE": "Harbour tutoring"}
    s = run.json("session", "add", "--title", "Revision", "--mentor", seeded.ada, "--start",
                 FUTURE, "--duration", "60", "--student", seeded.sam, "--meeting", "jitsi",
                 env=centre)
    assert ROOM.match(s["link"])
    again = run.json("session", "edit", str(s["id"]), "--meeting", "jitsi", env={
        **centre, "SESSIONSCTL_JITSI_URL": "https://jitsi.example.org"})
    assert again["link"].startswith("https://jitsi.example.org/HarbourTutoring-")
    preview = run.ok("mail", "preview", "booked", "--session", str(s["id"])).stdout
    assert again["link"] in preview
    zoom = run.json("session", "edit", str(s["id"]), "--meeting", "zoom", "--meeting-id",
                    "812 3456 7890", "--passcode", "s3cret")
    assert zoom["link"] == "https://zoom.us/j/81234567890" and zoom["meeting_id"] == "812 3456 7890"
    ics = run.ok("export", "ics").stdout
    assert "URL:https://zoom.us/j/81234567890" in ics and "s3cret" not in ics
    assert "LOCATION:https://zoom.us/j/81234567890" in ics  # online: where its link is
    # Taking part, Sam reads the passcode; Kim, who does not, is not shown the session.
    assert run.json("session", "show", str(s["id"]), as_=seeded.sam)["passcode"] == "s3cret"
    run.fails(5, "session", "show", str(s["id"]), as_=seeded.kim)
    assert "--meeting-id" in run.fails(2, "session", "edit", str(s["id"]), "--meeting",
                                       "zoom").stderr
    assert "one of jitsi, zoom" in run.fails(2, "session", "edit", str(s["id"]), "--meeting",
                                             "skype").stderr
    assert "jitsi_url" in run.fails(2, "session", "edit", str(s["id"]), "--meeting", "jitsi",
                                    env={"SESSIONSCTL_JITSI_URL": "ftp://x"}).stderr
