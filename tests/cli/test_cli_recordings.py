"""`session recording`: links to a session's recordings, added by its mentor or staff
(audited); its participants see them all, others who may see the session the --public ones."""

from __future__ import annotations

from datetime import timedelta

from .conftest import Seeded
from .test_cli_live import _at

VIDEO = "https://video.example.org/v/8812"
OPEN = "https://video.example.org/v/8813"


def test_mentor_and_staff_keep_recordings_participants_see_them_all(seeded: Seeded) -> None:
    run = seeded.run
    s = seeded.book(_at(-timedelta(hours=3)), students=[seeded.sam], extra=["--no-notify"])
    sid = str(s["id"])
    kept = run.json("session", "recording", sid, VIDEO, "--title", "Part 1", as_=seeded.ada)
    assert (kept["url"], kept["title"], kept["public"], kept["added_by"]) == (
        VIDEO, "Part 1", False, seeded.ada)
    said = run.ok("session", "recording", sid, OPEN, "--public", as_=seeded.desk).stdout
    assert "kept on session" in said and "anyone who may see the session" in said
    listed = run.json("session", "recording", sid, "--list", as_=seeded.sam)
    assert [(r["url"], r["public"]) for r in listed] == [(VIDEO, False), (OPEN, True)]
    shown = run.json("session", "show", sid, as_=seeded.sam)
    assert [r["url"] for r in shown["recordings"]] == [VIDEO, OPEN]
    table = run.ok("session", "show", sid).stdout
    assert "Recordings" in table and "Part 1" in table
    run.fails(5, "session", "recording", sid, VIDEO, as_=seeded.sam)  # a student adds none
    run.fails(5, "session", "recording", sid, VIDEO, as_=seeded.bob)  # not their session
    assert "not a web link" in run.fails(2, "session", "recording", sid, "ftp://x/y").stderr
    run.fails(2, "session", "recording", sid, VIDEO, "--list")
    run.fails(4, "session", "recording", "999", VIDEO)
    assert len(run.json("session", "recording", sid, "--list")) == 2  # nothing else was kept
    changes = run.json("audit", "list", "--session", sid, as_=seeded.desk)
    assert sum(c["action"] == "recording" for c in changes) == 2


def test_others_who_see_the_session_get_only_the_public_ones(seeded: Seeded) -> None:
    run = seeded.run
    s = seeded.book(_at(-timedelta(hours=3)), students=[seeded.sam], extra=["--no-notify"])
    sid = str(s["id"])
    run.ok("course", "add", "Maths")
    run.ok("course", "assign", "Maths", "-", sid)
    run.ok("course", "enrol", "Maths", seeded.lee)
    run.ok("session", "recording", sid, VIDEO, as_=seeded.ada)
    run.ok("session", "recording", sid, OPEN, "--public", "--title", "Open", as_=seeded.ada)
    assert [r["url"] for r in run.json("session", "recording", sid, "--list",
                                       as_=seeded.lee)] == [OPEN]
    assert [r["url"] for r in run.json("session", "show", sid, as_=seeded.lee)
            ["recordings"]] == [OPEN]
    assert VIDEO not in run.ok("session", "show", sid, as_=seeded.lee).stdout
    run.fails(5, "session", "recording", sid, "--list", as_=seeded.kim)  # may not see it
    none = seeded.book(_at(timedelta(days=2)), title="Later", extra=["--no-notify"])
    assert "has no recordings" in run.ok("session", "recording", str(none["id"])).stdout
