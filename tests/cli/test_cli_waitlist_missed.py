"""Students still waiting when a session starts are told, once, by the reminder run cron
runs (`reminders send`): delivered to a real SMTP server, run twice, one mail each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from .conftest import Seeded
from .test_cli_mail import Sink, sink  # noqa: F401  (the SMTP server fixture)
from .test_cli_registration import _course


def _at(instant: datetime) -> str:
    return instant.strftime("%Y-%m-%dT%H:%M+00:00")


def test_those_left_waiting_are_told_once_when_the_session_starts(
        seeded: Seeded, sink: Sink) -> None:  # noqa: F811
    run = seeded.run
    soon = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=3)
    s = seeded.book(_at(soon), title="Workshop", extra=["--type", "workshop", "--no-notify"])
    sid = str(s["id"])
    _course(seeded, s["id"], seeded.sam, seeded.kim, seeded.lee)
    run.json("session", "open", sid, "--seats", "1")
    run.json("session", "register", sid, as_=seeded.sam)
    assert run.json("session", "register", sid, as_=seeded.kim)["waitlist_place"] == 1
    run.ok("reminders", "send", "--ahead", "1m", env=sink.env())  # not started: nobody told
    assert not [m for _, m in sink.messages if "Started without you" in m["Subject"]]

    # It started ten minutes ago (moved so), Kim still waiting; a cancelled session she
    # waited for too is no news.
    run.ok("session", "edit", sid, "--start", _at(datetime.now(UTC) - timedelta(minutes=10)),
           "--past", "--no-notify")
    other = seeded.book(_at(soon + timedelta(days=1)), title="Other", mentor=seeded.bob,
                        extra=["--type", "workshop", "--no-notify"])
    run.json("session", "open", str(other["id"]), "--seats", "1")
    run.json("session", "register", str(other["id"]), "--for", seeded.lee)
    run.json("session", "register", str(other["id"]), "--for", seeded.kim)
    run.ok("session", "edit", str(other["id"]), "--start",
           _at(datetime.now(UTC) - timedelta(hours=3)), "--past", "--no-notify")
    run.ok("session", "cancel", str(other["id"]), "--no-notify")

    first = run.json("reminders", "send", "--ahead", "1m", env=sink.env())
    assert first["waitlist_told"] == 1
    again = run.json("reminders", "send", "--ahead", "1m", env=sink.env())
    assert again["waitlist_told"] == 0
    told = [(rcpts, m) for rcpts, m in sink.messages if "Started without you" in m["Subject"]]
    assert [rcpts for rcpts, _ in told] == [[seeded.kim]]
    body = told[0][1].get_body(("plain",)).get_content()
    assert "Workshop" in body and "no seat came free" in body
    assert seeded.sam not in body  # who took part is not hers to read
