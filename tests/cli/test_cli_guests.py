"""Instructors and observers an invitation brought are among a session's people with their
role (`session show`, text and JSON); reports and billing count its learners alone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from .conftest import Seeded
from .test_cli_mail import Sink, sink  # noqa: F401  (the SMTP server fixture)


def _tokens(inbox: Sink) -> dict[str, str]:
    found = {}
    for rcpts, msg in inbox.messages:
        match = re.search(r"invite accept (\S+)", msg.get_body(("plain",)).get_content())
        if match:
            found[rcpts[0]] = match.group(1)
    return found


def test_guests_are_shown_with_their_role_and_counted_by_no_report(
        seeded: Seeded, sink: Sink) -> None:  # noqa: F811
    run = seeded.run
    start = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=2)
    sid = str(seeded.book(start.strftime("%Y-%m-%dT%H:%M+00:00"), students=[seeded.sam],
                          extra=["--subject", seeded.subject, "--no-notify"])["id"])
    run.json("invite", "send", sid, seeded.kim)  # a learner
    run.json("invite", "send", sid, "watcher@example.org", "--role", "observer")
    run.json("invite", "send", sid, seeded.bob, "--role", "instructor")
    run.ok("reminders", "send", "--ahead", "1m", env=sink.env())
    tokens = _tokens(sink)
    run.json("invite", "accept", tokens[seeded.kim])
    run.json("invite", "accept", tokens["watcher@example.org"], "--name", "Wes Watcher")
    run.json("invite", "accept", tokens[seeded.bob])

    shown = run.json("session", "show", sid)
    assert shown["students"] == [seeded.kim, seeded.sam]
    assert sorted((p["email"], p["role"]) for p in shown["people"]) == sorted([
        (seeded.ada, "mentor"), (seeded.sam, "learner"), (seeded.kim, "learner"),
        ("watcher@example.org", "observer"), (seeded.bob, "instructor")])
    text = run.ok("session", "show", sid).stdout
    assert re.search(r"Observers\s*│?\s*Wes Watcher", text), text
    assert re.search(r"Instructors\s*│?\s*Bob Stone", text), text

    # Held yesterday and completed (its unmarked learner absent): the reports and billing
    # count the two learners alone, never the guests.
    held = start - timedelta(days=1)
    run.ok("session", "edit", sid, "--start", held.strftime("%Y-%m-%dT%H:%M+00:00"), "--past",
           "--no-notify")
    run.ok("attendance", "mark", sid, seeded.kim, "present")
    run.ok("session", "complete", sid)
    run.ok("rate", "set", "30", "--subject", seeded.subject, "--per", "session")
    days = ["--from", (held - timedelta(days=1)).date().isoformat(),
            "--to", (held + timedelta(days=1)).date().isoformat()]
    attendance = run.json("report", "attendance", *days)
    # a place a learner: two, not the four people taking part
    assert {k: attendance["totals"][k] for k in ("sessions", "present", "absent")} == {
        "sessions": 2, "present": 1, "absent": 1}
    assert sorted(r["student"] for r in attendance["student"]) == [seeded.kim, seeded.sam]
    billing = run.json("billing", "report", *days)
    assert sorted(ln["student"] for ln in billing["lines"]) == [seeded.kim, seeded.sam]
    assert billing["totals"]["total"] == "60.00 GBP"
    completion = run.json("report", "completion", *days)
    assert completion["totals"]["sessions"] == 1
