"""The booking form's save and live check without Textual (sessionsctl.tui.screens.booking
.save and .check), against a real Centre on a temporary database: what a save of the form
asks core for (book, series, edit with a scope, over conflicts with a reason, only the free
occurrences), and what the form says when core refuses."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft, SessionQuery
from sessionsctl.core.domain.errors import ConflictError, InvalidInput, NotFound
from sessionsctl.core.domain.model import Role, Session
from sessionsctl.store.engine import SqlStore
from sessionsctl.tui.screens.booking.check import check
from sessionsctl.tui.screens.booking.reading import (
    FormValues,
    Reading,
    read_form,
    values_of,
)
from sessionsctl.tui.screens.booking.save import (
    Outcome,
    SaveRequest,
    plan,
    refusal,
    save,
    saves_series,
    skip_request,
    skippable,
)

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 10, 16, 10, tzinfo=UTC)  # London is on GMT in November
ADA, ALAN = "ada@centre.test", "alan@centre.test"
AMY, BEN = "amy@centre.test", "ben@centre.test"
STUDY, HALL = "Study Room", "Hall"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def desk(store: SqlStore) -> Centre:
    """The front desk's centre: two mentors, two students, two rooms, a frozen clock."""
    centre = Centre(store, clock=lambda: NOW)
    centre.people.add_person("Ada Lovelace", ADA, Role.MENTOR)
    centre.people.add_person("Alan Turing", ALAN, Role.MENTOR)
    centre.people.add_person("Amy Ahmed", AMY, Role.STUDENT)
    centre.people.add_person("Ben Brown", BEN, Role.STUDENT)
    centre.people.add_room(STUDY, 2)
    centre.people.add_room(HALL, 30)
    return centre


def typed(**fields: object) -> Reading:
    """The form as typed, read (it must read as a draft)."""
    values = {"title": "Algebra", "mentor": ADA, "students": (AMY,), "start": "2026-11-16 10:00",
              "end": "11:00", "tz": "Europe/London", "room": STUDY, **fields}
    reading = read_form(FormValues(**values), LONDON, NOW)  # type: ignore[arg-type]
    assert reading.ok, reading.errors
    return reading


def taken(centre: Centre, start: datetime, **fields: object) -> Session:
    """Another booking of Ada's (or whoever ``fields`` say) at ``start``, for an hour."""
    fields.setdefault("mentor", ADA)
    draft = SessionDraft(title="Taken", start=start, end=start + timedelta(hours=1),
                         tz="Europe/London", **fields)  # type: ignore[arg-type]
    return centre.sessions.book(draft).session


def drafted(reading: Reading) -> SessionDraft:
    assert reading.draft is not None
    return reading.draft


def book(centre: Centre, reading: Reading) -> Outcome:
    """Save a new booking as the form would."""
    request = plan(None, reading, None).request
    assert request is not None
    return save(centre, None, request, LONDON)


def sessions(centre: Centre, title: str) -> list[Session]:
    return [s for s in centre.sessions.find(SessionQuery()) if s.title == title]


def saved(centre: Centre, session: Session | None, request: SaveRequest) -> Outcome:
    return save(centre, session, request, LONDON)


# ------------------------------------------------------------------------- new bookings

def test_a_new_session_is_booked_as_typed(desk: Centre) -> None:
    planned = plan(None, typed(), None)
    assert planned.request is not None and not planned.ask_scope
    assert not saves_series(None, planned.request)
    outcome = saved(desk, None, planned.request)
    [booked] = sessions(desk, "Algebra")
    assert outcome == Outcome([booked.id], f"Booked #{booked.id} Algebra")
    assert (booked.start, booked.end, booked.room, booked.students) == (
        at(16, 10), at(16, 11), STUDY, (AMY,))
    assert booked.force_reason is None


def test_a_clash_is_refused_and_kept_in_view_then_booked_over_with_a_reason(
        desk: Centre) -> None:
    other = taken(desk, at(16, 10))
    request = plan(None, typed(), None).request
    assert request is not None
    with pytest.raises(ConflictError) as info:
        saved(desk, None, request)
    assert sessions(desk, "Algebra") == []
    shown = refusal(info.value, series=False, new=True, occurrences=None)
    assert shown.conflicts and shown.conflicts[0].with_ is not None
    assert shown.conflicts[0].with_.id == other.id
    assert shown.recheck and not shown.series and shown.focus is None
    assert shown.summary.startswith("Not saved: ")
    assert shown.summary.endswith("Take a free slot, or say why to book anyway.")
    assert shown.field is None and shown.notify is None

    forced = plan(None, typed(), "parents' evening swap").request
    assert forced is not None
    saved(desk, None, forced)
    [booked] = sessions(desk, "Algebra")
    assert booked.force_reason == "parents' evening swap"


# ------------------------------------------------------------------------------ series

def weekly(count: str = "3", **fields: object) -> Reading:
    return typed(title="Chess club", start="2026-11-11 10:00", repeat="weekly", count=count,
                 **fields)


def test_a_weekly_series_is_booked(desk: Centre) -> None:
    request = plan(None, weekly(), None).request
    assert request is not None and request.rule == "FREQ=WEEKLY;COUNT=3"
    assert saves_series(None, request)
    outcome = saved(desk, None, request)
    booked = sessions(desk, "Chess club")
    assert [s.start for s in booked] == [at(11, 10), at(18, 10), at(25, 10)]
    assert outcome.session_ids == [s.id for s in booked]
    assert outcome.verb == f"Booked series #{booked[0].series_id}: 3 sessions"


def test_a_series_that_clashes_once_offers_the_override_and_the_free_ones(
        desk: Centre) -> None:
    taken(desk, at(25, 10), mentor=ALAN, room=STUDY)  # the room, in the third week
    reading = weekly()
    found = check(desk, drafted(reading), rule=reading.rule)
    assert found.series and found.occurrences == 3 and found.slots == []
    assert {c.start for c in found.conflicts} == {at(25, 10)}
    request = plan(None, reading, None).request
    assert request is not None
    with pytest.raises(ConflictError) as info:
        saved(desk, None, request)
    shown = refusal(info.value, series=True, new=True, occurrences=found.occurrences)
    assert shown.series and shown.focus == "force" and not shown.recheck
    assert shown.summary == ("Not saved: 1 occurrence clashes. Say why to book anyway, or book "
                             "only the free ones (ctrl+b).")
    assert skippable(True, True, shown.conflicts or [], 3)
    # Every occurrence clashing, or an edit: no "free ones" to book.
    assert not skippable(True, True, shown.conflicts or [], 1)
    assert not skippable(False, True, shown.conflicts or [], 3)
    edit = refusal(info.value, series=True, new=False, occurrences=None)
    assert edit.summary.endswith("Say why to book anyway.")

    free = skip_request(reading)
    assert free is not None and free.skip and free.force is None
    outcome = saved(desk, None, free)
    booked = sessions(desk, "Chess club")
    assert [s.start for s in booked] == [at(11, 10), at(18, 10)]
    assert outcome.verb == (f"Booked series #{booked[0].series_id}: 2 sessions, 1 left out "
                            "for clashes (Wed 25 Nov)")


def test_a_series_is_booked_over_its_clash_with_a_reason(desk: Centre) -> None:
    taken(desk, at(25, 10), mentor=ALAN, room=STUDY)
    request = plan(None, weekly(), "room shared with the chess set").request
    assert request is not None
    saved(desk, None, request)
    booked = sessions(desk, "Chess club")
    assert [s.force_reason for s in booked] == [None, None, "room shared with the chess set"]


def test_only_a_repeating_booking_has_occurrences_to_leave_out() -> None:
    assert skip_request(typed()) is None


# ------------------------------------------------------------------------------- edits

def test_an_edit_saves_only_what_changed(desk: Centre) -> None:
    book(desk, typed())
    [session] = sessions(desk, "Algebra")
    unchanged = read_form(values_of(session), LONDON, NOW)
    assert plan(session, unchanged, None).request is None  # "nothing changed"
    edited = read_form(replace(values_of(session), title="Algebra II", end="11:30"), LONDON,
                       NOW)
    planned = plan(session, edited, None)
    assert planned.request is not None and not planned.ask_scope
    assert set(planned.request.changes) == {"title", "end"}
    assert not saves_series(session, planned.request)
    assert saved(desk, session, planned.request) == Outcome([session.id],
                                                             f"Changed #{session.id}")
    [after] = sessions(desk, "Algebra II")
    assert after.id == session.id and after.end == at(16, 11, 30)


def test_an_occurrence_asks_which_occurrences_and_saves_over_that_scope(desk: Centre) -> None:
    book(desk, weekly("4"))
    series = sessions(desk, "Chess club")
    second = series[1]
    moved = read_form(replace(values_of(second), room=HALL), LONDON, NOW)
    planned = plan(second, moved, None)
    assert planned.request is not None and planned.ask_scope
    assert planned.request.changes == {"room": HALL}
    assert not saves_series(second, planned.request)  # "this" until the user says
    following = replace(planned.request, scope="following")
    assert saves_series(second, following)
    outcome = saved(desk, second, following)
    assert outcome.verb == "Changed 3 occurrences"
    assert [s.room for s in sessions(desk, "Chess club")] == [STUDY, HALL, HALL, HALL]

    only = read_form(replace(values_of(series[0]), title="Chess club (taster)"), LONDON, NOW)
    request = plan(series[0], only, None).request
    assert request is not None
    assert saved(desk, series[0], request) == Outcome([series[0].id], f"Changed #{series[0].id}")
    assert len(sessions(desk, "Chess club")) == 3


def test_an_edit_into_a_clash_for_all_occurrences_is_dated_and_held(desk: Centre) -> None:
    book(desk, weekly())
    first = sessions(desk, "Chess club")[0]
    taken(desk, at(18, 10), mentor=ALAN, room=HALL)
    request = plan(first, read_form(replace(values_of(first), room=HALL), LONDON, NOW),
                   None).request
    assert request is not None
    every = replace(request, scope="all")
    with pytest.raises(ConflictError) as info:
        saved(desk, first, every)
    shown = refusal(info.value, series=saves_series(first, every), new=False, occurrences=None)
    assert shown.series and {c.start for c in shown.conflicts or []} == {at(18, 10)}
    assert shown.summary == "Not saved: 1 occurrence clashes. Say why to book anyway."
    assert [s.room for s in sessions(desk, "Chess club")] == [STUDY] * 3


# ------------------------------------------------------------ other refusals and checks

def test_an_unknown_room_is_shown_beside_the_room(desk: Centre) -> None:
    request = plan(None, typed(room="Attic"), None).request
    assert request is not None
    with pytest.raises(NotFound) as info:
        saved(desk, None, request)
    shown = refusal(info.value, series=False, new=True, occurrences=None)
    assert (shown.field, shown.detail) == ("room", "no room Attic")
    assert shown.summary == "Not saved: no room Attic" and shown.notify == "no room Attic"
    assert shown.conflicts is None and shown.focus is None


@pytest.mark.parametrize(("error", "field", "detail"), [
    (InvalidInput("must be after the start", field="end"), "end", "must be after the start"),
    (InvalidInput("too many", field="max_participants"), "max", "too many"),
    (InvalidInput("give a reason", field="reason"), "force", "give a reason"),
    (NotFound("student", "zed@centre.test"), "students", "no student zed@centre.test"),
    (NotFound("series", 7), None, "no series 7"),
])
def test_a_refusal_names_the_field_it_belongs_beside(error, field, detail) -> None:
    shown = refusal(error, series=False, new=True, occurrences=None)
    assert (shown.field, shown.detail) == (field, detail)
    assert shown.summary == f"Not saved: {error.message}"


def test_the_live_check_offers_free_slots_and_names_unknown_people(desk: Centre) -> None:
    taken(desk, at(16, 10))
    draft = drafted(typed())
    found = check(desk, draft)
    assert [c.kind for c in found.conflicts] and not found.series
    # earlier that day first (08:00-09:00 is free), then right after the clash
    assert [s.start for s in found.slots[:2]] == [at(16, 8), at(16, 11)]
    assert check(desk, replace(draft, start=at(16, 12), end=at(16, 13))).conflicts == []
    ghost = check(desk, replace(draft, mentor="ghost@centre.test"))
    assert ghost.conflicts == [] and ghost.problem_field == "mentor"
    assert ghost.problem == "no mentor ghost@centre.test"


def test_the_plain_parts_of_the_form_load_no_textual() -> None:
    script = ("import json, sys\n"
              "import sessionsctl.tui.screens.booking.save, sessionsctl.tui.screens.booking.check\n"
              "print(json.dumps(sorted(m for m in sys.modules\n"
              "                        if m.split('.')[0] == 'textual')))\n")
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True,
                         text=True).stdout
    assert json.loads(out) == []
