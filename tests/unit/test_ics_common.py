"""Date-time and text properties made directly (core/exchange/ics/common.py): each is the
property icalendar's parser makes of the same line, and every other line is left to it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sessionsctl.core.exchange.ics.lines import Properties

# A zone only this file describes: icalendar knows it once it has read its VTIMEZONE.
_OWN = "Sessionsctl Test Own Zone"
_VTIMEZONE = (f"BEGIN:VTIMEZONE\r\nTZID:{_OWN}\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
              "TZOFFSETFROM:+0300\r\nTZOFFSETTO:+0300\r\nTZNAME:OWN\r\nEND:STANDARD\r\n"
              "END:VTIMEZONE\r\n")
# An IANA zone a file describes too: icalendar keeps the IANA one.
_IANA_OWN = ("BEGIN:VTIMEZONE\r\nTZID:Asia/Tokyo\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
             "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0100\r\nTZNAME:ODD\r\nEND:STANDARD\r\n"
             "END:VTIMEZONE\r\n")


@pytest.fixture(scope="module", autouse=True)
def _own_zones() -> None:
    icalendar.Component.from_ical(_VTIMEZONE)
    icalendar.Component.from_ical(_IANA_OWN)


def _theirs(line: str) -> Any:
    """What icalendar makes of ``line`` in a VEVENT: its property, or "left" if it finds a
    problem in the line, refuses it, or makes no single property of it."""
    try:
        event = icalendar.Component.from_ical(f"BEGIN:VEVENT\r\n{line}\r\nEND:VEVENT\r\n")
    except Exception:  # noqa: BLE001 - whatever icalendar raises, the line is its own
        return "left"
    if event.errors or len(event) != 1:
        return "left"
    prop = next(iter(event.values()))
    return "left" if isinstance(prop, list) else prop


def _seen(prop: Any) -> Any:
    """Everything of a property a reader can see: class, value (with the kind and identity
    of its zone), attributes and parameters."""
    if prop is None or prop == "left":
        return "left"
    value = getattr(prop, "dt", None)
    zone = getattr(value, "tzinfo", None)
    attributes = {name: getattr(prop, name) for name in
                  (*getattr(prop, "__dict__", {}), *getattr(type(prop), "__slots__", ()))
                  if name not in ("dt", "params")}
    return (type(prop), type(value), value, type(zone), id(zone) if zone else None,
            str(prop) if value is None else None, attributes, type(prop.params),
            dict(prop.params))


def _check(line: str) -> Any:
    """Our property of ``line`` is icalendar's, and what icalendar judges is left to it."""
    made = Properties().made(line)
    theirs = _theirs(line)
    assert _seen(made[1] if made else None) == _seen(theirs)
    if made is not None:
        assert made[0] == next(iter(icalendar.Component.from_ical(
            f"BEGIN:VEVENT\r\n{line}\r\nEND:VEVENT\r\n")))
    return made


def _fast(line: str) -> Any:
    """The property ``ics.common`` makes of ``line`` itself (None: icalendar's to make)."""
    properties = Properties()
    name, params, value, head = properties._cut(line)  # noqa: SLF001
    return properties._common(name.upper(), params, value, head)  # noqa: SLF001


@pytest.mark.parametrize("line", [
    "DTSTART;TZID=Europe/London:20260105T160000",
    "DTEND;TZID=America/New_York:20260105T160000",
    f"DTSTART;TZID={_OWN}:20260105T160000",
    "RECURRENCE-ID;TZID=Europe/London:20260105T160000",
    "DTSTART:20260105T160000Z",
    "DTSTART:20260105T160000",  # floating
    "DTSTART;VALUE=DATE:20260105",
    "DTEND:20260106",
    "DTSTART;TZID=Europe/London:20260105",  # a date in a zone: midnight there
    "DTSTART;TZID=Europe/London:20260105T160000Z",  # the zone wins, as in icalendar
    "DTSTART;TZID=W. Europe Standard Time:20260105T160000",  # Windows' name
    "DTSTART;TZID=Nowhere/Unknown:20260105T160000",  # floating, as icalendar reads it
    "DTSTART;TZID=Asia/Tokyo:20260105T160000",  # IANA's rules, not the file's
    "DTSTAMP:20260105T160000Z",
    "CREATED:20250101T000000Z",
    "LAST-MODIFIED:20251231T235959Z",
    "DTSTAMP;TZID=Europe/London:20260105T160000",  # no zone read for DTSTAMP
    "dtstart;tzid=Europe/London:20260105T160000",
    "DTSTART;X-A=1;TZID=Europe/London:20260105T160000",
    "UID:abc@example.org",
    "SUMMARY:Maths\\, with Ada\\nand Sam",
    "LOCATION;LANGUAGE=en:Room 1",
    "SUMMARY:",
    "STATUS:CANCELLED",
])
def test_a_common_line_is_made_directly_as_icalendar_makes_it(line: str) -> None:
    assert _check(line) is not None
    assert _fast(line) is not None


@pytest.mark.parametrize("line", [
    "DTSTART;TZID=Europe/London:20261305T160000",  # month 13: icalendar's error
    "DTSTART:20260230",
    "DTSTART:20260105T250000",
    "DTSTART:2026-01-05",
    "DTSTART:00000101T000000",
    "DTSTART:PT1H",  # a duration
    "DTSTART:20260105T160000/PT1H",  # a period
    pytest.param("DTSTART;TZID=/example.org/Europe/London:20260105T160000",  # guessed
                 marks=pytest.mark.filterwarnings("ignore")),
    "DTSTART;TZID=Europe/London,America/New_York:20260105T160000",
    "DTSTART;VALUE=TEXT:20260105T160000",
    "DTSTART:\uff12\uff10\uff12\uff16\uff10\uff11\uff10\uff15",  # digits, not ASCII
    "EXDATE;TZID=Europe/London:20260105T160000",
    "CATEGORIES:a,b",
    "RDATE:20260105T160000",
    "X-SESSIONSCTL-ROOM:Study Room 1",
    "URL:https://example.org",
])
def test_any_other_line_is_icalendars_to_make(line: str) -> None:
    assert _fast(line) is None
    _check(line)


_ZONES = st.sampled_from(["Europe/London", "America/New_York", "UTC", "Asia/Tokyo", _OWN,
                          "Nowhere/Unknown", "W. Europe Standard Time", "", "europe/london",
                          '"Europe/London"', "/example.org/Europe/Paris", "a,b"])
_PARAMS = st.lists(st.one_of(
    _ZONES.map(lambda z: f";TZID={z}"),
    st.sampled_from([";VALUE=DATE", ";VALUE=DATE-TIME", ";VALUE=TEXT", ";X-A=1",
                     ";RANGE=THISANDFUTURE"])), max_size=2).map("".join)
_GOOD = st.one_of(
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).flatmap(
        lambda at: st.sampled_from([at.strftime("%Y%m%dT%H%M%S").zfill(15),
                                    at.strftime("%Y%m%dT%H%M%SZ").zfill(16)])),
    st.dates(min_value=date(1, 1, 1)).map(lambda d: f"{d.year:04d}{d.month:02d}{d.day:02d}"))
_BAD = st.text(alphabet="0123456789TZPHM+-/:,\u0663 ", max_size=18)
_NAMES = st.sampled_from(["DTSTART", "DTEND", "RECURRENCE-ID", "DTSTAMP", "CREATED",
                          "LAST-MODIFIED", "DUE", "dtstart", "EXDATE", "UID", "SUMMARY",
                          "X-TIME"])


@pytest.mark.filterwarnings("ignore")  # icalendar's, as it guesses a "/vendor/Zone" TZID
@settings(max_examples=400, deadline=None)
@given(name=_NAMES, params=_PARAMS, value=st.one_of(_GOOD, _BAD))
def test_any_date_time_is_made_as_icalendar_makes_it(name: str, params: str,
                                                     value: str) -> None:
    _check(f"{name}{params}:{value}")


_TEXT = st.lists(st.sampled_from([*"aZ09 ,;:=\\\"", "\\,", "\\n", "\\;", "\u00e9"]),
                 max_size=20).map("".join)


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(["UID", "SUMMARY", "LOCATION", "DESCRIPTION", "STATUS",
                             "COMMENT", "X-SESSIONSCTL-ROOM", "TRANSP"]),
       params=st.sampled_from(["", ";LANGUAGE=en", ";ALTREP=\"cid:x\"", ";VALUE=TEXT"]),
       value=_TEXT)
def test_any_text_is_made_as_icalendar_makes_it(name: str, params: str, value: str) -> None:
    _check(f"{name}{params}:{value}")
