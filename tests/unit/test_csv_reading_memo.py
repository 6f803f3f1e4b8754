"""A CSV file's repeated cells are read once (core/exchange/csvformat.py): every row still
reports its own problems, and rows naming the same people share one value."""

from __future__ import annotations

import io

from sessionsctl.core.exchange import csvformat
from sessionsctl.core.exchange.problems import Problem

HEAD = "title,start,end,tz,mentor_email,student_emails,room\n"
ROW = "Maths,2027-03-0{day}T16:00,2027-03-0{day}T17:00,Europe/London,{mentor},{students},Hall\n"


def _read(*rows: str) -> list[object]:
    data = (HEAD + "".join(rows)).encode()
    return list(csvformat.read(io.BytesIO(data), "t.csv", "Europe/London"))


def test_a_bad_cell_repeated_is_reported_on_every_row() -> None:
    bad = [ROW.format(day=d, mentor="not-an-address", students="sam@example.org;bad")
           for d in (1, 2, 3)]
    problems = [p for p in _read(*bad) if isinstance(p, Problem)]
    for row in (2, 3, 4):
        columns = {p.column for p in problems if p.row == row}
        assert columns == {"mentor_email", "student_emails"}, row


def test_rows_naming_the_same_people_share_their_values() -> None:
    rows = [r for r in _read(*(ROW.format(day=d, mentor=" Ada@Example.org ",
                                          students="sam@example.org; kim@example.org")
                               for d in (1, 2, 3)))
            if isinstance(r, csvformat.CsvRow)]
    assert len(rows) == 3
    first = rows[0].draft
    assert (first.mentor, first.students) == ("ada@example.org",
                                              ("kim@example.org", "sam@example.org"))
    for row in rows[1:]:
        assert row.draft.students is first.students and row.draft.mentor is first.mentor
        assert row.draft.room is first.room
    assert [r.draft.start.day for r in rows] == [1, 2, 3]
