"""Each student of a group session pays for their own place, on either backend: `payment
record --student`, the billing report's --unpaid, `session list --payment` and invoices
follow the place's own payment status (totals hand-computed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .conftest import Seeded
from .test_cli_billing import billed, report  # noqa: F401  (billed: the fixture)

PERIOD = ("--from", "2025-03-01", "--to", "2025-03-31")


def payments(data: dict[str, Any]) -> list[tuple[int, str, int, str]]:
    return [(ln["session"], ln["student"], ln["amount_minor"], ln["payment"])
            for ln in data["lines"]]


def test_a_group_sessions_students_each_pay(
        seeded: Seeded, billed: dict[str, int], tmp_path: Path) -> None:  # noqa: F811
    """#one: Sam (40.00 an hour x 1.5 h = 60.00) and Kim (absent, 30.00 a session) together;
    #three: Kim alone (30.00); #two: Lee, excused (not charged); #four: Sam, to come."""
    run = seeded.run
    one, two, three, four = (billed[k] for k in ("one", "two", "three", "four"))
    recorded = run.json("payment", "record", str(one), "--paid", "--student", "Sam Lee")
    assert recorded["changed"] == [one]
    assert payments(report(seeded)) == [
        (one, seeded.kim, 3000, "unpaid"), (one, seeded.sam, 6000, "paid"),
        (three, seeded.kim, 3000, "unpaid")]
    unpaid = report(seeded, "--unpaid")
    assert payments(unpaid) == [(one, seeded.kim, 3000, "unpaid"),
                                (three, seeded.kim, 3000, "unpaid")]
    assert unpaid["totals"]["unpaid"] == "60.00 GBP"  # Kim's 30.00 + 30.00; Sam paid his 60.00
    assert report(seeded)["totals"]["unpaid"] == "60.00 GBP"

    def listed(status: str) -> list[int]:
        return [s["id"] for s in run.json("session", "list", "--all", "--payment", status)]

    # a session is listed under each status one of its places has
    assert listed("paid") == [one]
    assert listed("unpaid") == [one, two, three, four]

    run.ok("payment", "record", str(one), "--waived", "--student", seeded.kim)
    assert payments(report(seeded, "--unpaid")) == [(three, seeded.kim, 3000, "unpaid")]
    assert (listed("paid"), listed("waived"), listed("unpaid")) == (
        [one], [one], [two, three, four])

    # each student's invoice carries their own places as recorded for them: Sam's paid one;
    # Kim's #three alone (her place in #one is waived, so not owed)
    sam = run.json("invoice", "make", "--student", seeded.sam, *PERIOD, "--dir", str(tmp_path))
    kim = run.json("invoice", "make", "--student", seeded.kim, *PERIOD, "--dir", str(tmp_path))
    assert [(ln["session"], ln["amount_minor"], ln["payment"]) for ln in sam["lines"]] == [
        (one, 6000, "paid")]
    assert [(ln["session"], ln["amount_minor"], ln["payment"]) for ln in kim["lines"]] == [
        (three, 3000, "unpaid")]
    assert (sam["total"], kim["total"]) == ("60.00", "30.00")
    html = Path(sam["files"][0]).read_text(encoding="utf-8")
    assert "paid" in html and "60.00 GBP" in html


def test_a_whole_session_recorded_replaces_its_students_own(
        seeded: Seeded, billed: dict[str, int]) -> None:  # noqa: F811
    run = seeded.run
    one = billed["one"]
    run.ok("payment", "record", str(one), "--paid", "--student", seeded.sam)
    # nothing changes for a status the place has already (the session's unpaid, for Kim)
    assert run.json("payment", "record", str(one), "--unpaid",
                    "--student", seeded.kim)["changed"] == []
    assert run.json("payment", "record", str(one), "--waived")["changed"] == [one]
    assert {(ln["student"], ln["payment"]) for ln in report(seeded)["lines"]
            if ln["session"] == one} == {(seeded.sam, "waived"), (seeded.kim, "waived")}
    entries = [e for e in run.json("audit", "list", "--session", str(one))
               if e["action"] == "payment"]
    whole, place = entries[0], entries[1]  # newest first
    assert whole["before"] == {"payment_status": "unpaid", "payments": {seeded.sam: "paid"}}
    assert place["before"] == {"student": seeded.sam, "payment_status": "unpaid"}
    assert "cannot be undone" in run.fails(2, "audit", "revert", str(place["id"])).stderr
    # Kim alone in #three: her place is the session's, recorded (and undone) as the session's
    three = str(billed["three"])
    run.ok("payment", "record", three, "--paid", "--student", "Kim Park")
    assert run.json("session", "show", three)["payment_status"] == "paid"
    alone = [e for e in run.json("audit", "list", "--session", three)
             if e["action"] == "payment"]
    assert [(e["before"], e["after"]) for e in alone] == [
        ({"payment_status": "unpaid"}, {"payment_status": "paid"})]
    run.ok("audit", "revert", str(alone[0]["id"]))
    assert run.json("session", "show", three)["payment_status"] == "unpaid"


def test_a_students_payment_refused_where_they_take_no_part(
        seeded: Seeded, billed: dict[str, int]) -> None:  # noqa: F811
    run = seeded.run
    one, two = billed["one"], billed["two"]
    result = run.fails(2, "payment", "record", str(one), str(two), "--paid",
                       "--student", seeded.sam)
    assert f"{seeded.sam} is not a student of session {two}" in result.stderr
    run.fails(4, "payment", "record", str(one), "999", "--paid", "--student", seeded.sam)
    run.fails(4, "payment", "record", str(one), "--paid", "--student", "Nobody Known")
    run.fails(5, "payment", "record", str(one), "--paid", "--student", seeded.sam,
              as_=seeded.ada)
    assert {ln["payment"] for ln in report(seeded)["lines"]} == {"unpaid"}  # all or none


def test_session_show_gives_each_students_payment(
        seeded: Seeded, billed: dict[str, int]) -> None:  # noqa: F811
    run = seeded.run
    one = str(billed["one"])
    shown = run.json("session", "show", one)
    # every place paid as the session is: no payment beside the students
    assert shown["places"] == [{"student": seeded.kim, "payment": "unpaid"},
                               {"student": seeded.sam, "payment": "unpaid"}]
    assert "<sam@example.org> (" not in run.ok("session", "show", one).stdout
    run.ok("payment", "record", one, "--paid", "--student", seeded.sam)
    run.ok("payment", "record", one, "--waived", "--student", seeded.kim)
    shown = run.json("session", "show", one)
    assert shown["payment_status"] == "unpaid"
    assert shown["places"] == [{"student": seeded.kim, "payment": "waived"},
                               {"student": seeded.sam, "payment": "paid"}]
    text = run.ok("session", "show", one).stdout
    assert "Sam Lee <sam@example.org> (paid)" in text
    assert "Kim Park <kim@example.org> (waived)" in text
    assert "unpaid (each student's beside them)" in text
    # a mentor reads no payments: the places say none
    theirs = run.json("session", "show", one, as_=seeded.ada)
    assert theirs["places"] == [{"student": seeded.kim, "payment": None},
                                {"student": seeded.sam, "payment": None}]
    assert "(paid)" not in run.ok("session", "show", one, as_=seeded.ada).stdout


def test_undoing_a_whole_session_record_puts_back_the_students_own(
        seeded: Seeded, billed: dict[str, int]) -> None:  # noqa: F811
    run = seeded.run
    one = str(billed["one"])
    run.ok("payment", "record", one, "--paid", "--student", seeded.sam)
    run.ok("payment", "record", one, "--waived", "--student", seeded.kim)
    run.ok("payment", "record", one, "--paid")
    assert {p["payment"] for p in run.json("session", "show", one)["places"]} == {"paid"}
    whole = next(e for e in run.json("audit", "list", "--session", one)
                 if e["action"] == "payment")
    assert whole["before"]["payments"] == {seeded.kim: "waived", seeded.sam: "paid"}
    undone = run.json("audit", "revert", str(whole["id"]))
    assert undone["session"]["id"] == int(one)
    assert f"{seeded.kim} waived" in undone["summary"]
    shown = run.json("session", "show", one)
    assert shown["payment_status"] == "unpaid"
    assert shown["places"] == [{"student": seeded.kim, "payment": "waived"},
                               {"student": seeded.sam, "payment": "paid"}]
    assert {(ln["student"], ln["payment"]) for ln in report(seeded)["lines"]
            if ln["session"] == int(one)} == {(seeded.sam, "paid"), (seeded.kim, "waived")}
    # the undo is audited as a payment record putting them back, with its revert row
    newest = run.json("audit", "list", "--session", one)[:2]
    assert {e["action"] for e in newest} == {"payment", "revert"}
    put = next(e for e in newest if e["action"] == "payment")
    assert put["after"] == {"payment_status": "unpaid",
                            "payments": {seeded.kim: "waived", seeded.sam: "paid"}}
