"""Registration for group sessions: `session open`, `register`, `withdraw`, `waitlist`, and
`list --open`; a full session's waitlist promoted in order, one busy then passed over, the
promoted told by mail (delivered to a real SMTP server)."""

from __future__ import annotations

from typing import Any

from .conftest import Seeded
from .test_cli_mail import Sink, sink  # noqa: F401  (the SMTP server fixture)

FUTURE = "2030-10-15 16:00"


def _course(seeded: Seeded, session_id: int, *students: str) -> None:
    """The session in a course the students are actively enrolled in: they may see it."""
    run = seeded.run
    run.ok("course", "add", "Workshops")
    run.ok("course", "assign", "Workshops", "-", str(session_id))
    run.ok("course", "enrol", "Workshops", *students)


def _places(seeded: Seeded, session_id: int) -> list[str]:
    return [w["student"] for w in seeded.run.json("session", "waitlist",
                                                 str(session_id))["waiting"]]


def test_a_full_session_waitlists_and_a_freed_seat_goes_to_the_first_free(
        seeded: Seeded, sink: Sink) -> None:  # noqa: F811
    run = seeded.run
    s = seeded.book(FUTURE, title="Workshop", extra=["--type", "workshop", "--no-notify"])
    sid = str(s["id"])
    _course(seeded, s["id"], seeded.sam, seeded.kim, seeded.lee)
    opened = run.json("session", "open", sid, "--seats", "1")
    assert opened["session"]["seats"] == "0/1" and opened["waiting"] == []
    first = run.json("session", "register", sid, as_=seeded.sam)
    assert first["waitlist_place"] is None and first["seats"] == "1/1"
    second = run.json("session", "register", sid, as_=seeded.kim)
    assert second["waitlist_place"] == 1
    third = run.json("session", "register", sid, "--for", seeded.lee)  # staff, for Lee
    assert third["waitlist_place"] == 2
    assert _places(seeded, s["id"]) == [seeded.kim, seeded.lee]
    assert "already" in run.fails(2, "session", "register", sid, as_=seeded.kim).stderr
    # Kim is busy by the time the seat frees: Lee, next, is promoted; Kim keeps her place.
    seeded.book("2030-10-15 16:30", title="Chemistry", mentor=seeded.bob,
                students=[seeded.kim], extra=["--no-notify"])
    done = run.json("session", "withdraw", sid, as_=seeded.sam)
    assert done["promoted"] == [seeded.lee] and done["students"] == [seeded.lee]
    assert _places(seeded, s["id"]) == [seeded.kim]
    mail = [(m["template"], m["recipient"]) for m in run.json("mail", "outbox")]
    assert ("promoted", seeded.lee) in mail and ("cancelled", seeded.sam) in mail
    run.ok("reminders", "send", env=sink.env())
    promoted = [m for rcpts, m in sink.messages if rcpts == [seeded.lee]]
    assert len(promoted) == 1 and promoted[0]["Subject"].startswith("A seat for you: Workshop")
    assert "withdraw" in promoted[0].get_body(("plain",)).get_content()
    # A seat added (the limit raised) goes to the first one waiting who is free: nobody, as
    # Kim is still busy; once she is free, withdrawing from the waitlist is allowed too.
    run.ok("session", "edit", sid, "--max", "2", "--no-notify")
    assert _places(seeded, s["id"]) == [seeded.kim]
    run.ok("session", "withdraw", sid, "--for", seeded.kim)
    assert _places(seeded, s["id"]) == []


def test_raising_the_seats_promotes_in_order(seeded: Seeded) -> None:
    run = seeded.run
    s = seeded.book(FUTURE, extra=["--type", "group", "--no-notify"])
    sid = str(s["id"])
    run.ok("session", "open", sid, "--seats", "1")
    for student in (seeded.sam, seeded.kim, seeded.lee):
        run.ok("session", "register", sid, "--for", student)
    assert _places(seeded, s["id"]) == [seeded.kim, seeded.lee]
    run.ok("session", "open", sid, "--seats", "2")
    assert run.json("session", "show", sid)["students"] == [seeded.kim, seeded.sam]
    assert _places(seeded, s["id"]) == [seeded.lee]
    run.ok("session", "unenrol", sid, seeded.sam)
    assert run.json("session", "show", sid)["students"] == [seeded.kim, seeded.lee]


def test_a_student_sees_and_registers_only_for_what_their_enrolment_shows(
        seeded: Seeded) -> None:
    run = seeded.run
    s = seeded.book(FUTURE, title="Workshop", extra=["--type", "workshop", "--no-notify"])
    sid = str(s["id"])
    run.ok("session", "open", sid)
    listed: list[dict[str, Any]] = run.json("session", "list", "--open")
    assert [x["id"] for x in listed] == [s["id"]] and listed[0]["seats"] == "0/50"
    assert run.json("session", "list", "--open", as_=seeded.sam) == []
    run.fails(5, "session", "register", sid, as_=seeded.sam)
    run.fails(5, "session", "register", sid, "--for", seeded.kim, as_=seeded.sam)
    _course(seeded, s["id"], seeded.sam)
    assert [x["id"] for x in run.json("session", "list", "--open", as_=seeded.sam)] \
        == [s["id"]]
    run.ok("session", "register", sid, as_=seeded.sam)
    run.fails(5, "session", "waitlist", sid, as_=seeded.sam)  # who waits: staff, the mentor


def test_registration_refusals(seeded: Seeded) -> None:
    run = seeded.run
    s = seeded.book(FUTURE, extra=["--no-notify"])
    sid = str(s["id"])
    assert "not open for registration" in run.fails(
        2, "session", "register", sid, "--for", seeded.sam).stderr
    assert "before now" in run.fails(2, "session", "open", sid, "--until", "2020-01-01 10:00").stderr
    assert "by the session's end" in run.fails(
        2, "session", "open", sid, "--until", "2030-10-16 10:00").stderr
    opened = run.json("session", "open", sid)  # individual: one seat
    assert opened["session"]["seats"] == "0/1"
    seeded.book("2030-10-15 16:30", title="Chemistry", mentor=seeded.bob,
                students=[seeded.sam], extra=["--no-notify"])
    refused = run.fails(3, "session", "register", sid, "--for", seeded.sam)
    assert "Chemistry" in refused.stderr
    assert "is not a student" in run.fails(2, "session", "register", sid, "--for",
                                           seeded.bob).stderr
    assert "neither on session" in run.fails(2, "session", "withdraw", sid, "--for",
                                             seeded.kim).stderr
    run.ok("session", "cancel", sid, "--no-notify")
    assert "not open" in run.fails(2, "session", "register", sid, "--for", seeded.kim).stderr


def test_seats_offered_are_never_more_than_the_room_seats(seeded: Seeded) -> None:
    """A session holds no more students than its room seats: opening it with more seats than
    that is refused, naming the room, and opening it without a number offers the room's."""
    run = seeded.run
    s = seeded.book(FUTURE, title="Workshop",
                    extra=["--type", "workshop", "--room", seeded.room, "--no-notify"])
    sid = str(s["id"])
    refused = run.fails(2, "session", "open", sid, "--seats", "25")
    assert "25 is more than room Room 2 seats (2)" in refused.stderr
    assert run.json("session", "show", sid)["max_participants"] is None  # nothing changed
    opened = run.json("session", "open", sid)  # a workshop's 50, cut to the room's 2
    assert opened["session"]["seats"] == "0/2"
    run.ok("session", "enrol", sid, seeded.sam, seeded.kim, "--no-notify")
    waiting = run.json("session", "register", sid, "--for", seeded.lee)
    assert waiting["waitlist_place"] == 1 and waiting["seats"] == "2/2"
