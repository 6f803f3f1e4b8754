"""The spreadsheet round trip (issue 21): export csv, edit cells, import csv gives exactly
those edits -- each judged, audited and told as ``session edit`` is, all or nothing."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import AuditQuery, SessionQuery
from sessionsctl.core.domain.model import PaymentStatus, Role, SessionStatus
from sessionsctl.core.exchange.problems import BadFile
from sessionsctl.core.exchange.results import ImportConflicts
from sessionsctl.store.engine import SqlStore

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)
TERM = ("title,start,duration,mentor_email,student_emails,room,repeat\n"
        "Algebra,2027-01-05 16:00,60,ada@example.org,sam@example.org,Room 2,\n"
        "Group,2027-01-06 16:00,45,ada@example.org,sam@example.org;kim@example.org,,"
        "FREQ=WEEKLY;COUNT=3\n"
        "Trial,2027-01-07 09:00,30,bob@example.org,kim@example.org,,\n")


@pytest.fixture
def desk(store: SqlStore) -> Centre:
    centre = Centre(store, clock=lambda: NOW)
    centre.people.add_person("Ada Byron", "ada@example.org", Role.MENTOR)
    centre.people.add_person("Bob Stone", "bob@example.org", Role.MENTOR)
    for name in ("sam", "kim"):
        centre.people.add_person(name.title(), f"{name}@example.org", Role.STUDENT)
    centre.people.add_room("Room 2", 4)
    imp(centre, TERM)
    return centre


def imp(centre: Centre, text: str, **kw: object):
    return centre.exchange.import_csv(io.BytesIO(text.encode()), "term.csv",  # type: ignore[arg-type]
                                      default_tz="Europe/London", **kw)


def exported(centre: Centre) -> list[dict[str, str]]:
    sink = io.StringIO()
    centre.exchange.export_csv(SessionQuery(), sink)
    return list(csv.DictReader(io.StringIO(sink.getvalue())))


def as_text(rows: list[dict[str, str]]) -> str:
    sink = io.StringIO()
    out = csv.DictWriter(sink, fieldnames=list(rows[0]))
    out.writeheader()
    out.writerows(rows)
    return sink.getvalue()


def snapshot(centre: Centre) -> dict[int, dict[str, object]]:
    fields = ("title", "start", "end", "tz", "mentor", "students", "room", "subject", "type",
              "location", "link", "max_participants", "notes", "status", "description", "cost",
              "payment_status", "uid", "series_id", "recurrence_id", "passcode")
    return {s.id: {f: getattr(s, f) for f in fields}
            for s in centre.sessions.find(SessionQuery())}


def test_the_export_carries_ids_series_money_and_description(desk: Centre) -> None:
    rows = exported(desk)
    assert {"id", "series_uid", "recurrence_id", "cost", "payment_status",
            "description"} <= set(rows[0])
    by_id = {int(r["id"]): r for r in rows}
    for s in desk.sessions.find(SessionQuery()):
        row = by_id[s.id]
        assert row["series_uid"] == (s.uid if s.series_id else "")
        assert bool(row["recurrence_id"]) == (s.recurrence_id is not None)
        assert row["payment_status"] == "unpaid"


def test_a_file_edited_in_two_cells_changes_exactly_those_two_fields(desk: Centre) -> None:
    before = snapshot(desk)
    rows = exported(desk)
    algebra = next(r for r in rows if r["title"] == "Algebra")
    trial = next(r for r in rows if r["title"] == "Trial")
    algebra["title"] = "Algebra II"
    trial["cost"] = "25.00"
    result = imp(desk, as_text(rows))
    assert (result.created, result.updated, result.unchanged) == (0, 2, len(rows) - 2)
    after = snapshot(desk)
    assert set(after) == set(before)
    diff = {(i, f) for i in after for f in after[i] if after[i][f] != before[i][f]}
    assert diff == {(int(algebra["id"]), "title"), (int(trial["id"]), "cost")}
    assert after[int(trial["id"])]["cost"] == Decimal("25.00")
    # Each change is in the audit trail as a session edit...
    edits = desk.audit.entries(AuditQuery(action="edit"))
    assert sorted(e.entity_id for e in edits) == sorted([algebra["id"], trial["id"]])
    # ...and the people of the retitled session are told; a cost moves nobody.
    queued = desk.mail.outbox()
    assert {m.session_id for m in queued if m.kind == "changed"} == {int(algebra["id"])}
    # Importing the same file again changes nothing.
    again = imp(desk, as_text(exported(desk)))
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(rows))


def test_rows_without_an_id_are_new_and_a_cancelled_status_cancels(desk: Centre) -> None:
    rows = exported(desk)
    new = {**rows[0], "id": "", "series_uid": "", "recurrence_id": "", "title": "Extra",
           "start": "2027-02-01T10:00:00+00:00", "end": "2027-02-01T11:00:00+00:00",
           "payment_status": "paid"}
    trial = next(r for r in rows if r["title"] == "Trial")
    trial["status"] = "cancelled"
    result = imp(desk, as_text([*rows, new]))
    assert (result.created, result.removed) == (1, 1)
    extra = desk.sessions.find(SessionQuery(search="Extra"))
    assert len(extra) == 1 and extra[0].payment_status is PaymentStatus.PAID
    assert desk.sessions.show(int(trial["id"])).session.status is SessionStatus.CANCELLED


def test_an_unknown_id_or_a_clash_writes_nothing(desk: Centre) -> None:
    before = snapshot(desk)
    rows = exported(desk)
    rows[0]["id"] = "9999"
    with pytest.raises(BadFile) as caught:
        imp(desk, as_text(rows))
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "id")]
    assert "no session 9999" in caught.value.message
    rows = exported(desk)
    algebra = next(r for r in rows if r["title"] == "Algebra")
    group = next(r for r in rows if r["title"] == "Group")
    algebra["notes"] = "moved"
    algebra["start"], algebra["end"] = group["start"], group["end"]  # onto Ada's group lesson
    with pytest.raises(ImportConflicts):
        imp(desk, as_text(rows))
    assert snapshot(desk) == before


def test_delete_missing_cancels_what_the_file_no_longer_has_in_its_range(desk: Centre) -> None:
    january = SessionQuery(start=datetime(2027, 1, 1, tzinfo=UTC),
                           end=datetime(2027, 1, 8, tzinfo=UTC))
    sink = io.StringIO()
    desk.exchange.export_csv(january, sink)
    rows = list(csv.DictReader(io.StringIO(sink.getvalue())))
    later = {s.id for s in desk.sessions.find(SessionQuery(start=datetime(2027, 1, 8, tzinfo=UTC)))}
    assert later, "the series goes on after the exported week"
    dropped = rows.pop(next(i for i, r in enumerate(rows) if r["title"] == "Trial"))
    result = imp(desk, as_text(rows), delete_missing=january)
    assert result.removed == 1
    assert [(p.action, p.session_id) for p in result.planned] == [("cancel", int(dropped["id"]))]
    gone = desk.sessions.show(int(dropped["id"])).session
    assert gone.status is SessionStatus.CANCELLED and gone.cancel_reason == "no longer in term.csv"
    # Outside the range nothing is touched; within it, the file's rows are as they were.
    assert all(s.status is SessionStatus.SCHEDULED
               for s in desk.sessions.find(SessionQuery(ids=tuple(later))))
    assert desk.audit.entries(AuditQuery(action="cancelled"))[0].entity_id == dropped["id"]
    # A dry run says the same and writes nothing.
    rows.pop()
    before = snapshot(desk)
    dry = imp(desk, as_text(rows), delete_missing=january, dry_run=True)
    assert dry.removed == 1 and snapshot(desk) == before
