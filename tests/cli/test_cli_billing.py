"""`rate`, `billing report` and `payment record` from the command line, on either backend:
rates resolved in their order, the billable rules, totals hand-computed, and who may."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from .conftest import Seeded

PAST = "2025-03-04"


@pytest.fixture
def billed(seeded: Seeded) -> dict[str, int]:
    """#one: Ada with Sam and Kim, Mathematics, 90 minutes, completed; Sam present, Kim
    absent. #two: Ada with Lee, 60 minutes, cost 25.00 set on it, completed; Lee excused.
    #three: Bob with Kim, Mathematics, 60 minutes, completed, no marks. #four: Ada with Sam,
    Mathematics, scheduled. Rates: Sam 40.00 an hour, Mathematics 30.00 a session."""
    run = seeded.run
    one = seeded.book(f"{PAST} 16:00", students=[seeded.sam, seeded.kim], duration=90,
                      extra=["--subject", seeded.subject])["id"]
    two = seeded.book("2025-03-05 16:00", students=[seeded.lee],
                      extra=["--cost", "25.00"])["id"]
    three = seeded.book("2025-03-06 10:00", mentor=seeded.bob, students=[seeded.kim],
                        extra=["--subject", seeded.subject])["id"]
    four = seeded.book("2025-03-07 16:00", students=[seeded.sam],
                       extra=["--subject", seeded.subject])["id"]
    for sid in (one, two):
        run.ok("session", "complete", str(sid))
    # completed with its student left unmarked (the config's `unmarked = "leave"`)
    run.ok("session", "complete", str(three), env={"SESSIONSCTL_UNMARKED": "leave"})
    run.ok("attendance", "mark", str(one), seeded.sam, "present")
    run.ok("attendance", "mark", str(one), seeded.kim, "absent")
    run.ok("attendance", "mark", str(two), seeded.lee, "excused")
    run.ok("rate", "set", "40.00", "--student", seeded.sam, "--per", "hour")
    run.ok("rate", "set", "30", "--subject", "mathematics", "--per", "session")
    return {"one": one, "two": two, "three": three, "four": four}


def report(seeded: Seeded, *args: str) -> dict[str, Any]:
    return seeded.run.json("billing", "report", "--from", "2025-03-01", "--to", "2025-03-31",
                           *args)


def test_rates_are_set_listed_replaced_and_removed(seeded: Seeded) -> None:
    run = seeded.run
    made = run.json("rate", "set", "35.5", "--student", "Sam Lee")
    assert (made["target"], made["name"], made["amount"], made["amount_minor"], made["per"],
            made["currency"]) == ("student", seeded.sam, "35.50", 3550, "hour", "GBP")
    again = run.json("rate", "set", "36", "--student", seeded.sam, "--per", "session")
    assert again["id"] == made["id"] and again["amount_minor"] == 3600
    run.ok("rate", "set", "20", "--mentor", seeded.ada)
    listed = run.json("rate", "list")
    assert [(r["kind"], r["name"], r["amount_minor"]) for r in listed] == [
        ("charge", seeded.sam, 3600), ("pay", seeded.ada, 2000)]
    assert "36.00 GBP" in run.ok("rate", "list").stdout
    run.ok("rate", "rm", str(made["id"]))
    assert [r["kind"] for r in run.json("rate", "list")] == ["pay"]
    run.fails(4, "rate", "rm", str(made["id"]))


@pytest.mark.parametrize(("args", "code", "words"), [
    (("12.345", "--student", "sam@example.org"), 2, "decimals"),
    (("--student", "sam@example.org", "--", "-3"), 2, "zero or more"),
    (("12", "--student", "ada@example.org"), 2, "not a student"),
    (("12", "--mentor", "sam@example.org"), 2, "not a mentor"),
    (("12",), 2, "--student"),
    (("12", "--student", "sam@example.org", "--subject", "Mathematics"), 2, "one of"),
    (("12", "--subject", "Chemistry"), 4, "Chemistry"),
])
def test_bad_rates_are_refused_naming_why(seeded: Seeded, args: tuple[str, ...], code: int,
                                          words: str) -> None:
    result = seeded.run.fails(code, "rate", "set", *args)
    assert words in result.stderr
    assert seeded.run.json("rate", "list") == []


def test_the_billing_report_hand_computed(seeded: Seeded, billed: dict[str, int]) -> None:
    data = report(seeded)
    lines = [(ln["session"], ln["student"], ln["why"], ln["priced_by"], ln["amount_minor"])
             for ln in data["lines"]]
    assert lines == [
        (billed["one"], seeded.kim, "absent", "subject rate", 3000),  # absent without notice
        (billed["one"], seeded.sam, "attended", "student rate", 6000),  # 40.00 x 1.5 h
        # two: Lee excused -> not billed (its own cost would have applied)
        (billed["three"], seeded.kim, "completed", "subject rate", 3000),
        # four: not held yet
    ]
    assert data["totals"]["total"] == "120.00 GBP"
    students = {s["student"]: (s["total_minor"], s["unpaid"]) for s in data["students"]}
    assert students == {seeded.kim: (6000, "60.00"), seeded.sam: (6000, "60.00")}

    # the cost set on a session wins over every rate: Lee's absence was not excused after all
    seeded.run.ok("attendance", "mark", str(billed["two"]), seeded.lee, "absent")
    line = [ln for ln in report(seeded)["lines"] if ln["session"] == billed["two"]]
    assert [(ln["priced_by"], ln["amount"]) for ln in line] == [("session", "25.00")]


def test_payments_recorded_and_the_unpaid_filter(seeded: Seeded, billed: dict[str, int]) -> None:
    run = seeded.run
    recorded = run.json("payment", "record", str(billed["one"]), "--paid")
    assert recorded["changed"] == [billed["one"]]
    assert run.json("payment", "record", str(billed["one"]), "--paid")["changed"] == []
    run.ok("payment", "record", str(billed["three"]), "--waived")
    assert report(seeded, "--unpaid")["lines"] == []
    run.ok("payment", "record", str(billed["three"]), "--unpaid")
    unpaid = report(seeded, "--unpaid", "--student", "Kim Park")
    assert [(ln["session"], ln["amount_minor"]) for ln in unpaid["lines"]] == [
        (billed["three"], 3000)]
    # all or none: one unknown session and nothing is recorded
    run.fails(4, "payment", "record", str(billed["three"]), "999", "--paid")
    assert run.json("session", "show", str(billed["three"]))["payment_status"] == "unpaid"
    run.fails(2, "payment", "record", str(billed["three"]))


def test_the_report_as_csv_html_and_a_table(seeded: Seeded, billed: dict[str, int]) -> None:
    run = seeded.run
    args = ("billing", "report", "--from", "2025-03-01", "--to", "2025-03-31")
    rows = list(csv.DictReader(io.StringIO(run.ok(*args, "--format", "csv",
                                                  "--by", "students").stdout)))
    assert [(r["student"], r["total"], r["total_minor"]) for r in rows] == [
        (seeded.kim, "60.00", "6000"), (seeded.sam, "60.00", "6000")]
    html = run.ok(*args, "--format", "html").stdout
    assert "<html" in html and "120.00 GBP" in html and "Per student" in html
    table = run.ok(*args).stdout
    assert "120.00 GBP" in table and "attended" in table and "minor units" not in table


def test_only_staff_read_billing_or_set_rates(seeded: Seeded, billed: dict[str, int]) -> None:
    run = seeded.run
    run.fails(5, "billing", "report", as_=seeded.ada)
    run.fails(5, "rate", "set", "50", "--mentor", seeded.ada, as_=seeded.ada)
    run.fails(5, "payment", "record", str(billed["one"]), "--paid", as_=seeded.sam)
    run.fails(5, "rate", "list", as_=seeded.sam)
    assert run.json("billing", "report", "--from", "2025-03-01", "--to", "2025-03-31",
                    as_=seeded.desk)["totals"]["total"] == "120.00 GBP"


def test_cancellations_by_whom_and_the_notice_window(seeded: Seeded) -> None:
    """Cancelled by the student 3 hours before: billed; 10 days before: not; by the centre
    or the mentor: a make-up credit; with no --by: neither (nothing known of who)."""
    run = seeded.run
    now = datetime.now(UTC).replace(second=0, microsecond=0)

    def book(hours: int, who: str) -> int:
        start = (now + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M+00:00")
        return seeded.book(start, students=[who], extra=["--subject", seeded.subject])["id"]

    late, early, centre, mentor, unsaid = (book(3, seeded.sam), book(240, seeded.kim),
                                           book(5, seeded.lee), book(7, seeded.kim),
                                           book(9, seeded.lee))
    run.ok("rate", "set", "30", "--subject", seeded.subject, "--per", "session")
    for sid, by in ((late, "student"), (early, "student"), (centre, "centre"),
                    (mentor, "mentor")):
        run.ok("session", "cancel", str(sid), "--by", by)
    run.ok("session", "cancel", str(unsaid))
    data = run.json("billing", "report", "--from", (now - timedelta(days=1)).date().isoformat(),
                    "--to", (now + timedelta(days=30)).date().isoformat())
    assert [(ln["session"], ln["why"], ln["amount_minor"]) for ln in data["lines"]] == [
        (late, "late cancellation", 3000), (centre, "make-up credit", 0),
        (mentor, "make-up credit", 0)]
    assert (data["totals"]["total"], data["totals"]["credits"]) == ("30.00 GBP", 2)
    # who cancelled is in the cancellation's audit record
    audit = run.json("audit", "list", "--session", str(late))
    assert any((e.get("after") or {}).get("cancelled_by") == "student" for e in audit)
    # --by names one session: a filtered cancellation does not take it
    run.fails(2, "session", "cancel", "--student", seeded.sam, "--by", "student", "--yes")
    run.fails(2, "session", "cancel", str(late), "--by", "teacher")


def test_session_list_by_payment(seeded: Seeded, billed: dict[str, int]) -> None:
    run = seeded.run
    run.ok("payment", "record", str(billed["one"]), "--paid")
    run.ok("payment", "record", str(billed["two"]), "--waived")

    def listed(*payments: str) -> list[int]:
        args = [a for p in payments for a in ("--payment", p)]
        return [s["id"] for s in run.json("session", "list", "--all", *args)]

    assert listed("paid") == [billed["one"]]
    assert listed("waived", "paid") == [billed["one"], billed["two"]]
    assert listed("unpaid") == [billed["three"], billed["four"]]
    run.fails(5, "session", "list", "--all", "--payment", "unpaid", as_=seeded.ada)
