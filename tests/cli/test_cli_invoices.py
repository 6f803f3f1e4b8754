"""`invoice` and `payroll` from the command line, on either backend: an invoice's PDF read
back matching its HTML total, numbers never reused (and not shared by two processes at
once), invoiced sessions kept as priced until void, and mentors' pay hand-computed."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from .conftest import Seeded
from .test_cli_billing import billed  # noqa: F401  (the fixture)

PERIOD = ("--from", "2025-03-01", "--to", "2025-03-31")


def pdf_text(path: str) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_an_invoice_as_html_and_pdf_with_the_same_total(
        seeded: Seeded, billed: dict[str, int], tmp_path: Path) -> None:  # noqa: F811
    run = seeded.run
    made = run.json("invoice", "make", "--student", "Kim Park", *PERIOD, "--dir", str(tmp_path))
    # Kim: absent from #one (Mathematics, 30.00 a session) and at #three (30.00)
    assert (made["number"], made["total"], made["total_minor"], made["sessions"]) == (
        1, "60.00", 6000, [billed["one"], billed["three"]])
    html_file, pdf_file = made["files"]
    assert Path(html_file).name == "invoice-1.html" and Path(pdf_file).name == "invoice-1.pdf"
    html = Path(html_file).read_text(encoding="utf-8")
    text = pdf_text(pdf_file)
    for shown in ("Invoice 1", "Kim Park", "kim@example.org", "60.00 GBP", "absent",
                  "30.00"):
        assert shown in html and shown in text, shown
    # invoiced once: nothing left to invoice for the period
    result = run.fails(2, "invoice", "make", "--student", seeded.kim, *PERIOD,
                       "--dir", str(tmp_path))
    assert "nothing to invoice" in result.stderr


def test_invoiced_sessions_keep_their_price_until_the_invoice_is_void(
        seeded: Seeded, billed: dict[str, int], tmp_path: Path) -> None:  # noqa: F811
    run = seeded.run
    run.ok("invoice", "make", "--student", seeded.sam, *PERIOD, "--dir", str(tmp_path))
    one = str(billed["one"])
    refused = run.fails(2, "session", "edit", one, "--cost", "10.00")
    assert "invoice 1" in refused.stderr and "cost" in refused.stderr
    run.fails(2, "session", "edit", one, "--duration", "30", "--past")
    run.ok("session", "edit", one, "--notes", "went well")  # no bearing on the amount
    run.fails(2, "invoice", "void", "1", "--reason", " ")
    voided = run.json("invoice", "void", "1", "--reason", "wrong rate")
    assert (voided["status"], voided["void_reason"]) == ("void", "wrong rate")
    run.fails(2, "invoice", "void", "1", "--reason", "again")
    run.fails(4, "invoice", "void", "7", "--reason", "no such")
    run.ok("session", "edit", one, "--cost", "10.00")
    again = run.json("invoice", "make", "--student", seeded.sam, *PERIOD,
                     "--dir", str(tmp_path))
    assert (again["number"], again["total"]) == (2, "10.00")  # 1 is never used again
    listed = run.json("invoice", "list")
    assert [(i["number"], i["status"]) for i in listed] == [(2, "issued"), (1, "void")]
    assert "VOID" in pdf_text(run.json("invoice", "write", "1", "--dir",
                                       str(tmp_path / "again"))["files"][1])
    audit = run.json("audit", "list")
    assert {"invoice", "void"} <= {e["action"] for e in audit}


def test_only_staff_invoice(seeded: Seeded, billed: dict[str, int],  # noqa: F811
                            tmp_path: Path) -> None:
    seeded.run.fails(5, "invoice", "make", "--student", seeded.sam, *PERIOD,
                     "--dir", str(tmp_path), as_=seeded.ada)
    seeded.run.fails(5, "invoice", "list", as_=seeded.sam)


_MAKER = """
import sys, time
from datetime import date
from zoneinfo import ZoneInfo
from sessionsctl.core.centre import Centre
from sessionsctl.store import open_store

url, student, go = sys.argv[1], sys.argv[2], float(sys.argv[3])
centre = Centre(open_store(url))
while time.time() < go:
    time.sleep(0.001)
numbers = [centre.invoices.make(student, date(2025, 3, day), date(2025, 3, day),
                                ZoneInfo("UTC")).number for day in range(1, 6)]
print(numbers)
"""


def test_two_processes_invoicing_at_once_never_share_a_number(seeded: Seeded) -> None:
    run = seeded.run
    for day in range(1, 6):
        sid = seeded.book(f"2025-03-0{day} 10:00", students=[seeded.sam, seeded.kim])["id"]
        run.ok("session", "complete", str(sid))
    run.ok("rate", "set", "10", "--student", seeded.sam, "--per", "session")
    run.ok("rate", "set", "20", "--student", seeded.kim, "--per", "session")
    go = time.time() + 3
    procs = [subprocess.Popen([sys.executable, "-c", _MAKER, run.db_url, who, str(go)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for who in (seeded.sam, seeded.kim)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    numbers = [n for out, _ in outs for n in json.loads(out)]
    assert sorted(numbers) == list(range(1, 11))
    totals = {(i["student"], i["total_minor"]) for i in run.json("invoice", "list")}
    assert totals == {(seeded.sam, 1000), (seeded.kim, 2000)}


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_payroll_hand_computed(seeded: Seeded, billed: dict[str, int], fmt: str) -> None:  # noqa: F811
    """Ada: #one (90 min) and #two (60 min) at 20.00 an hour = 30.00 + 20.00 = 50.00 over
    2.5 hours; Bob: #three at 15.00 a session; #four is not held yet."""
    run = seeded.run
    run.ok("rate", "set", "20", "--mentor", seeded.ada, "--per", "hour")
    run.ok("rate", "set", "15", "--mentor", seeded.bob, "--per", "session")
    if fmt == "json":
        data = run.json("payroll", "report", *PERIOD)
        assert [(m["mentor"], m["sessions"], m["hours"], m["pay"], m["pay_minor"])
                for m in data["mentors"]] == [(seeded.ada, 2, 2.5, "50.00", 5000),
                                              (seeded.bob, 1, 1.0, "15.00", 1500)]
        assert data["totals"]["pay"] == "65.00 GBP"
        only = run.json("payroll", "report", *PERIOD, "--mentor", "Bob Stone")
        assert [m["mentor"] for m in only["mentors"]] == [seeded.bob]
    else:
        out = run.ok("payroll", "report", *PERIOD, "--format", "csv").stdout
        assert out.splitlines()[1:] == [f"{seeded.ada},2,2.5,50.00,5000,GBP",
                                        f"{seeded.bob},1,1.0,15.00,1500,GBP"]
    run.fails(5, "payroll", "report", *PERIOD, as_=seeded.ada)
