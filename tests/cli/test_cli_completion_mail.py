"""What completing a session mails (the mentor's attendance summary, once per session) and
`attendance warnings --mail` (once per crossing), through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .conftest import Run, Seeded, book_args
from .test_cli_access_db import Centre
from .test_cli_mail import Sink


@pytest.fixture
def sink() -> Iterator[Sink]:
    s = Sink()
    s.controller.start()
    yield s
    s.controller.stop()


@pytest.fixture
def logins(backend: str, run: Run, fresh_url: str) -> Iterator[Centre]:
    """A centre whose people log in as their own PostgreSQL roles."""
    if backend != "postgresql":
        pytest.skip("roles and row-level security are PostgreSQL's")
    made = Centre(run, fresh_url)
    try:
        yield made
    finally:
        made.drop()


def _send(run: Run, sink: Sink) -> None:
    run.ok("reminders", "send", "--ahead", "1m", env=sink.env())


def _bodies(sink: Sink, recipient: str) -> list[tuple[str, str, str]]:
    """(subject, text, html) of each message ``recipient`` received."""
    return [(str(m["Subject"]), m.get_body(("plain",)).get_content(),
             m.get_body(("html",)).get_content())
            for rcpts, m in sink.messages if recipient in rcpts]


def _held(seeded: Seeded, day: str) -> int:
    held = seeded.book(f"{day} 16:00", title="Algebra",
                       students=[seeded.sam, seeded.kim, seeded.lee])
    return int(held["id"])


def test_completing_mails_the_mentor_one_summary_with_the_marks(seeded: Seeded,
                                                                 sink: Sink) -> None:
    run = seeded.run
    held = _held(seeded, "2026-01-05")
    run.ok("attendance", "mark", str(held), seeded.sam, "present", "--force")
    run.ok("attendance", "mark", str(held), seeded.kim, "late", "--force")
    run.ok("session", "complete", str(held))
    marks = {m["student"]: m["status"] for m in run.json("attendance", "list", str(held))}
    assert marks == {seeded.sam: "present", seeded.kim: "late", seeded.lee: "absent"}
    # Reopened (undone) and completed again, then swept by close-ended: no second summary.
    [done] = [e for e in run.json("audit", "list") if e["action"] == "completed"]
    run.ok("audit", "revert", str(done["id"]), "--force", "--reason", "by mistake")
    run.ok("session", "complete", str(held))
    run.ok("session", "close-ended")
    _send(run, sink)
    _send(run, sink)
    [(subject, text, html)] = _bodies(sink, seeded.ada)
    assert subject.startswith("Attendance: Algebra")
    assert "Present: Sam Lee" in text and "Late: Kim Park" in text
    assert "Absent: Lee Chen" in text and "Excused: nobody" in text
    assert "<th align=\"left\">Absent</th><td>Lee Chen</td>" in html
    assert sink.recipients == [seeded.ada]  # the students of a past session get nothing


def test_close_ended_mails_once_and_the_config_says_what_unmarked_become(
        seeded: Seeded, sink: Sink) -> None:
    run = seeded.run
    run.config_path.parent.mkdir(parents=True, exist_ok=True)
    run.config_path.write_text('unmarked = "leave"\n')
    first, second = _held(seeded, "2026-01-05"), _held(seeded, "2026-01-06")
    run.ok("attendance", "mark", str(first), seeded.sam, "excused", "--force")
    run.ok("session", "complete", str(first))  # the config: left unmarked
    assert [m["student"] for m in run.json("attendance", "list", str(first))] == [seeded.sam]
    closed = run.json("session", "close-ended", "--unmarked", "absent")  # the flag wins
    assert [(c["session"]["id"], len(c["absent"])) for c in closed] == [(second, 3)]
    assert run.json("session", "close-ended") == []
    _send(run, sink)
    texts = sorted(text for _, text, _ in _bodies(sink, seeded.ada))
    assert len(texts) == 2
    assert "Excused: Sam Lee" in texts[0] + texts[1]
    assert any("Not marked: Kim Park, Lee Chen" in t for t in texts)
    assert any("Absent: Kim Park, Lee Chen, Sam Lee" in t for t in texts)  # roster order
    run.config_path.write_text('unmarked = "maybe"\n')
    bad = run.fails(2, "session", "close-ended")
    assert "unmarked" in bad.stderr


def test_warnings_mail_each_student_once_per_crossing(seeded: Seeded, sink: Sink) -> None:
    run = seeded.run
    args = ("attendance", "warnings", "--window", "4000d", "--threshold", "50%", "--mail")

    def held(day: str, status: str) -> None:
        session = seeded.book(f"{day} 16:00", students=[seeded.sam])
        run.ok("attendance", "mark", str(session["id"]), seeded.sam, status, "--force")

    held("2026-01-05", "absent")
    assert [(w["student"], w["mailed"]) for w in run.json(*args)] == [(seeded.sam, True)]
    assert [(w["student"], w["mailed"]) for w in run.json(*args)] == [(seeded.sam, False)]
    _send(run, sink)
    [(subject, text, html)] = _bodies(sink, seeded.sam)
    assert subject == "Your attendance is below 50%"
    assert "attended 0% of your sessions" in text and "<strong>0%</strong>" in html
    held("2026-01-06", "present")  # 50%: back at the threshold
    assert run.json(*args) == []
    held("2026-01-07", "absent")  # 33%: a new crossing
    assert [(w["student"], w["mailed"]) for w in run.json(*args)] == [(seeded.sam, True)]
    run.json(*args)
    _send(run, sink)
    assert len(_bodies(sink, seeded.sam)) == 2 and sink.recipients == [seeded.sam] * 2
    run.fails(5, *args, as_=seeded.ada)  # a mentor lists, but does not mail


def test_a_mentor_completing_as_their_own_login_queues_the_summary_once(
        logins: Centre) -> None:
    """PostgreSQL's row-level security lets a mentor (their own login) queue their summary
    and see it queued, so a second completion queues none."""
    run, url = logins.run, logins.url
    ada = logins.person("Ada Byron", "ada@example.org", "mentor")
    logins.person("Sam Lee", "sam@example.org", "student")
    held = run.json(*book_args("2026-01-05 16:00", students=["sam@example.org"]), db=url)
    run.ok("access", "sync", db=url)
    run.ok("session", "complete", str(held["id"]), db=ada)
    [done] = [e for e in run.json("audit", "list", db=url) if e["action"] == "completed"]
    run.ok("audit", "revert", str(done["id"]), "--force", "--reason", "again", db=url)
    run.ok("session", "complete", str(held["id"]), db=ada)
    queued = [r for r in run.json("mail", "outbox", db=url)
              if r["template"] == "attendance_summary"]
    assert [(r["recipient"], r["session_id"]) for r in queued] == [
        ("ada@example.org", held["id"])]
    marks = run.json("attendance", "list", str(held["id"]), db=url)
    assert [(m["student"], m["status"]) for m in marks] == [("sam@example.org", "absent")]
