"""`mail` and `reminders` commands, against a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller

from .conftest import Run, Seeded, parse_json

SENDER = "centre@example.org"


class Sink:
    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        msg = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 OK"

    @property
    def recipients(self) -> list[str]:
        return sorted(r for rcpts, _ in self.messages for r in rcpts)

    def env(self) -> dict[str, str | None]:
        return {"SESSIONSCTL_SMTP_HOST": "127.0.0.1", "SESSIONSCTL_SMTP_PORT": str(self.port),
                "SESSIONSCTL_SMTP_SECURITY": "none", "SESSIONSCTL_SMTP_FROM": SENDER,
                "SESSIONSCTL_SMTP_USER": None, "SESSIONSCTL_SMTP_PASSWORD": None,
                "SESSIONSCTL_SMTP_PASSWORD_FILE": None}


@pytest.fixture
def sink() -> Sink:
    s = Sink()
    s.controller.start()
    yield s
    s.controller.stop()


def soon(hours: int) -> str:
    at = datetime.now(UTC) + timedelta(hours=hours)
    return at.astimezone(ZoneInfo("Europe/London")).strftime("%Y-%m-%d %H:%M")


def test_booking_queues_notices_and_no_notify_does_not(seeded: Seeded) -> None:
    run = seeded.run
    seeded.book(soon(30), students=[seeded.sam], extra=["--no-notify"])
    assert run.json("mail", "outbox") == []
    booked = seeded.book(soon(40), students=[seeded.sam])
    rows = run.json("mail", "outbox", "--status", "pending")
    assert sorted(r["recipient"] for r in rows) == [seeded.ada, seeded.sam]
    assert {r["kind"] for r in rows} == {"booked"} and rows[0]["session_id"] == booked["id"]
    run.ok("session", "cancel", str(booked["id"]), "--no-notify")
    run.ok("session", "edit", str(booked["id"] - 1), "--title", "Geometry", "--no-notify")
    assert len(run.json("mail", "outbox")) == 2
    run.ok("session", "edit", str(booked["id"] - 1), "--title", "Algebra II")
    assert len(run.json("mail", "outbox")) == 4


def test_preview_renders_a_template_for_a_session(seeded: Seeded) -> None:
    booked = seeded.book(soon(30), students=[seeded.sam], extra=["--no-notify"])
    result = seeded.run.ok("mail", "preview", "reminder", "--session", str(booked["id"]))
    assert result.stdout.startswith("Subject: Reminder: Algebra")
    assert "Hello Sam Lee" in result.stdout and "Ada Byron" in result.stdout
    data = seeded.run.json("mail", "preview", "cancelled", "--session", str(booked["id"]))
    assert data["html"].startswith("<p>Hello Sam Lee,</p>")
    bad = seeded.run.fails(2, "mail", "preview", "nope", "--session", str(booked["id"]))
    assert "unknown template 'nope'" in bad.stderr
    seeded.run.fails(4, "mail", "preview", "reminder", "--session", "999")


def test_preview_renders_a_mailed_report_with_a_sample(seeded: Seeded) -> None:
    """`report_mail` reads its report from the mail's payload: a preview makes one up, as it
    is mailed (subject, figures, the HTML report), and says so."""
    data = seeded.run.json("--tz", "America/Bogota", "mail", "preview", "report_mail")
    assert data["subject"].startswith("Attendance report: ")
    assert "(America/Bogota)" in data["text"] and "Attendance rate: 86%" in data["text"]
    assert "made up" in data["text"] and "It comes every week" in data["text"]
    assert data["html"].startswith("<!DOCTYPE html>") and "Sam Example" in data["html"]
    plain = seeded.run.ok("mail", "preview", "report_mail").stdout
    assert plain.startswith("Subject: Attendance report: ") and "None" not in plain
    assert seeded.run.json("mail", "outbox") == []  # nothing queued


def test_reminders_send_twice_sends_once(seeded: Seeded, sink: Sink) -> None:
    run = seeded.run
    seeded.book(soon(5), students=[seeded.sam, seeded.kim], extra=["--no-notify"])
    seeded.book(soon(50), mentor=seeded.bob, extra=["--no-notify"])
    due = run.json("reminders", "send", "--dry-run")
    assert sorted(d["recipient"] for d in due) == [seeded.ada, seeded.kim, seeded.sam]
    assert sink.messages == []
    first = run.json("reminders", "send", env=sink.env())
    assert first["queued"] == 3 and first["sent"] == 3
    again = run.json("reminders", "send", env=sink.env())
    assert again["queued"] == 0 and again["sent"] == 0
    assert sink.recipients == [seeded.ada, seeded.kim, seeded.sam]
    wider = run.json("reminders", "send", "--ahead", "3d", env=sink.env())
    assert wider["sent"] == 1 and sink.recipients.count(seeded.bob) == 1
    sent = run.json("mail", "outbox", "--status", "sent")
    assert len(sent) == 4 and all(r["sent_at"] for r in sent)
    run.fails(2, "reminders", "send", "--ahead", "soon")


def test_server_down_exits_1_and_keeps_messages_pending(seeded: Seeded, sink: Sink) -> None:
    seeded.book(soon(5), students=[seeded.sam])
    down = {**sink.env(), "SESSIONSCTL_SMTP_PORT": "1"}
    result = seeded.run.fails(1, "reminders", "send", env=down)
    assert "kept pending" in result.stderr and "cannot reach" in result.stderr
    pending = seeded.run.json("mail", "outbox", "--status", "pending")
    assert len(pending) == 4 and all("cannot reach" in r["error"] for r in pending)
    sent = seeded.run.json("reminders", "send", env=sink.env())
    assert sent["sent"] == 4 and len(sink.messages) == 4


def test_mail_send_to_students_and_confirmation(seeded: Seeded, sink: Sink,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    run = seeded.run
    result = run.json("mail", "send", "--to", "students", "--template", "custom",
                      "--message", "The centre is closed on Friday.", env=sink.env())
    assert result["sent"] == 3
    assert sink.recipients == [seeded.kim, seeded.lee, seeded.sam]
    body = sink.messages[0][1].get_body(("plain",)).get_content()
    assert "closed on Friday" in body
    monkeypatch.setattr("sessionsctl.cli.mail.BULK_CONFIRM", 1)
    refused = run.fails(2, "mail", "send", "--to", "mentors", "--template", "custom",
                        env=sink.env())
    assert "--yes" in refused.stderr
    refused = run.fails(2, "mail", "send", "--to", "students", "--template", "custom",
                        env=sink.env())
    assert "--yes" in refused.stderr and len(sink.messages) == 3
    booked = seeded.book(soon(30), students=[seeded.sam], extra=["--no-notify"])
    run.ok("mail", "send", "--to", "session", str(booked["id"]), "--template", "custom",
           "--yes", env=sink.env())
    assert sink.recipients.count(seeded.ada) == 1
    unknown = run.fails(2, "mail", "send", "--to", "students", "--template", "nope", "--yes",
                        env=sink.env())
    assert "unknown template 'nope'" in unknown.stderr
    run.fails(4, "mail", "send", "--to", "course", "Nope", "--template", "custom",
              env=sink.env())
    run.fails(2, "mail", "send", "--to", "everyone", "--template", "custom", env=sink.env())
    run.fails(5, "mail", "send", "--to", "students", "--template", "custom",
              as_=seeded.ada, env=sink.env())


def test_mail_test_and_smtp_settings_errors(seeded: Seeded, sink: Sink,
                                            tmp_path: Path) -> None:
    run = seeded.run
    ok = run.ok("mail", "test", "someone@example.net", env=sink.env())
    assert "Sent a test message" in ok.stdout
    assert sink.recipients == ["someone@example.net"]
    assert sink.messages[0][1]["Subject"] == "sessionsctl test message"
    run.fails(2, "mail", "test", "not-an-address", env=sink.env())
    unset = run.fails(2, "mail", "test", "someone@example.net")
    assert "smtp.host" in unset.stderr
    secret = tmp_path / "password"
    secret.write_text("hunter2-secret\n")
    secret.chmod(0o644)
    leaky = run.fails(2, "mail", "test", "someone@example.net", env={
        **sink.env(), "SESSIONSCTL_SMTP_USER": "centre",
        "SESSIONSCTL_SMTP_PASSWORD_FILE": str(secret)})
    assert "chmod 600" in leaky.stderr and str(secret) in leaky.stderr
    assert "hunter2" not in leaky.output


def test_retry_requeues_failed_messages(seeded: Seeded, sink: Sink, tmp_path: Path) -> None:
    run = seeded.run
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "booked.txt").write_text("{{ nosuch.thing }}\n")
    config = run.config_path
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'templates = "{templates}"\n')
    seeded.book(soon(30), students=[seeded.sam])
    failed = run.fails(1, "reminders", "send", "--ahead", "1h", env=sink.env())
    assert "booked.txt, line 1" in failed.stderr
    rows = run.json("mail", "outbox", "--status", "failed")
    assert len(rows) == 2 and "nosuch" in rows[0]["error"]
    (templates / "booked.txt").unlink()  # back to ours
    retried = run.json("mail", "retry", env=sink.env())
    assert retried["requeued"] == 2 and retried["sent"] == 2
    assert run.json("mail", "outbox", "--status", "failed") == []


def test_no_smtp_settings_leaves_the_queue_as_it_was(seeded: Seeded, sink: Sink) -> None:
    seeded.book(soon(30), students=[seeded.sam])
    before = seeded.run.json("mail", "outbox")
    for command in (("reminders", "send"), ("mail", "send", "--to", "students", "--template",
                                            "custom", "--message", "hello")):
        result = seeded.run.fails(2, *command)  # exit 2: nothing was written
        assert "smtp.host" in result.stderr and "nothing was queued" in result.stderr
        assert seeded.run.json("mail", "outbox") == before
    down = {**sink.env(), "SESSIONSCTL_SMTP_PORT": "1"}
    unreachable = seeded.run.fails(1, "mail", "test", "someone@example.net", env=down)
    assert "cannot reach" in unreachable.stderr
    assert seeded.run.json("reminders", "send", env=sink.env())["sent"] == 2


def _templates(run: Run, tmp_path: Path, **files: str) -> Path:
    """A template folder holding ``files`` (``reminder_txt="..."`` is reminder.txt), set as
    ``templates`` in the config file."""
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name.replace("_", ".")).write_text(text)
    run.config_path.parent.mkdir(parents=True, exist_ok=True)
    run.config_path.write_text(f'templates = "{folder}"\n')
    return folder


def test_a_template_raising_any_error_fails_its_messages_and_the_rest_go(
        seeded: Seeded, sink: Sink, tmp_path: Path) -> None:
    run = seeded.run
    _templates(run, tmp_path, reminder_txt="Hello\n{{ 1 / 0 }}\n")
    seeded.book(soon(5), students=[seeded.sam])  # 2 booking notices, then 2 reminders
    failed = run.fails(1, "reminders", "send", env=sink.env())
    assert "unexpected error" not in failed.output
    assert "reminder.txt, line 2" in failed.stderr and "ZeroDivisionError" in failed.stderr
    assert sink.recipients == [seeded.ada, seeded.sam]
    assert {m["Subject"].split(":")[0] for _, m in sink.messages} == {"Booked"}
    rows = run.json("mail", "outbox")
    assert sorted((r["kind"], r["status"]) for r in rows) == [
        ("booked", "sent"), ("booked", "sent"), ("reminder", "failed"), ("reminder", "failed")]
    assert all("template reminder" in r["error"] for r in rows if r["kind"] == "reminder")
    # Nothing is left claimed, and the next run has nothing to trip over.
    assert run.json("mail", "outbox", "--status", "sending") == []
    again = run.json("reminders", "send", env=sink.env())
    assert again["queued"] == 0 and again["sent"] == 0 and again["failed"] == []


def test_a_broken_reminder_template_is_reported_and_the_notices_still_go(
        seeded: Seeded, sink: Sink, tmp_path: Path) -> None:
    run = seeded.run
    _templates(run, tmp_path, reminder_subject="Reminder {% if %}\n")
    seeded.book(soon(5), students=[seeded.sam])
    result = run.fails(1, "reminders", "send", env=sink.env())
    assert "template reminder" in result.stderr and "reminder.subject, line 1" in result.stderr
    assert "Sent 2 messages" in result.stdout
    assert sink.recipients == [seeded.ada, seeded.sam]
    assert {r["kind"] for r in run.json("mail", "outbox")} == {"booked"}
    data = run("reminders", "send", "--json", env=sink.env())
    assert data.exit_code == 1 and "reminder.subject" in parse_json(data)["not_queued"]


def test_a_reminder_for_a_session_cancelled_since_is_not_sent(seeded: Seeded,
                                                                sink: Sink) -> None:
    run = seeded.run
    booked = seeded.book(soon(5), students=[seeded.sam], extra=["--no-notify"])
    down = {**sink.env(), "SESSIONSCTL_SMTP_PORT": "1"}
    run.fails(1, "reminders", "send", env=down)  # queued, not sent: the server is down
    run.ok("session", "cancel", str(booked["id"]), "--reason", "mentor ill")
    result = run.ok("reminders", "send", env=sink.env())
    assert "session cancelled" in result.stdout
    assert [m["Subject"].split(":")[0] for _, m in sink.messages] == ["Cancelled"] * 2
    skipped = run.json("mail", "outbox", "--status", "skipped")
    assert [(r["kind"], r["status"], r["error"]) for r in skipped] == [
        ("reminder", "skipped", "session cancelled")] * 2
    assert run.json("mail", "outbox", "--status", "failed") == []
    assert "session cancelled" in run.ok("mail", "outbox", "--status", "skipped").stdout


def test_the_dry_run_lists_only_reminders_not_yet_queued(seeded: Seeded, sink: Sink) -> None:
    run = seeded.run
    seeded.book(soon(5), students=[seeded.sam], extra=["--no-notify"])
    assert len(run.json("reminders", "send", "--dry-run")) == 2
    assert run.json("reminders", "send", env=sink.env())["sent"] == 2
    assert run.json("reminders", "send", "--dry-run") == []
    assert "0 reminders" in run.ok("reminders", "send", "--dry-run").stdout


@pytest.mark.parametrize(("args", "named"), [
    (("reminders", "send", "--ahead", "99999999999d"), "--ahead"),
    (("reminders", "send", "--ahead", "9999999d"), "--ahead"),
    (("reminders", "send", "--ahead", "9999999d", "--dry-run"), "--ahead"),
    (("mail", "preview", "reminder"), "--session"),
])
def test_bad_mail_options_exit_2_naming_them(seeded: Seeded, args: tuple[str, ...],
                                             named: str) -> None:
    result = seeded.run.fails(2, *args)
    assert named in result.stderr and "unexpected error" not in result.output


@pytest.mark.parametrize(("config", "env", "named"), [
    ('[smtp]\nhost = 5\n', {}, "smtp.host"),
    ('templates = 5\n', {}, "templates"),
    ('[smtp]\nhost = "127.0.0.1"\nport = 70000\n', {}, "smtp.port"),
    ('[smtp]\nport = 0\n', {}, "smtp.port"),
    ('', {"SESSIONSCTL_SMTP_PORT": "65536"}, "smtp.port"),
    ('', {"SESSIONSCTL_SMTP_PORT": "0"}, "smtp.port"),
    ('[smtp]\nport = true\n', {}, "smtp.port"),
    ('[smtp]\nsecurity = "ssl"\n', {}, "smtp.security"),
])
def test_bad_smtp_and_template_settings_exit_2_naming_them(
        seeded: Seeded, sink: Sink, config: str, env: dict[str, str], named: str) -> None:
    run = seeded.run
    run.config_path.parent.mkdir(parents=True, exist_ok=True)
    run.config_path.write_text(config)
    base = {**sink.env(), "SESSIONSCTL_SMTP_HOST": None, "SESSIONSCTL_SMTP_PORT": None,
            "SESSIONSCTL_SMTP_SECURITY": None}
    for args in (("mail", "test", "someone@example.net"), ("reminders", "send")):
        result = run.fails(2, *args, env={**base, **env})
        assert named in result.stderr and "unexpected error" not in result.output
    assert sink.messages == []


def test_a_password_in_the_config_file_is_refused(seeded: Seeded, sink: Sink) -> None:
    run = seeded.run
    run.config_path.parent.mkdir(parents=True, exist_ok=True)
    run.config_path.write_text('[smtp]\nhost = "127.0.0.1"\nuser = "centre"\n'
                               'password = "hunter2-secret"\n')
    result = run.fails(2, "mail", "test", "someone@example.net", env=sink.env())
    assert "smtp.password" in result.stderr
    assert "SESSIONSCTL_SMTP_PASSWORD" in result.stderr and "password_file" in result.stderr
    assert "hunter2" not in result.output and sink.messages == []
