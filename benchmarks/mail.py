"""Reminders at scale: ``python -m benchmarks.mail [--scale 100k] [--quick]``.

Goals (issue 5): queueing the reminders of a day with 10k sessions in under 2 s; sending 10k
reminders to a local SMTP sink at 200 messages/s or more over one reused connection.

Setup: a copy of the cached generated centre (benchmarks/generate.py) gets one extra day, a
year after its "now", with 10k sessions (2,000 extra mentors teaching five one-hour lessons
each, one student each), written straight through the store (no conflict checks: that is
setup, not what is measured). The clock is put at the start of that day.

* **enqueue**: ``Mailing.enqueue_reminders(24h)`` -- find every participant of every session
  of the day and insert the reminders (20k rows) with the unique key. Floor: the raw
  ``INSERT ... SELECT`` of the same rows in SQL, no Python objects.
* **send**: ``Mailing.send_pending`` of 10k reminders to an aiosmtpd sink running in its own
  process on 127.0.0.1 (render three templates, build the MIME message, SMTP, mark sent:
  one short write transaction per message, so a crash repeats at most one). Floor: one real
  reminder, rendered and flattened once, pushed as many times through one ``smtplib``
  connection: the SMTP exchange and the sink's own work, nothing else.
  Beside it, the sender's own CPU time per message: on a shared, loaded machine the wall rate
  mostly measures the wait for a core, and CPU time tells that apart from a slow path.
"""

from __future__ import annotations

import argparse
import shutil
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from email.generator import BytesGenerator
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import delete, func, insert, literal, select

from benchmarks import generate as gen
from sessionsctl.config import SmtpSettings
from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import Row, SessionDraft
from sessionsctl.core.domain.model import Role
from sessionsctl.core.mail.message import build_message
from sessionsctl.core.mail.setup import MailSetup
from sessionsctl.smtp import WIRE, SmtpTransport
from sessionsctl.store import open_store
from sessionsctl.store.schema import outbox_table, person_table, session_table

ENQUEUE_GOAL_S = 2.0
SEND_GOAL_PER_S = 200.0
SENDER = "centre@bench-centre.example"

_SINK = """
import asyncio, sys
from aiosmtpd.controller import Controller
class Sink:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Sink.count += 1
        return "250 OK"
c = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("ready", flush=True)
sys.stdin.read()
c.stop()
print(Sink.count, flush=True)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _day_of_sessions(centre: Centre, sessions: int) -> None:
    """``sessions`` one-hour lessons on one day, five per new mentor, one new student each."""
    day = gen.NOW + timedelta(weeks=52)
    mentors = sessions // 5
    with centre.store.unit(write=True) as uow:
        uow.db.execute(insert(person_table), [
            {"name": f"Reminder Mentor {i}", "email": f"rm{i}@{gen.DOMAIN}",
             "role": Role.MENTOR.value, "tz": None, "created_at": gen.NOW}
            for i in range(mentors)] + [
            {"name": f"Reminder Student {i}", "email": f"rs{i}@{gen.DOMAIN}",
             "role": Role.STUDENT.value, "tz": None, "created_at": gen.NOW}
            for i in range(sessions)])
        rows = []
        for i in range(sessions):
            start = day + timedelta(hours=8 + 2 * (i % 5), minutes=i % 60)
            rows.append(Row(SessionDraft(
                title=f"Lesson {i}", mentor=f"rm{i // 5}@{gen.DOMAIN}",
                students=(f"rs{i}@{gen.DOMAIN}",), start=start,
                end=start + timedelta(hours=1), tz=gen.TZ_NAME), uid=f"bench-rem-{i}"))
        uow.sessions.insert(rows)
    centre.clock = lambda: day


def _floor_enqueue(centre: Centre) -> float:
    """The same reminders inserted by SQL alone (mentors only and students only, UNION ALL)."""
    from sqlalchemy import union_all

    from sessionsctl.store.schema import session_student_table

    now = centre.clock()
    end = now + timedelta(hours=24)
    with centre.store.unit(write=True) as uow:
        uow.db.execute(delete(outbox_table))
    started = time.perf_counter()
    with centre.store.unit(write=True) as uow:
        common = {"kind": literal("reminder"), "template": literal("reminder"),
                      "payload": literal("{}"), "status": literal("pending"), "attempts": literal(0),
                      "next_attempt_at": literal(now.replace(tzinfo=None).isoformat(sep=" ")),
                      "created_at": literal(now.replace(tzinfo=None).isoformat(sep=" "))}
        mentors = (select(session_table.c.id, person_table.c.email, session_table.c.start_at,
                          *[v.label(k) for k, v in common.items()])
                   .join(person_table, person_table.c.id == session_table.c.mentor_id)
                   .where(session_table.c.start_at >= now, session_table.c.start_at < end))
        students = (select(session_table.c.id, person_table.c.email, session_table.c.start_at,
                           *[v.label(k) for k, v in common.items()])
                    .select_from(session_student_table)
                    .join(session_table, session_table.c.id == session_student_table.c.session_id)
                    .join(person_table, person_table.c.id == session_student_table.c.student_id)
                    .where(session_student_table.c.start_at >= now, session_student_table.c.start_at < end))
        uow.db.execute(insert(outbox_table).from_select(
            ["session_id", "recipient", "start_at", *common], union_all(mentors, students)))
    elapsed = time.perf_counter() - started
    with centre.store.unit(write=True) as uow:
        uow.db.execute(delete(outbox_table))
    return elapsed


def _floor_send(centre: Centre, port: int, count: int) -> float:
    """One real reminder, rendered and flattened once, sent ``count`` times."""
    from io import BytesIO

    with centre.store.unit() as uow:
        session_id = uow.db.execute(select(func.min(session_table.c.id)).where(
            session_table.c.uid.like("bench-rem-%"))).scalar_one()
    rendered = centre.mail.preview("reminder", session_id)
    msg = build_message(rendered, sender=SENDER, recipient=f"rs0@{gen.DOMAIN}",
                        recipient_name="Reminder Student 0")
    buffer = BytesIO()
    BytesGenerator(buffer, mangle_from_=False, policy=WIRE).flatten(msg)
    payload = buffer.getvalue()
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i in range(count):
            smtp.sendmail(SENDER, [f"rs{i}@{gen.DOMAIN}"], payload)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", default="100k", help="The generated centre to start from.")
    parser.add_argument("--quick", action="store_true", help="1k sessions instead of 10k.")
    parser.add_argument("--data-dir", type=Path, default=gen.DATA_DIR)
    args = parser.parse_args(argv)
    scale = gen.parse_scale(args.scale)
    sessions = 1_000 if args.quick else 10_000
    console = Console()
    source, _summary, _cached = gen.dataset(scale, 1, args.data_dir)
    work = Path(tempfile.mkdtemp(prefix="bench-mail-"))
    port = _free_port()
    sink = subprocess.Popen([sys.executable, "-c", _SINK, str(port)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert sink.stdout is not None and sink.stdout.readline().strip() == "ready"
        path = work / "centre.db"
        shutil.copyfile(source, path)
        store = open_store(f"sqlite:///{path}")
        centre = Centre(store)
        settings = SmtpSettings(host="127.0.0.1", port=port, security="none", sender=SENDER)
        centre.mail.configure_mail(MailSetup(sender=SENDER,
                                        transport=lambda: SmtpTransport(settings)))
        _day_of_sessions(centre, sessions)
        floor_enqueue = _floor_enqueue(centre)

        started = time.perf_counter()
        queued = centre.mail.enqueue_reminders(timedelta(hours=24))
        enqueue_s = time.perf_counter() - started
        # Send one reminder per session (the students'), as many as the goal names.
        with store.unit(write=True) as uow:
            uow.db.execute(delete(outbox_table).where(outbox_table.c.recipient.like("rm%")))
            to_send = uow.db.execute(select(func.count()).select_from(outbox_table)).scalar_one()
        started, cpu_started = time.perf_counter(), time.process_time()
        report = centre.mail.send_pending()
        send_s = time.perf_counter() - started
        send_cpu_s = time.process_time() - cpu_started
        floor_send = _floor_send(centre, port, to_send)
        store.close()
    finally:
        out, _ = sink.communicate("", timeout=60)
        shutil.rmtree(work, ignore_errors=True)
    received = int(out.strip().splitlines()[-1]) if out.strip() else -1
    rate = report.sent / send_s if send_s else 0.0
    floor_rate = to_send / floor_send if floor_send else 0.0

    table = Table(title=f"mail at {args.scale} ({sessions:,} sessions in one day, SQLite)")
    for column in ("figure", "value", "floor", "ratio", "goal", "result"):
        table.add_column(column)
    table.add_row(f"enqueue {queued:,} reminders", f"{enqueue_s * 1000:.0f} ms",
                  f"{floor_enqueue * 1000:.0f} ms", f"{enqueue_s / floor_enqueue:.1f}x",
                  f"< {ENQUEUE_GOAL_S * 1000:.0f} ms",
                  "PASS" if enqueue_s < ENQUEUE_GOAL_S else "FAIL")
    table.add_row(f"send {report.sent:,} reminders", f"{rate:.0f} msg/s",
                  f"{floor_rate:.0f} msg/s", f"{floor_rate / rate if rate else 0:.1f}x",
                  f">= {SEND_GOAL_PER_S:.0f} msg/s",
                  "PASS" if rate >= SEND_GOAL_PER_S and report.ok else "FAIL")
    cpu_rate = report.sent / send_cpu_s if send_cpu_s else 0.0
    table.add_row("  sender CPU alone", f"{cpu_rate:.0f} msg/s",
                  f"{send_cpu_s / max(report.sent, 1) * 1000:.2f} ms/msg", "", "(load-free bound)",
                  "")
    console.print(table)
    console.print(f"sink received {received:,} messages (sent {report.sent:,} + floor "
                  f"{to_send:,}); failed {len(report.failed)}")
    ok = enqueue_s < ENQUEUE_GOAL_S and rate >= SEND_GOAL_PER_S and report.ok
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
