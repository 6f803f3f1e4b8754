"""CSV import and export: all or nothing, every problem reported, the file round-trips."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft, SessionQuery
from sessionsctl.core.domain.errors import InvalidInput, SessionsctlError
from sessionsctl.core.domain.model import Role, SessionStatus
from sessionsctl.core.exchange.cells import TRIGGERS, defuse, restore
from sessionsctl.core.exchange.csvformat import COLUMNS
from sessionsctl.core.exchange.problems import BadFile
from sessionsctl.core.exchange.results import ImportConflicts
from sessionsctl.store import open_store
from sessionsctl.store.engine import SqlStore

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
HEADER = "title,start,duration,mentor_email,student_emails,room,subject,type,repeat,notes\n"
GOOD = HEADER + (
    "Algebra,2027-01-05 16:00,60,ada@example.org,sam@example.org,Room 2,Mathematics,,,\n"
    "Group,2027-01-06 16:00,45,ada@example.org,sam@example.org;kim@example.org,,,group,"
    "FREQ=WEEKLY;COUNT=4,bring calculators\n"
    "Trial,2027-01-07T09:00-05:00,30,bob@example.org,lee@example.org,,,,,\n"
)


@pytest.fixture
def desk(store: SqlStore) -> Centre:
    centre = Centre(store, clock=lambda: NOW)
    centre.people.add_person("Ada Byron", "ada@example.org", Role.MENTOR)
    centre.people.add_person("Bob Stone", "bob@example.org", Role.MENTOR)
    for name in ("sam", "kim", "lee"):
        centre.people.add_person(name.title(), f"{name}@example.org", Role.STUDENT)
    centre.people.add_room("Room 2", 4)
    centre.people.add_subject("Mathematics")
    return centre


def imp(centre: Centre, text: str | bytes, **kw: object):
    data = text.encode() if isinstance(text, str) else text
    return centre.exchange.import_csv(io.BytesIO(data), "term.csv", default_tz="Europe/London", **kw)  # type: ignore[arg-type]


def export(centre: Centre) -> str:
    sink = io.StringIO()
    centre.exchange.export_csv(SessionQuery(), sink)
    return sink.getvalue()


def state(centre: Centre) -> list[tuple]:
    return [(s.id, s.uid, s.start, s.status, s.title) for s in
            centre.sessions.find(SessionQuery())] + [(p.email,) for p in centre.people.list_people()]


def test_import_books_one_offs_and_series(desk: Centre) -> None:
    result = imp(desk, GOOD)
    assert (result.created, result.series) == (6, 1)
    sessions = desk.sessions.find(SessionQuery())
    assert len(sessions) == 6
    trial = next(s for s in sessions if s.title == "Trial")
    assert trial.start == datetime(2027, 1, 7, 14, tzinfo=UTC)  # the offset wins over --tz
    group = [s for s in sessions if s.title == "Group"]
    assert len({s.uid for s in group}) == 1 and group[0].series_id is not None
    assert group[0].students == ("kim@example.org", "sam@example.org")
    assert group[0].notes == "bring calculators"


def test_export_import_export_gives_the_same_file(desk: Centre, fresh_url: str) -> None:
    imp(desk, GOOD)
    desk.sessions.cancel(desk.sessions.find(SessionQuery())[0].id, "ill")
    first = export(desk)
    assert first.splitlines()[0] == ",".join(COLUMNS)
    other = Centre(open_store(fresh_url), clock=lambda: NOW)
    # Another centre's file: its ids name none of ours, so it is booked as new.
    imp(other, first, create_missing=True, as_new=True)
    assert without_ids(export(other)) == without_ids(first)


def without_ids(text: str) -> list[list[str]]:
    """The file's cells less those a database gives: the id and the series (a file's rows
    are one-offs when booked as new)."""
    import csv

    rows = list(csv.reader(io.StringIO(text)))
    drop = {rows[0].index(c) for c in ("id", "series_uid", "recurrence_id")}
    return [[c for i, c in enumerate(r) if i not in drop] for r in rows]


def test_every_problem_is_reported_with_row_and_column(desk: Centre) -> None:
    text = HEADER + (
        "Algebra,2027-02-30 16:00,60,ada@example.org,,,,,,\n"
        ",2027-01-05 16:00,60,ada@example.org,,,,,,\n"
        "Algebra,2027-01-05 16:00,abc,ada@example.org,,,,,,\n"
        "Algebra,2027-01-05 16:00,60,not-an-email,,,,,,\n"
        "Algebra,2027-01-05 16:00,60,ada@example.org,,,,lecture,,\n"
        "Algebra,2027-01-05 16:00,60,ada@example.org,,,,,FREQ=SOMETIMES,\n"
        "Algebra,2027-01-05 16:00,60\n"
    )
    before = state(desk)
    with pytest.raises(BadFile) as caught:
        imp(desk, text)
    found = [(p.row, p.column) for p in caught.value.problems]
    assert found == [(2, "start"), (3, "title"), (4, "duration"), (5, "mentor_email"),
                     (6, "type"), (7, "repeat"), (8, None)]
    assert "term.csv" in caught.value.message and caught.value.exit_code == 2
    assert state(desk) == before


def test_unknown_references_are_named_or_created(desk: Centre) -> None:
    text = HEADER + "Algebra,2027-01-05 16:00,60,zoe@example.org,max@example.org,Lab,Chemistry,,,\n"
    with pytest.raises(BadFile) as caught:
        imp(desk, text)
    assert {(p.row, p.column) for p in caught.value.problems} == {
        (2, "mentor_email"), (2, "student_emails"), (2, "room"), (2, "subject")}
    result = imp(desk, text, create_missing=True)
    assert result.created == 1
    assert sorted(result.references) == ["mentor zoe@example.org", "room Lab",
                                         "student max@example.org", "subject Chemistry"]
    roles = {p.email: p.role for p in desk.people.list_people()}
    assert roles["zoe@example.org"] is Role.MENTOR and roles["max@example.org"] is Role.STUDENT


def test_conflicts_name_the_row_and_the_clashing_session(desk: Centre) -> None:
    busy = desk.sessions.book(SessionDraft(title="Busy", mentor="ada@example.org",
                                  start=datetime(2027, 1, 13, 16, tzinfo=UTC),
                                  end=datetime(2027, 1, 13, 17, tzinfo=UTC),
                                  tz="Europe/London")).session
    text = GOOD + "Clash,2027-01-05 16:30,30,bob@example.org,sam@example.org,,,,,\n"
    before = state(desk)
    with pytest.raises(ImportConflicts) as caught:
        imp(desk, text)
    rows = {(f.row, f.conflict.kind, f.conflict.with_.title, f.with_row)
            for r in caught.value.rows for f in r.shown}
    assert rows == {(3, "mentor", "Busy", None), (5, "student", "Algebra", 2)}
    assert caught.value.rows[0].shown[0].conflict.with_.id == busy.id
    assert [(r.row, r.kinds) for r in caught.value.rows] == [(3, {"mentor": 1}),
                                                             (5, {"student": 1})]
    assert state(desk) == before
    skipped = imp(desk, text, on_conflict="skip")
    assert skipped.created == 5 and {r.row for r in skipped.skipped} == {3, 5}
    series_id = next(s.series_id for s in desk.sessions.find(SessionQuery()) if s.title == "Group")
    rule = desk.series.info(series_id)[0].rule
    assert "EXDATE:20270113T160000" in rule  # the skipped occurrence left the rule


def test_force_needs_a_reason_and_records_it(desk: Centre) -> None:
    text = GOOD + "Clash,2027-01-05 16:30,30,bob@example.org,sam@example.org,,,,,\n"
    with pytest.raises(InvalidInput):
        imp(desk, text, on_conflict="force")
    result = imp(desk, text, on_conflict="force", reason="parents asked")
    assert result.created == 7 and result.forced
    clash = next(s for s in desk.sessions.find(SessionQuery()) if s.title == "Clash")
    assert clash.force_reason == "parents asked"


def test_dry_run_writes_nothing(desk: Centre) -> None:
    before = state(desk)
    result = imp(desk, GOOD, dry_run=True, create_missing=True)
    assert result.dry_run and len(result.planned) == 6
    assert state(desk) == before


@pytest.mark.parametrize(("data", "reason"), [
    (b"title,start\nAlgebra,2027-01-05 16:00\n", "missing column"),
    (HEADER.encode() + "Alg\u00e8bre,2027-01-05 16:00,60,ada@example.org,,,,,,\n".encode("latin-1"),
     "not UTF-8"),
    (GOOD.encode()[:-40], "field"),
    (HEADER.encode() + b'"Algebra,2027-01-05 16:00,60,ada@example.org,,,,,,\n', "quote"),
    (b"", "empty"),
    (b"\xef\xbb\xbfBEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
     "is an iCalendar file, not CSV: import it with `sessionsctl import ics`"),
])
def test_malformed_files_exit_2_and_write_nothing(desk: Centre, data: bytes, reason: str) -> None:
    before = state(desk)
    with pytest.raises(BadFile) as caught:
        imp(desk, data)
    assert reason in caught.value.message
    assert state(desk) == before


def test_a_byte_order_mark_and_crlf_are_fine(desk: Centre) -> None:
    data = b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode()
    assert imp(desk, data).created == 6


# ------------------------------------------------------------------- property-based tests
_valid = GOOD.encode()


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(_valid)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.sampled_from([b",", b'"', b"\n", b";", b"\xff", b"T25:",
                                                b"2027-13-01", b"FREQ=", b"\r",
                                                b";UNTIL=29991231", b";UNTIL=99991231",
                                                b";BYSETPOS=2", b" RDATE:99991231,20270105",
                                                b"9999-12-31"]))
        elif data:
            del data[at:at + draw(st.integers(1, 20))]
    return bytes(data)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.one_of(mutated(), st.binary(max_size=300)))
def test_random_and_mutated_files_never_crash_nor_write_partly(desk: Centre,
                                                               data: bytes) -> None:
    before = state(desk)
    try:
        result = imp(desk, data, dry_run=True)
    except SessionsctlError as exc:
        assert exc.exit_code in (2, 3, 4)
        assert state(desk) == before
        return
    assert result.dry_run
    assert state(desk) == before


def test_export_streams_in_start_order(desk: Centre) -> None:
    for week in range(30):
        desk.sessions.book(SessionDraft(title=f"W{week}", mentor="ada@example.org",
                               start=NOW + timedelta(weeks=week),
                               end=NOW + timedelta(weeks=week, hours=1), tz="Europe/London"))
    rows = export(desk).splitlines()[1:]
    assert [r.split(",")[0] for r in rows] == [f"W{w}" for w in range(30)]
    assert all(s.status is SessionStatus.SCHEDULED for s in desk.sessions.find(SessionQuery()))


def test_bad_rows_and_unknown_names_are_reported_together(desk: Centre) -> None:
    text = HEADER + ("Algebra,2027-01-05 25:00,60,ada@example.org,,,,,,\n"
                     "Algebra,2027-01-06 16:00,60,ada@example.org,,Lab,,,,\n")
    with pytest.raises(BadFile) as caught:
        imp(desk, text)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "start"), (3, "room")]


@pytest.mark.parametrize(("row", "column"), [
    ("A,2027-07-05 16:00,60,ada@example.org,,,,,,,99999999999999999999999", "max_participants"),
    ("B,9999-12-31 23:30,60,ada@example.org,,,,,,,", "start"),
    ("C,2999-12-31 23:30,60,ada@example.org,,,,,,,", "duration"),
    ("D,0001-01-01 00:10,60,ada@example.org,,,,,,,", "start"),
    ("E,2027-07-05 16:00,99999999999999999999,ada@example.org,,,,,,,", "duration"),
    ("F,2027-07-05 16:00,60,ada@example.org,,,,,,,\u00b2", "max_participants"),
])
def test_numbers_and_dates_out_of_range_are_problems_of_their_cell(
        desk: Centre, row: str, column: str) -> None:
    """Never an overflow further on: integers and instants are bounded where they are read."""
    before = state(desk)
    with pytest.raises(BadFile) as caught:
        imp(desk, HEADER.rstrip("\n") + ",max_participants\n" + row + "\n")
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, column)]
    assert state(desk) == before


def test_lines_longer_than_any_buffer_are_one_record(desk: Centre) -> None:
    """A 70 KiB notes cell (and a quoted one with line breaks) stays in its row; the rows
    after it keep their numbers."""
    long = "n" * 70_000
    text = HEADER + (f"Algebra,2027-01-05 16:00,60,ada@example.org,,,,,,{long}\n"
                     f'Algebra,2027-01-06 16:00,60,ada@example.org,,,,,,"{long[:60_000]}\n'
                     f'{long[:60_000]}"\n'
                     "Algebra,2027-01-07 16:00,60,bad,,,,,,\n")
    with pytest.raises(BadFile) as caught:
        imp(desk, text)
    assert [(p.row, p.column) for p in caught.value.problems] == [(5, "mentor_email")]
    result = imp(desk, text.rsplit("Algebra,2027-01-07", 1)[0])
    assert result.created == 2
    notes = sorted(s.notes for s in desk.sessions.find(SessionQuery()))
    assert notes == sorted([long, f"{long[:60_000]}\n{long[:60_000]}"])


def test_a_byte_that_is_not_utf8_is_reported_with_its_line(desk: Centre) -> None:
    text = (HEADER + "Algebra,2027-01-05 16:00,60,ada@example.org,,,,,,\n" * 3000).encode()
    data = text + "Alg\u00e8bre,2027-01-05 16:00,60,ada@example.org,,,,,,\n".encode("latin-1")
    with pytest.raises(BadFile) as caught:
        imp(desk, data)
    assert [(p.row, p.column) for p in caught.value.problems] == [(3002, None)]
    with pytest.raises(BadFile) as caught:
        imp(desk, text + "\u00e8".encode()[:1])
    assert "truncated" in caught.value.problems[0].message


def test_every_problem_of_a_row_is_reported_with_its_column(desk: Centre) -> None:
    """Not only the first: a bad date, a bad type and a bad number in one row, and the
    people, room and subject it names that do not exist."""
    text = ("title,start,duration,mentor_email,student_emails,room,subject,type,"
            "max_participants\n"
            "Algebra,2027-02-30 16:00,60,zoe@example.org,sam@example.org;max@example.org,"
            "Lab,Chemistry,lecture,many\n")
    with pytest.raises(BadFile) as caught:
        imp(desk, text)
    assert sorted((p.row, p.column) for p in caught.value.problems) == [
        (2, "max_participants"), (2, "mentor_email"), (2, "room"), (2, "start"),
        (2, "student_emails"), (2, "subject"), (2, "type")]
    named = {p.message for p in caught.value.problems}
    assert any("zoe@example.org" in m for m in named)
    assert any("max@example.org" in m for m in named)


def _series_rows(centre: Centre) -> list:
    with centre.ctx.read() as uow:
        return uow.series.all()


def test_skipping_every_occurrence_leaves_no_empty_series(desk: Centre) -> None:
    for day in (13, 20):
        desk.sessions.book(SessionDraft(title="Busy", mentor="ada@example.org",
                               start=datetime(2027, 1, day, 16, tzinfo=UTC),
                               end=datetime(2027, 1, day, 17, tzinfo=UTC), tz="Europe/London"))
    text = HEADER + ("Weekly,2027-01-13 16:00,60,ada@example.org,,,,,FREQ=WEEKLY;COUNT=2,\n"
                     "Other,2027-01-14 16:00,60,ada@example.org,,,,,FREQ=WEEKLY;COUNT=2,\n")
    result = imp(desk, text, on_conflict="skip")
    assert (result.created, result.series) == (2, 1)
    assert {r.row for r in result.skipped} == {2}
    (series,) = _series_rows(desk)
    assert series.template["title"] == "Other"


def test_a_nul_byte_is_a_problem_of_its_cell(desk: Centre) -> None:
    """PostgreSQL keeps no NUL in text: refused where it is read, on every database."""
    with pytest.raises(BadFile) as caught:
        imp(desk, GOOD.replace("Trial", "Tri\x00al"))
    assert [(p.row, p.column) for p in caught.value.problems] == [(4, "title")]


def test_a_row_without_a_type_takes_the_same_default_as_every_face(desk: Centre) -> None:
    """Two students and no type make a group, as `session add` and the iCalendar import
    make it (it was individual from CSV); one student an individual session; a type given
    stands."""
    rows = HEADER + (
        "Pair,2027-02-01 16:00,60,ada@example.org,sam@example.org;kim@example.org,,,,,\n"
        "One,2027-02-02 16:00,60,ada@example.org,lee@example.org,,,,,\n"
        "Said,2027-02-03 16:00,60,bob@example.org,sam@example.org;kim@example.org,,,"
        "workshop,,\n")
    imp(desk, rows)
    kinds = {s.title: s.type.value for s in desk.sessions.find(SessionQuery())}
    assert kinds == {"Pair": "group", "One": "individual", "Said": "workshop"}


def test_a_cell_longer_than_the_store_keeps_is_a_problem_of_its_column(desk: Centre) -> None:
    with pytest.raises(BadFile) as caught:
        imp(desk, HEADER.replace(",notes", ",notes,location") + (
            "Long,2027-02-01 16:00,60,ada@example.org,sam@example.org,,,,,,"
            + "x" * 501 + "\n"))
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "location")]


# ------------------------------------------------------------- cells no spreadsheet runs
FORMULAS = ("=sum(A1:A3)", "-1 test", "+44 call", "@home", "'=quoted", "'plain", "''-two")


def test_a_cell_a_spreadsheet_would_run_is_quoted_and_reads_back_as_it_was(
        desk: Centre, fresh_url: str) -> None:
    """A title, location or note beginning with = + - @ is written with a quote before it
    (OWASP's rule against CSV injection), and import takes exactly that quote away, so the
    values survive export -> import -> export."""
    for day, text in enumerate(FORMULAS, start=1):
        start = datetime(2027, 3, day, 16, tzinfo=UTC)
        desk.sessions.book(SessionDraft(title=text, mentor="ada@example.org", start=start,
                                        end=start + timedelta(hours=1), tz="Europe/London",
                                        location=text, notes=text))
    first = export(desk)
    cells = [line.split(",") for line in first.splitlines()[1:]]
    titles, locations, notes = ([row[COLUMNS.index(c)] for row in cells]
                                for c in ("title", "location", "notes"))
    written = ["'=sum(A1:A3)", "'-1 test", "'+44 call", "'@home", "''=quoted", "'plain",
               "'''-two"]
    assert titles == locations == notes == written
    other = Centre(open_store(fresh_url), clock=lambda: NOW)
    imp(other, first, create_missing=True, as_new=True)
    assert [(s.title, s.location, s.notes) for s in other.sessions.find(SessionQuery())] == [
        (t, t, t) for t in FORMULAS]
    assert export(other) == first


@given(st.text(alphabet="'=+-@\t\rab", max_size=8))
def test_defuse_never_leaves_a_trigger_first_and_restore_undoes_it(value: str) -> None:
    cell = defuse(value)
    assert not cell.startswith(TRIGGERS) and restore(cell) == value


def test_a_link_that_is_no_web_address_is_a_problem_of_its_column(desk: Centre) -> None:
    with pytest.raises(BadFile) as caught:
        imp(desk, HEADER.replace(",notes", ",notes,link") + (
            "Web,2027-02-01 16:00,60,ada@example.org,sam@example.org,,,,,,https://meet.example/a\n"
            "Js,2027-02-02 16:00,60,ada@example.org,sam@example.org,,,,,,javascript:alert(3)\n"))
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "link")]
    assert "javascript:alert(3)" in caught.value.problems[0].message
    assert desk.sessions.find(SessionQuery()) == []
