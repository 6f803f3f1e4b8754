"""The request queue (`ctrl+r`) as a mentor sees it: the open requests, the most urgent and
then the oldest first; `c` claims the one under the cursor, `s` (or enter) opens the booking
form filled in from the request at its first free slot, whose save schedules the request
(escape keeps it claimed); a request another mentor took meanwhile is refused with their
name. Checked against what the database then holds."""

from __future__ import annotations

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from textual.widgets import Input, OptionList

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionQuery
from sessionsctl.core.requests.model import Preference, RequestDraft, RequestStatus, Urgency
from sessionsctl.store.engine import SqlStore
from sessionsctl.tui.screens.booking.screen import BookingScreen
from sessionsctl.tui.screens.requests import RequestsScreen

from .conftest import ADA, ALAN, NOW, STUDENTS, TZ, make_test_app, scenario, settle


def _ask(centre: Centre, title: str, urgency: Urgency, student: str) -> int:
    return centre.requests.add(RequestDraft(
        title, student, 45, TZ, urgency,
        preferences=(Preference(date(2026, 11, 16), time(15), time(18)),))).id


def _lines(screen: RequestsScreen) -> list[str]:
    options = screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


@scenario
async def test_a_mentor_claims_and_schedules_from_the_queue(tui_centre: Centre,
                                                            store: SqlStore) -> None:
    low = _ask(tui_centre, "Essay plan", Urgency.LOW, STUDENTS[0])
    high = _ask(tui_centre, "Vectors", Urgency.HIGH, STUDENTS[1])
    taken = _ask(tui_centre, "Taken", Urgency.HIGH, STUDENTS[2])
    app = make_test_app(Centre(store, actor=ADA, clock=lambda: NOW))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RequestsScreen)
        assert [r.id for r in screen.requests] == [high, taken, low]
        assert "#2" in _lines(screen)[0] and "Vectors" in _lines(screen)[0]
        await pilot.press("c")
        await settle(pilot)
        assert tui_centre.requests.show(high).mentor == ADA
        assert [r.id for r in screen.requests] == [high, taken, low]  # claimed ones on top
        assert "claimed by ada@centre.test" in _lines(screen)[0]
        slot = Centre(store, actor=ADA, clock=lambda: NOW).requests.suggest(high, 1)[0]
        await pilot.press("s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, BookingScreen)  # the booking form, filled in from the request
        start = slot.start.astimezone(ZoneInfo(TZ))
        assert form.query_one("#title", Input).value == "Vectors"
        assert (form.query_one("#start", Input).value, form.query_one("#end", Input).value) \
            == (f"{start:%Y-%m-%d %H:%M}", f"{start + timedelta(minutes=45):%H:%M}")
        values = form.values()
        assert (values.mentor, values.students, values.tz) == (ADA, (STUDENTS[1],), TZ)
        assert tui_centre.requests.show(high).status is RequestStatus.CLAIMED  # not yet
        await pilot.pause(0.45)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen  # back in the queue
        booked = tui_centre.requests.show(high)
        assert booked.status is RequestStatus.SCHEDULED
        session = tui_centre.sessions.show(booked.session_id or 0).session  # linked to it
        assert session.mentor == ADA and session.students == (STUDENTS[1],)
        assert (session.title, session.start, session.end - session.start) == (
            "Vectors", slot.start, timedelta(minutes=45))
        assert any(f"booked as session {session.id}" in str(n.message)
                   for n in app._notifications)
        with tui_centre.ctx.read() as uow:  # both told, as `request schedule` tells them
            told = sorted(m.recipient for m in uow.outbox.messages()
                          if m.template == "request_scheduled" and m.session_id == session.id)
        assert told == sorted([ADA, STUDENTS[1]])
        # another mentor takes "Taken" meanwhile: claiming it is refused, naming them
        Centre(store, actor=ALAN, clock=lambda: NOW).requests.claim(taken)
        options = screen.query_one(OptionList)
        options.highlighted = next(i for i, r in enumerate(screen.requests) if r.id == taken)
        await pilot.press("c")
        await settle(pilot)
        assert any(f"claimed by {ALAN}" in str(n.message) for n in app._notifications)
        assert [r.id for r in screen.requests] == [low]  # the queue as Ada now sees it
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, RequestsScreen)


@scenario
async def test_leaving_the_filled_in_form_keeps_the_request_claimed(tui_centre: Centre,
                                                                   store: SqlStore) -> None:
    made = _ask(tui_centre, "Essay plan", Urgency.NORMAL, STUDENTS[0])
    app = make_test_app(Centre(store, actor=ADA, clock=lambda: NOW))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, RequestsScreen)
        await pilot.press("s")  # an open request is claimed first
        await settle(pilot)
        assert app.screen is queue
        assert any("Claim request" in str(n.message) for n in app._notifications)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")  # enter opens the form as s does
        await settle(pilot)
        form = app.screen
        assert isinstance(form, BookingScreen)
        assert form.query_one("#title", Input).value == "Essay plan"
        assert form.values().students == (STUDENTS[0],)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is queue
    kept = tui_centre.requests.show(made)
    assert (kept.status, kept.mentor, kept.session_id) == (RequestStatus.CLAIMED, ADA, None)
    assert tui_centre.sessions.find(SessionQuery(student=STUDENTS[0], search="Essay")) == []
