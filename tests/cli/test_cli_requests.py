"""`request` commands end to end: exit codes, JSON, who may do what, and the mails of a
request (scheduled, expired, feedback asked) arriving at a real SMTP server."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from .conftest import Seeded
from .test_cli_mail import Sink, sink  # noqa: F401  (the SMTP server fixture)


def _backdate(url: str, request_id: int) -> None:
    """Make a request years old (the CLI runs on the real clock)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE requests SET created_at = :t WHERE id = :i"),
                     {"t": "2020-01-01 00:00:00", "i": request_id})
    engine.dispose()


def test_a_request_from_asking_to_feedback_by_mail(seeded: Seeded, sink: Sink) -> None:  # noqa: F811
    run, sam, ada, bob = seeded.run, seeded.sam, seeded.ada, seeded.bob
    made = run.json("request", "add", "--title", "Quadratics", "--duration", "45",
                    "--urgency", "high", "--prefer", "2030-03-05 15:00-17:00", "--tag", "algebra",
                    as_=sam)
    assert made["status"] == "open" and made["prefer"] == ["2030-03-05 15:00-17:00"]
    run.fails(2, "request", "add", "--title", "Long", "--duration", "90", as_=sam)
    run.fails(5, "request", "add", "--title", "Not mine", "--for", seeded.kim, as_=sam)
    rid = str(made["id"])
    assert [r["id"] for r in run.json("request", "list", "--open", as_=ada)] == [made["id"]]
    assert run.json("request", "list", "--open", as_=seeded.kim) == []
    run.fails(5, "request", "show", rid, as_=seeded.kim)
    run.fails(2, "request", "schedule", rid, as_=ada)  # not claimed yet
    assert run.json("request", "claim", rid, as_=ada)["mentor"] == ada
    lost = run.fails(3, "request", "claim", rid, as_=bob)
    assert f"claimed by {ada}" in lost.stderr
    offered = run.json("request", "schedule", rid, as_=ada)
    assert offered[0]["start"] == "2030-03-05T15:00:00+00:00"
    seeded.book("2030-03-05 15:00", mentor=ada, title="Busy")
    clash = run.fails(3, "request", "schedule", rid, "--start", "2030-03-05 15:30", as_=ada)
    assert "conflict" in clash.stderr
    session = run.json("request", "schedule", rid, "--start", "2030-03-05 16:00", as_=ada)
    assert session["students"] == [sam] and session["mentor"] == ada
    assert run.json("request", "show", rid, as_=sam)["session_id"] == session["id"]
    run.ok("reminders", "send", "--ahead", "1m", env=sink.env())
    subjects = {(to[0], m["Subject"]) for to, m in sink.messages}
    assert subjects >= {(ada, "Your request is scheduled: Quadratics, Tue 5 Mar 2030, "
                              "16:00 GMT"),
                        (sam, "Your request is scheduled: Quadratics, Tue 5 Mar 2030, "
                              "16:00 GMT")}
    run.ok("session", "complete", str(session["id"]), "--force", as_=ada)
    assert run.json("request", "show", rid)["status"] == "completed"
    assert run.json("request", "expire")["completed"] == []  # asked once, already
    sink.messages.clear()
    run.ok("reminders", "send", "--ahead", "1m", env=sink.env())
    asks = [(to, m) for to, m in sink.messages if m["Subject"] == "How was it? Quadratics"]
    assert len(asks) == 1 and asks[0][0] == [sam]
    body = asks[0][1].get_body(("plain",)).get_content()
    assert f"feedback add {session['id']} --from {sam}" in body


def test_expire_is_cron_safe_and_tells_the_student(seeded: Seeded, sink: Sink) -> None:  # noqa: F811
    run = seeded.run
    old = run.json("request", "add", "--title", "Old", "--for", seeded.sam, as_=seeded.desk)
    new = run.json("request", "add", "--title", "New", as_=seeded.kim)
    gone = run.json("request", "add", "--title", "Gone", as_=seeded.kim)
    run.ok("request", "cancel", str(gone["id"]), as_=seeded.kim)
    run.fails(3, "request", "cancel", str(gone["id"]), as_=seeded.kim)
    _backdate(run.db_url, old["id"])
    _backdate(run.db_url, gone["id"])
    run.fails(5, "request", "expire", as_=seeded.ada)
    first = run.json("request", "expire", "--after", "7d")
    assert first["expired"] == [old["id"]]
    assert run.json("request", "expire", "--after", "7d")["expired"] == []
    assert run.json("request", "show", str(new["id"]))["status"] == "open"
    assert run.json("request", "show", str(gone["id"]))["status"] == "cancelled"
    run.fails(3, "request", "claim", str(old["id"]), as_=seeded.ada)
    run.ok("reminders", "send", "--ahead", "1m", env=sink.env())
    assert [(to, m["Subject"]) for to, m in sink.messages] == [
        ([seeded.sam], "Your request expired: Old")]
    run.fails(2, "request", "expire", "--after", "soon")
    run.fails(4, "request", "show", "99")


def test_export_and_erase_cover_requests_and_invitations(seeded: Seeded) -> None:
    run = seeded.run
    run.json("request", "add", "--title", "Vectors", "--description", "My private worries",
             as_=seeded.sam)
    session = seeded.book("2030-03-05 16:00", extra=["--no-notify"])
    run.json("invite", "send", str(session["id"]), seeded.sam)
    held = run.json("person", "export", seeded.sam)
    assert [r["description"] for r in held["requests"]] == ["My private worries"]
    assert [i["session_id"] for i in held["invitations"]] == [session["id"]]
    run.ok("person", "erase", seeded.sam, "--yes")
    engine = create_engine(run.db_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT description FROM requests")).all() == [(None,)]
        assert seeded.sam not in str(conn.execute(text("SELECT email FROM invitations")).all())
    engine.dispose()
