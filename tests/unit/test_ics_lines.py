"""Content lines read without icalendar's whole-component parser (core/exchange/ics/lines.py):
unfolded, split, cut and made into properties exactly as icalendar does it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser import Contentline, Contentlines

from sessionsctl.core.exchange import ics
from sessionsctl.core.exchange.ics.lines import Properties, content_lines
from sessionsctl.core.exchange.problems import Problem


@pytest.mark.parametrize("text", [
    "BEGIN:VEVENT\r\nSUMMARY:Maths\r\nEND:VEVENT\r\n",
    "BEGIN:VEVENT\r\nATTENDEE;CN=\"Sam\";ROLE=REQ-\r\n PARTICIPANT:mailto:sam@ex\r\n\tample.org\r\n"
    "END:VEVENT",
    "BEGIN:VEVENT\nSUMMARY:bare\n  line feeds\nEND:VEVENT\n",  # LF only
    "BEGIN:VEVENT\r\nSUMMARY:mixed\n breaks\r\nEND:VEVENT\r\n",
    "BEGIN:VEVENT\r\nSUMMARY:an empty line\r\n\r\n then a fold\r\n\r\nEND:VEVENT\r\n",
    "BEGIN:VEVENT\r\nSUMMARY:a lone \r carriage return\r\r\n folded\r\nEND:VEVENT\r\n",
    "BEGIN:VEVENT\r\nSUMMARY:two\r\n \r\n  folds in a row\r\nEND:VEVENT",
    "BEGIN:VEVENT\r\nDESCRIPTION:caf\r\n \u00e9 and \u65e5\r\n \u672c\r\nEND:VEVENT\r\n",
])
def test_lines_are_unfolded_and_split_as_icalendar_does(text: str) -> None:
    assert content_lines(text) == [line for line in Contentlines.from_ical(text) if line]


def _parts(line: str) -> Any:
    try:
        name, params, value = Contentline(line).parts()
    except ValueError as exc:
        return "refused", str(exc)
    return name, type(params), dict(params), value


@pytest.mark.parametrize("line", [
    "UID:plain",
    'ORGANIZER;CN="Lovelace: Ada; Countess":mailto:ada@example.org',  # ":" and ";" quoted
    'ATTENDEE;CN="A";DELEGATED-FROM="mailto:x@example.org","mailto:y@e.org":mailto:z@e.org',
    "dtstart;tzid=Europe/London:20260105T160000",  # lower case
    "SUMMARY:",  # an empty value
    "X-EMPTY;X-P=:",
    "DESCRIPTION:a value with: colons\\, and \\; escapes\\nand a new line",
    "DTSTART ; TZID = Europe/London :20260105T160000",  # spaces icalendar drops
    "SUMMARY;LANGUAGE=en\\,fr:escaped in the parameters",
    'SUMMARY;X-Q="unclosed:value',  # icalendar's to cut
    "no colon at all",
    ":no name",
    ";X=1:no name",
    "SUMMARY;:empty parameters",
    "BAD NAME!:value",
    "SUMMARY;X=\"a\"b:quoted then more",
])
def test_a_line_is_cut_as_icalendar_cuts_it(line: str) -> None:
    properties = Properties()
    for _ in range(2):  # the name and parameters read, then known
        try:
            name, params, value = properties.parts(line)
        except ValueError as exc:
            ours: Any = "refused", str(exc)
        else:
            ours = name, type(params), dict(params), value
        assert ours == _parts(line)


def _in_vevent(line: str) -> Any:
    event = icalendar.Component.from_ical(f"BEGIN:VEVENT\r\n{line}\r\nEND:VEVENT\r\n")
    return event


@pytest.mark.parametrize("line", [
    "DTSTART;TZID=Europe/London:20260105T160000",
    "DTEND:20260105T170000Z",
    "RECURRENCE-ID;VALUE=DATE:20260105",
    "EXDATE;TZID=Europe/London:20260110T160000,20260117T160000",
    "RRULE:FREQ=WEEKLY;COUNT=5;BYDAY=MO",
    'ORGANIZER;CN="Ada Lovelace":mailto:ada@example.org',
    'attendee;cn="Sam: Smith";CUTYPE=ROOM:mailto:sam@example.org',
    "CATEGORIES:Mathematics,Exam\\, mocks",
    "SUMMARY:Maths\\, with Ada",
    "SEQUENCE:3",
    "DURATION:PT1H30M",
    "X-SESSIONSCTL-ROOM:Study Room 1",
    "URL:https://meet.example.org/a?b=c;d",
])
def test_a_line_is_made_into_the_property_icalendar_makes(line: str) -> None:
    properties = Properties()
    made = properties.made(line)
    theirs = _in_vevent(line)
    assert made is not None
    name, prop = made
    assert list(theirs) == [name]
    assert type(prop) is type(theirs[name])
    assert prop.to_ical() == theirs[name].to_ical()
    assert dict(prop.params) == dict(theirs[name].params)
    assert getattr(prop, "dt", None) == getattr(theirs[name], "dt", None)
    # The next line starts afresh: nothing of this one is left behind.
    assert properties.made("UID:next") is not None


@pytest.mark.parametrize("line", [
    "DTEND;TZID=Europe/London:not a time",  # icalendar finds a problem in it
    "RDATE:",  # icalendar makes no property of it
    "no colon at all",  # icalendar refuses it
    "BAD NAME!:value",
    "BEGIN:VALARM",
])
def test_a_line_icalendar_would_judge_is_left_to_it(line: str) -> None:
    properties = Properties()
    assert properties.made(line) is None
    assert properties.made("SUMMARY:afterwards") is not None  # nothing of it left behind


def test_a_fold_inside_a_utf8_sequence_is_a_problem_of_the_file() -> None:
    """Folding splits octets: a fold inside a character leaves bytes that are no UTF-8
    text, and the file is refused at that line, before any line is read."""
    event = "SUMMARY:caf\u00e9 au lait".encode()
    cut = event.index(b"\xc3") + 1
    folded = event[:cut] + b"\r\n " + event[cut:]
    data = (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\n"
            b"DTSTART:20260105T160000Z\r\n" + folded + b"\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    found = list(ics.read(data, "Europe/London", horizon=datetime(2027, 1, 1, tzinfo=UTC)))
    assert len(found) == 1 and isinstance(found[0], Problem)
    assert found[0].row == 6 and "not UTF-8" in found[0].message


# Characters and pairs that mean something to content lines: delimiters, quotes, escapes,
# folds, line breaks alone or in runs, and non-ASCII text.
_TRICKY = st.lists(st.sampled_from(
    [*'AZaz09-_.:;=",\\ \t\r\n', "\x0b", "\u00e9", "\u0131", "\u2028", "\\,", "\\;",
     "\\n", "\\\\", "\r\n ", "\r\n\t", "\n ", "\r\n\r\n ", "\r\r\n "]),
    max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_TRICKY)
def test_any_text_is_unfolded_as_icalendar_unfolds_it(text: str) -> None:
    assert content_lines(text) == [line for line in Contentlines.from_ical(text) if line]


_PIECE = _TRICKY.map(lambda t: t.replace("\n", "")[:12])
_LINES = st.one_of(
    _TRICKY.map(lambda t: t.replace("\n", "")),
    # NAME;PARAM=value;PARAM="quoted":value, each piece tricky
    st.builds(lambda name, params, value: f"{name}{''.join(params)}:{value}",
              st.sampled_from(["DTSTART", "attendee", "X-A", " UID ", "A B", ""]),
              st.lists(st.builds(lambda k, v, q: f";{k}={q}{v}{q}",
                                 st.sampled_from(["CN", "tzid", "X-P", "", "A B"]), _PIECE,
                                 st.sampled_from(["", '"'])), max_size=3),
              _PIECE))


@settings(max_examples=300, deadline=None)
@given(line=_LINES)
def test_any_line_is_cut_as_icalendar_cuts_it(line: str) -> None:
    properties = Properties()
    for _ in range(2):
        try:
            name, params, value = properties.parts(line)
        except ValueError as exc:
            ours: Any = "refused", str(exc)
        else:
            ours = name, type(params), dict(params), value
        assert ours == _parts(line)


def test_without_icalendars_line_parser_every_line_is_left_to_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An icalendar older than 7 has no parser to hand one line to: every new line is then
    read by its whole-component parser, and events read as before."""
    from sessionsctl.core.exchange.ics import lines as lines_module
    from sessionsctl.core.exchange.ics.events import Event, Events

    monkeypatch.setattr(lines_module, "unescape_backslash", None)
    assert Properties().made("SUMMARY:Maths") is None
    block = ("BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Europe/London:20260105T160000\r\n"
             'ORGANIZER;CN="Ada: L":mailto:ada@example.org\r\nSUMMARY:Maths\\, sums\r\n'
             "END:VEVENT\r\n")
    ours, theirs = Events().parse(block), icalendar.Component.from_ical(block)
    assert isinstance(ours, Event)
    assert {k: (type(v), v.to_ical(), dict(v.params)) for k, v in ours.items()} == \
        {k: (type(v), v.to_ical(), dict(v.params)) for k, v in theirs.items()}
