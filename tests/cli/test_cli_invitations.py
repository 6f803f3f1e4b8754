"""`invite` commands end to end, against a real SMTP server: the token arrives by mail and
nowhere else (only its digest is stored), works once, and refuses tampering, reuse, expiry,
revocation and a resent invitation's old token; learners join through the conflict check,
guests are listed with their role; sending is rate-limited per session."""

from __future__ import annotations

import re

from sqlalchemy import create_engine, text

from sessionsctl.core.invitations.model import PER_HOUR, digest

from .conftest import Seeded
from .test_cli_mail import Sink, sink  # noqa: F401  (the SMTP server fixture)

FUTURE = "2030-06-03 16:00"


def _tokens(inbox: Sink) -> dict[str, str]:
    """The token mailed to each recipient (the last one mailed)."""
    found = {}
    for rcpts, msg in inbox.messages:
        body = msg.get_body(("plain",)).get_content()
        match = re.search(r"invite accept (\S+)", body)
        if match:
            found[rcpts[0]] = match.group(1)
    return found


def _stored(url: str, sql: str) -> list[tuple]:  # type: ignore[type-arg]
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql))]
    engine.dispose()
    return rows


def test_invite_accept_decline_and_the_guests_roles(seeded: Seeded, sink: Sink) -> None:  # noqa: F811
    run = seeded.run
    session = seeded.book(FUTURE, students=[seeded.sam], extra=["--no-notify"])
    sid = str(session["id"])
    run.fails(5, "invite", "send", sid, "x@example.org", as_=seeded.bob)  # not Bob's session
    made = run.json("invite", "send", sid, seeded.kim, "new@example.org", "--expires", "48h",
                    as_=seeded.ada, env={"SESSIONSCTL_INVITE_URL": "https://c.test/i"})
    assert [i["status"] for i in made] == ["pending", "pending"]
    run.json("invite", "send", sid, "watcher@example.org", "--role", "observer")
    run.fails(2, "invite", "send", sid, seeded.kim)  # already invited: resend instead
    run.ok("reminders", "send", "--ahead", "1m", env=sink.env())
    tokens = _tokens(sink)
    assert set(tokens) == {seeded.kim, "new@example.org", "watcher@example.org"}
    assert any("https://c.test/i?token=" in m.get_body(("plain",)).get_content()
               for _, m in sink.messages)
    # only digests are stored: no token in the invitations nor, once sent, in the outbox
    hashes = {h for (h,) in _stored(run.db_url, "SELECT token_hash FROM invitations")}
    assert hashes == {digest(t.split(".", 1)[1]) for t in tokens.values()}
    dumped = str(_stored(run.db_url, "SELECT * FROM invitations")) + str(
        _stored(run.db_url, "SELECT payload FROM outbox"))
    assert not any(t.split(".", 1)[1] in dumped for t in tokens.values())

    kim = tokens[seeded.kim]
    number, secret = kim.split(".", 1)
    tampered = f"{number}.{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}"
    assert "not a valid invitation token" in run.fails(2, "invite", "accept", tampered).stderr
    run.fails(2, "invite", "accept", f"{int(number) + 1}.{secret}")  # another's number
    run.fails(2, "invite", "accept", "garbage")
    run.fails(2, "invite", "accept", tokens["new@example.org"])  # unknown: needs --name
    accepted = run.json("invite", "accept", kim)
    assert accepted["status"] == "accepted"
    assert "was accepted" in run.fails(3, "invite", "accept", kim).stderr  # single use
    run.json("invite", "accept", tokens["new@example.org"], "--name", "Nia New")
    run.json("invite", "accept", tokens["watcher@example.org"], "--name", "Wes Watcher")
    shown = run.json("session", "show", sid)
    assert shown["students"] == sorted([seeded.sam, seeded.kim, "new@example.org"])
    guests = run.json("invite", "list", "--session", sid, "--status", "accepted")
    assert {(g["email"], g["role"]) for g in guests} == {
        (seeded.kim, "learner"), ("new@example.org", "learner"),
        ("watcher@example.org", "observer")}
    assert run.json("person", "list", "--role", "student")  # the new people are students


def test_decline_revoke_resend_expiry_conflicts_and_the_rate_limit(seeded: Seeded,
                                                                    sink: Sink) -> None:  # noqa: F811
    run = seeded.run
    sid = str(seeded.book(FUTURE, extra=["--no-notify"])["id"])
    seeded.book("2030-06-03 16:30", mentor=seeded.bob, students=[seeded.lee],
                extra=["--no-notify"])
    made = run.json("invite", "send", sid, seeded.kim, seeded.lee, "late@example.org")
    ids = {i["email"]: str(i["id"]) for i in made}
    run.ok("reminders", "send", "--ahead", "1m", env=sink.env())
    first = _tokens(sink)
    run.json("invite", "decline", first[seeded.kim])
    run.fails(3, "invite", "accept", first[seeded.kim])
    clash = run.fails(3, "invite", "accept", first[seeded.lee])  # Lee is with Bob then
    assert "conflict" in clash.stderr
    assert run.json("invite", "list", "--session", sid,
                    "--status", "pending")[0]["email"] == seeded.lee
    run.json("invite", "revoke", ids[seeded.lee])
    assert "was revoked" in run.fails(3, "invite", "accept", first[seeded.lee]).stderr
    run.fails(3, "invite", "revoke", ids[seeded.lee])
    # expired: its time passed (made so in the database); resend gives a new token
    engine = create_engine(run.db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE invitations SET expires_at = :t WHERE id = :i"),
                     {"t": "2021-01-01 00:00:00", "i": int(ids["late@example.org"])})
    engine.dispose()
    assert [i["status"] for i in run.json("invite", "list", "--status", "expired")] == ["expired"]
    assert "expired" in run.fails(3, "invite", "accept", first["late@example.org"],
                                  "--name", "Lu Late").stderr
    sink.messages.clear()
    assert run.json("invite", "resend", ids["late@example.org"])["sends"] == 2
    run.ok("reminders", "send", "--ahead", "1m", env=sink.env())
    second = _tokens(sink)["late@example.org"]
    assert second != first["late@example.org"]
    run.fails(2, "invite", "accept", first["late@example.org"], "--name", "Lu Late")
    run.json("invite", "accept", second, "--name", "Lu Late")
    # at most PER_HOUR mails a session an hour (4 so far): the batch over it is refused whole
    many = [f"p{n}@example.org" for n in range(PER_HOUR - 4 + 1)]
    limited = run.fails(2, "invite", "send", sid, *many)
    assert "an hour" in limited.stderr
    run.json("invite", "send", sid, *many[:-1])
    run.fails(2, "invite", "send", sid, "one-more@example.org")
