"""VEVENTs parsed line by line (core/exchange/ics/events.py): every event reads as icalendar
reads it whole, each distinct line of a file is handed to icalendar once, and an event with
a nested component or a line icalendar finds wrong is icalendar's own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sessionsctl.core.exchange.ics import events as events_module
from sessionsctl.core.exchange.ics import layout
from sessionsctl.core.exchange.ics import lines as lines_module
from sessionsctl.core.exchange.ics.events import Event, Events
from sessionsctl.core.exchange.ics.layout import blocks

DATA = Path(__file__).resolve().parents[1] / "data" / "ics"

LESSON = """BEGIN:VEVENT
UID:{uid}
DTSTAMP:20260101T090000Z
DTSTART;TZID=Europe/London:2026010{day}T160000
DTEND;TZID=Europe/London:2026010{day}T170000
SUMMARY:Maths\\, with Ada
ORGANIZER;CN="Ada Lovelace":mailto:ada@example.org
ATTENDEE;CN="Sam Smith";CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT:mailto:sam@example
 .org
ATTENDEE;CN="Kim Lee";ROLE=REQ-PARTICIPANT:mailto:kim@example.org
CATEGORIES:Mathematics,Exam
EXDATE;TZID=Europe/London:20260110T160000,20260117T160000
RRULE:FREQ=WEEKLY;COUNT=5
X-SESSIONSCTL-ROOM:Study Room 1
END:VEVENT"""


def _calendar(*components: str) -> bytes:
    body = "\r\n".join(c.replace("\n", "\r\n") for c in components)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{body}\r\nEND:VCALENDAR\r\n".encode()


def _as_read(event: Any) -> dict[str, Any]:
    """What readers see of an event: each property's type, value, parameters, in order."""
    def one(prop: Any) -> tuple[Any, ...]:
        return (type(prop).__name__, prop.to_ical(), dict(prop.params))

    return {name: [one(p) for p in value] if isinstance(value, list) else one(value)
            for name, value in event.items()}


def _vevents(data: bytes) -> list[str]:
    return [block for kind, _line, block in blocks(data) if kind == "VEVENT"]


@pytest.mark.parametrize("path", sorted(DATA.glob("*.ics")), ids=lambda p: p.name)
def test_every_event_reads_as_icalendar_reads_it_whole(path: Path) -> None:
    parser = Events()
    for block in _vevents(path.read_bytes()):
        ours, theirs = parser.parse(block), icalendar.Component.from_ical(block)
        assert _as_read(ours) == _as_read(theirs)
        assert list(getattr(ours, "errors", [])) == list(theirs.errors)


def test_repeated_lines_are_parsed_once_and_events_stay_apart(
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = _calendar(*(LESSON.format(uid=f"lesson-{day}", day=day) for day in range(1, 6)))
    made: list[str] = []
    whole: list[str] = []
    make, parse = lines_module.Properties.made, icalendar.Component.from_ical

    def counted(self: Any, line: str) -> Any:
        made.append(line)
        return make(self, line)

    def parsed_whole(text: str, *args: Any, **kwargs: Any) -> Any:
        whole.append(text)
        return parse(text, *args, **kwargs)

    monkeypatch.setattr(lines_module.Properties, "made", counted)
    monkeypatch.setattr(events_module.Component, "from_ical", parsed_whole)
    parser = Events()
    parsed = [parser.parse(block) for block in _vevents(data)]
    assert all(isinstance(event, Event) for event in parsed)
    # The first event's 12 property lines (the folded ATTENDEE unfolded), then 3 a lesson:
    # its UID, DTSTART and DTEND; none of them left to icalendar's whole parser.
    assert len(made) == 12 + 4 * 3 and len(set(made)) == len(made)
    assert whole == []
    monkeypatch.setattr(events_module.Component, "from_ical", parse)
    for event, block in zip(parsed, _vevents(data)):
        assert _as_read(event) == _as_read(parse(block))
    assert [str(e["UID"]) for e in parsed] == [f"lesson-{day}" for day in range(1, 6)]
    assert parsed[0]["ATTENDEE"] is not parsed[1]["ATTENDEE"]  # a list of each event's own
    assert parsed[0]["ATTENDEE"][0] is parsed[1]["ATTENDEE"][0]  # the same line, one property


@pytest.mark.parametrize("odd", [
    "BEGIN:VALARM\nACTION:DISPLAY\nTRIGGER:-PT15M\nEND:VALARM",  # a nested component
    "begin:valarm\naction:display\ntrigger:-PT15M\nend:valarm",  # lower case
    "BEGIN :VALARM\nACTION:DISPLAY\nTRIGGER:-PT15M\nEND ;X=1:VALARM",  # spaced, a parameter
    "DTEND;TZID=Europe/London:not a time",  # a value icalendar cannot read
    "RDATE:",  # a line icalendar makes no property of
])
def test_an_event_icalendar_must_judge_whole_is_its_own(odd: str) -> None:
    good = LESSON.format(uid="first", day=1)
    event = LESSON.format(uid="second", day=2).replace("END:VEVENT", f"{odd}\nEND:VEVENT")
    parser = Events()
    first, second = (parser.parse(block) for block in _vevents(_calendar(good, event)))
    assert isinstance(first, Event)
    assert not isinstance(second, Event)
    theirs = icalendar.Component.from_ical(_vevents(_calendar(event))[0])
    assert _as_read(second) == _as_read(theirs)
    assert list(second.errors) == list(theirs.errors)
    assert second.subcomponents == theirs.subcomponents


def test_an_events_own_values_are_written_as_icalendar_writes_them() -> None:
    """An export writes an event's own values (UID, times) after the ``NAME;PARAMS:`` that
    icalendar wrote for the first of their kind: the bytes are icalendar's, whatever the
    parameters, and a line long enough to fold is folded as icalendar folds it."""
    from datetime import UTC, datetime

    from sessionsctl.core.exchange.ics import Values

    values = Values({}, datetime(2026, 1, 1, tzinfo=UTC))
    uids = ["short@x", "a-much-longer-uid-" + "x" * 60 + "@sessionsctl", "comma\\, semi; colon:"]
    for n, uid in enumerate(uids * 2):
        event = icalendar.Event()
        event["UID"] = icalendar.vText(uid)
        event["DTSTAMP"] = values.stamp
        for name, tz in (("DTSTART", "Europe/London"), ("DTEND", "America/New_York"),
                         ("RECURRENCE-ID", "UTC")):
            event[name] = values.when(datetime(2026, 3, 1 + n, 16, tzinfo=UTC), tz)
        event["SEQUENCE"] = icalendar.vInt(n)
        event["SUMMARY"] = values.text("Maths")
        assert values.to_ical(event) == event.to_ical()


def test_a_batchs_lines_left_to_icalendar_are_handed_to_it_together(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The new lines a line at a time does not make (here: every one) are handed to
    icalendar together, in one VEVENT for the whole batch."""
    data = _calendar(*(LESSON.format(uid=f"lesson-{day}", day=day) for day in range(1, 6)))
    calls: list[list[str]] = []
    parse = icalendar.Component.from_ical

    def counted(text: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(text.splitlines()[1:-1])
        return parse(text, *args, **kwargs)

    monkeypatch.setattr(lines_module.Properties, "made", lambda self, line: None)
    monkeypatch.setattr(events_module.Component, "from_ical", counted)
    parsed = Events().parse_many(_vevents(data))
    # One call: the first lesson's 12 lines and the 3 of each other (UID, DTSTART, DTEND).
    assert [len(lines) for lines in calls] == [12 + 4 * 3]
    monkeypatch.setattr(events_module.Component, "from_ical", parse)
    for event, block in zip(parsed, _vevents(data), strict=True):
        assert isinstance(event, Event)
        assert _as_read(event) == _as_read(parse(block))


@pytest.mark.parametrize("odd", [
    "DTEND;TZID=Europe/London:not a time",  # a value icalendar cannot read
    "RDATE:",  # a line icalendar makes no property of
])
def test_a_batch_with_a_line_icalendar_must_judge_reads_each_event_as_alone(odd: str) -> None:
    lessons = [LESSON.format(uid=f"lesson-{day}", day=day) for day in range(1, 4)]
    lessons[1] = lessons[1].replace("END:VEVENT", f"{odd}\nEND:VEVENT")
    blocks_ = _vevents(_calendar(*lessons))
    parsed = Events().parse_many(blocks_)
    assert [isinstance(event, Event) for event in parsed] == [True, False, True]
    for event, block in zip(parsed, blocks_, strict=True):
        theirs = icalendar.Component.from_ical(block)
        assert _as_read(event) == _as_read(theirs)
        assert list(getattr(event, "errors", [])) == list(theirs.errors)


def test_an_event_icalendar_cannot_read_is_its_exception_in_a_batch() -> None:
    good = LESSON.format(uid="good", day=1)
    broken = "BEGIN:VEVENT\r\nEND:VEVENT\r\nEND:VEVENT\r\n"  # an END without its BEGIN
    blocks_ = [_vevents(_calendar(good))[0], broken,
               _vevents(_calendar(good.replace("good", "also good")))[0]]
    with pytest.raises(ValueError) as theirs:
        icalendar.Component.from_ical(blocks_[1])
    first, second, third = Events().parse_many(blocks_)
    assert isinstance(first, Event) and isinstance(third, Event)
    assert isinstance(second, ValueError) and str(second) == str(theirs.value)


_MARK_PIECES = st.lists(st.sampled_from(
    [b"BEGIN:", b"END:", b"begin:", b"eNd:", b"\xef\xbb\xbf", b"\r\n", b"\n", b"\r", b"VEVENT",
     b"valarm", b"X-1", b" ", b"\t", b":", b"BEGIN", b"\xc3\xa9", b"B", b"END:VCALENDAR"]),
    max_size=40).map(b"".join)


@settings(max_examples=400, deadline=None)
@given(text=_MARK_PIECES)
def test_the_begin_and_end_lines_are_those_the_expression_finds(text: bytes) -> None:
    """The BEGIN/END lines are found by plain searches, then the expression at their line's
    start: the same ones as the expression tried at every line of the text."""
    assert [m.span() for m in layout._found(text)] == \
        [m.span() for m in layout._MARK.finditer(text)]
