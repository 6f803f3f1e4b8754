"""Reports that mail themselves and print to PDF: `--mail-to` (through the outbox, received by
a real SMTP server, aiosmtpd), `--every` (once per period and address, however often cron
runs it; the clock driven through the centre's), and `--pdf` (WeasyPrint, read back with
pypdf)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import create_engine, select

from sessionsctl.store.schema import outbox_table

from .conftest import Run, Seeded
from .test_cli_mail import Sink

# A Wednesday: the last complete week is Mon 2 - Sun 8 Mar 2026 (London is on GMT then).
WEDNESDAY = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)
NEXT_MONDAY = datetime(2026, 3, 16, 0, 10, tzinfo=UTC)
HEAD = "head@example.org"


class Clock:
    """The time every centre a command opens reads (``open_centre``'s clock)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    import sessionsctl.wiring as wiring

    frozen = Clock(WEDNESDAY)
    opened = wiring.open_centre
    monkeypatch.setattr(wiring, "open_centre", lambda settings: opened(settings, frozen))
    return frozen


@pytest.fixture
def sink() -> Iterator[Sink]:
    s = Sink()
    s.controller.start()
    yield s
    s.controller.stop()


@pytest.fixture
def week(seeded: Seeded, clock: Clock) -> Seeded:
    """In the week of 2 Mar: Ada's lesson with Sam (present) and Kim (absent), completed;
    Bob's with Lee (late), completed. The week before: one more of Ada's, with Sam."""
    run = seeded.run
    one = seeded.book("2026-03-03 16:00", students=[seeded.sam, seeded.kim])["id"]
    two = seeded.book("2026-03-05 10:00", mentor=seeded.bob, students=[seeded.lee])["id"]
    seeded.book("2026-02-24 16:00", students=[seeded.sam])
    run.ok("attendance", "mark", str(one), seeded.sam, "present")
    run.ok("attendance", "mark", str(one), seeded.kim, "absent")
    run.ok("attendance", "mark", str(two), seeded.lee, "late")
    run.ok("session", "complete", str(one))
    run.ok("session", "complete", str(two))
    return seeded


def _reports(sink: Sink, recipient: str | None = None) -> list[EmailMessage]:
    """The reports received (the outbox's other mail, the bookings' notices, goes too)."""
    return [m for rcpts, m in sink.messages
            if " report: " in str(m["Subject"]) and recipient in (None, *rcpts)]


def _to(sink: Sink) -> list[str]:
    return sorted(r for rcpts, m in sink.messages if " report: " in str(m["Subject"])
                  for r in rcpts)


def _csv(message: EmailMessage) -> dict[str, list[dict[str, str]]]:
    """Each CSV file the message carries, by name, as rows."""
    return {part.get_filename(): list(csv.DictReader(io.StringIO(part.get_content())))
            for part in message.iter_attachments() if part.get_content_type() == "text/csv"}


def test_every_week_mails_each_address_once_per_week_with_html_and_csv(
        week: Seeded, clock: Clock, sink: Sink) -> None:
    run = week.run
    args = ("report", "attendance", "--every", "week", "--mail-to", HEAD,
            "--mail-to", week.desk)
    first = run.ok(*args, env=sink.env())
    assert "Queued the Attendance report for 02 Mar 2026 – 08 Mar 2026" in first.stderr
    assert "Student sessions: 3" in first.stdout  # its headline, not its tables
    assert _to(sink) == sorted([HEAD, week.desk])
    [mail] = _reports(sink, HEAD)
    assert str(mail["Subject"]) == "Attendance report: 02 Mar 2026 – 08 Mar 2026"
    text = mail.get_body(("plain",)).get_content()
    assert "Student sessions: 3" in text and "Attendance rate: 67%" in text
    html = mail.get_body(("html",)).get_content()
    assert "<svg" in html and "Attendance rate by week" in html  # the charts
    assert "Sam Lee" in html and "Kim Park" in html
    files = _csv(mail)
    assert set(files) == {"attendance-student-2026-03-02.csv", "attendance-batch-2026-03-02.csv"}
    students = {r["student"]: r for r in files["attendance-student-2026-03-02.csv"]}
    assert set(students) == {week.sam, week.kim, week.lee}  # not the week before's
    assert (students[week.sam]["present"], students[week.kim]["absent"],
            students[week.lee]["late"]) == ("1", "1", "1")

    # cron again, later the same week: nothing more, and it says so
    clock.now = WEDNESDAY.replace(hour=18)
    again = run.ok(*args, env=sink.env())
    assert f"Already queued the Attendance report for 02 Mar 2026 – 08 Mar 2026 to {HEAD}" \
        in again.stderr
    assert len(_reports(sink)) == 2

    # the next week: the week just ended, once more to each
    clock.now = NEXT_MONDAY
    run.ok(*args, env=sink.env())
    run.ok(*args, env=sink.env())
    subjects = [str(m["Subject"]) for m in _reports(sink, HEAD)]
    assert subjects == ["Attendance report: 02 Mar 2026 – 08 Mar 2026",
                        "Attendance report: 09 Mar 2026 – 15 Mar 2026"]
    assert len(_reports(sink)) == 4
    sent = [m for m in run.json("mail", "outbox") if m["template"] == "report_mail"]
    assert [m["status"] for m in sent] == ["sent"] * 4
    # once sent, a row keeps which report it was, not its rendered body and files
    engine = create_engine(run.db_url)
    try:
        with engine.connect() as db:
            kept = db.execute(select(outbox_table.c.payload).where(
                outbox_table.c.template == "report_mail")).scalars().all()
    finally:
        engine.dispose()
    assert [sorted(p) for p in kept] == [["report"]] * 4
    assert kept[-1]["report"]["period"] == "09 Mar 2026 – 15 Mar 2026"


def test_other_options_are_another_report_and_without_every_each_run_mails(
        week: Seeded, sink: Sink) -> None:
    run = week.run
    run.ok("report", "attendance", "--every", "week", "--mail-to", HEAD, env=sink.env())
    run.ok("report", "attendance", "--every", "week", "--mail-to", HEAD.upper(),
           env=sink.env())  # the same address
    run.ok("report", "attendance", "--every", "week", "--mentor", week.ada,
           "--mail-to", HEAD, env=sink.env())
    run.ok("report", "attendance", "--every", "week", "--group", "subject",
           "--mail-to", HEAD, env=sink.env())
    assert len(_reports(sink)) == 3
    run.ok("report", "mentors", "--from", "2026-03-02", "--to", "2026-03-08",
           "--mail-to", HEAD, env=sink.env())
    run.ok("report", "mentors", "--from", "2026-03-02", "--to", "2026-03-08",
           "--mail-to", HEAD, env=sink.env())
    assert len(_reports(sink)) == 5  # once per run without --every


def test_billing_and_payroll_reports_mail_themselves_the_same_way(
        week: Seeded, clock: Clock, sink: Sink) -> None:
    run = week.run
    run.ok("rate", "set", "40.00", "--student", week.sam, "--per", "hour")
    run.ok("rate", "set", "20", "--mentor", week.ada, "--per", "hour")
    clock.now = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)  # the last complete month: March
    for _ in range(2):
        run.ok("billing", "report", "--every", "month", "--mail-to", HEAD, env=sink.env())
        run.ok("payroll", "report", "--every", "month", "--mail-to", HEAD, "--json",
               env=sink.env())
    billing, payroll = _reports(sink, HEAD)
    assert str(billing["Subject"]) == "Billing report: 01 Mar 2026 – 31 Mar 2026"
    assert "Charged: 40.00 GBP" in billing.get_body(("plain",)).get_content()
    assert any(name.startswith("billing-") for name in _csv(billing))
    assert str(payroll["Subject"]) == "Payroll report: 01 Mar 2026 – 31 Mar 2026"
    assert "Pay: 20.00 GBP" in payroll.get_body(("plain",)).get_content()


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def test_pdf_of_a_report_carries_its_totals_and_charts(week: Seeded, tmp_path: Path) -> None:
    run = week.run
    pdf = tmp_path / "completion.pdf"
    totals = run.json("report", "completion", "--from", "2026-03-02", "--to", "2026-03-08")[
        "totals"]
    result = run.ok("report", "completion", "--from", "2026-03-02", "--to", "2026-03-08",
                    "--pdf", str(pdf))
    assert f"Wrote {pdf}" in result.stderr
    text = _pdf_text(pdf)
    assert "Completion" in text and "02 Mar 2026 – 08 Mar 2026" in text
    assert (totals["sessions"], totals["completed"], totals["completion_rate"]) == (2, 2, 1.0)
    assert "2\nSessions" in text and "2\nCompleted" in text and "100%\nCompletion rate" in text
    # the charts, drawn as SVG: their titles and axis ticks are text in the PDF
    assert "Sessions by week" in text and "Completion rate by week" in text
    assert "75%" in text

    attendance = tmp_path / "attendance.pdf"
    run.ok("report", "attendance", "--from", "2026-03-02", "--to", "2026-03-08",
           "--pdf", str(attendance))
    text = _pdf_text(attendance)
    assert "3\nStudent sessions" in text and "67%\nAttendance rate" in text
    assert "Lowest attendance by student" in text and "Kim Park" in text

    payroll = tmp_path / "payroll.pdf"
    run.ok("rate", "set", "20", "--mentor", week.ada, "--per", "hour")
    run.ok("payroll", "report", "--from", "2026-03-02", "--to", "2026-03-08",
           "--pdf", str(payroll))
    assert "20.00 GBP\nPay" in _pdf_text(payroll)


def test_bad_every_address_or_range_is_refused_and_nothing_is_queued(
        week: Seeded, sink: Sink, tmp_path: Path) -> None:
    run: Run = week.run
    bad = run.fails(2, "report", "attendance", "--every", "fortnight", "--mail-to", HEAD,
                    env=sink.env())
    said = " ".join(bad.output.replace("│", " ").split())  # click's boxed message, unboxed
    assert "Invalid value for '--every': 'fortnight' is not one of 'day', 'week', 'month'" \
        in said
    bad = run.fails(2, "report", "attendance", "--every", "week", "--mail-to", "head@",
                    "--mail-to", HEAD, env=sink.env())
    assert "--mail-to: 'head@' is not an email address" in bad.stderr
    bad = run.fails(2, "report", "mentors", "--every", "week", "--from", "2026-03-01",
                    "--mail-to", HEAD, env=sink.env())
    assert "give --every or --from/--to, not both" in bad.stderr
    bad = run.fails(2, "billing", "report", "--every", "month", "--mail-to", HEAD)
    assert "no SMTP server is configured" in bad.stderr and "nothing was queued" in bad.stderr
    bad = run.fails(2, "report", "completion", "--pdf", str(tmp_path / "no" / "such.pdf"))
    assert "--pdf: cannot write" in bad.stderr
    assert [m for m in run.json("mail", "outbox") if m["template"] == "report_mail"] == []
    assert sink.messages == []


def test_a_report_queued_while_the_server_is_down_is_sent_by_the_next_run(
        week: Seeded, sink: Sink) -> None:
    run = week.run
    args = ("report", "completion", "--every", "week", "--mail-to", HEAD)
    down = {**sink.env(), "SESSIONSCTL_SMTP_PORT": str(Sink().port)}  # nobody listens there
    failed = run.fails(1, *args, env=down)
    assert "Queued the Completion report" in failed.stderr
    assert "not sent, kept pending: cannot reach SMTP server" in failed.stderr
    assert _reports(sink) == []
    again = run.ok(*args, env=sink.env())  # cron, a few minutes later
    assert "Already queued the Completion report" in again.stderr
    [mail] = _reports(sink, HEAD)
    assert str(mail["Subject"]) == "Completion report: 02 Mar 2026 – 08 Mar 2026"
    assert set(_csv(mail)) == {"completion-week-2026-03-02.csv",
                               "completion-subject-2026-03-02.csv"}
