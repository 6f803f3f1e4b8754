"""Content lines as icalendar reads them, without its whole-component parser.

:func:`content_lines` unfolds and splits a component's text as
:meth:`icalendar.parser.Contentlines.from_ical` does (the same lines, as plain strings), and
:class:`Properties` makes one line into the property icalendar's parser makes of it: the
line is cut into its name, parameters and value as :meth:`Contentline.parts
<icalendar.parser.Contentline.parts>` cuts it, and the value is handed to icalendar's own
parser (:meth:`~icalendar.parser.ical.component.ComponentIcalParser.handle_property`), which
picks the value type, reads the value and its TZID and builds the property. The cutting is
ours only for a line whose name and parameters hold no backslash: it ends at the first colon
outside a quoted parameter value, where icalendar's ends. The name and parameters of such a
line are read by icalendar once for each distinct text before the colon
(``DTSTART;TZID=Europe/London`` comes back in event after event). A date-time of the forms
calendars write, and a text, is made by :mod:`.common` as icalendar's parser makes it.

A line icalendar would refuse, or would make into no property, several, or one with an
error, gives None: :mod:`.events` then leaves the event to icalendar whole, as before.
"""

from __future__ import annotations

import re
from typing import Any

from icalendar import Component, Parameters
from icalendar.parser import Contentline as _Contentline
from icalendar.parser import Contentlines

from .common import date_time, text

try:
    from icalendar.parser import unescape_backslash
except ImportError:  # an icalendar before 7: every new line is left to its whole parser
    unescape_backslash = None  # type: ignore[assignment]

# Up to the colon that ends a line's name and parameters: any character but a quote, a colon
# or a backslash, or a quoted parameter value (which may hold ":" and ";"). A backslash, an
# unclosed quote or no colon: the line is icalendar's to cut.
_HEAD = re.compile(r'(?:[^":\\]|"[^"]*")*:')
_HEADS_AT_MOST = 10_000  # distinct name-and-parameter texts kept
Contentline: Any = _Contentline  # untyped in icalendar


def content_lines(text: str) -> list[str]:
    """The content lines of ``text``, unfolded, without empty ones: those of
    :meth:`icalendar.parser.Contentlines.from_ical`.

    icalendar drops a line break (CRLF or LF, and any empty lines after it) followed by a
    space or tab, then splits on CRLF or LF. Text with CRLF line breaks only and no empty
    line (what calendars write) is unfolded and split with plain string operations, which
    do the same there; any other text with icalendar's own."""
    if text.count("\n") == text.count("\r\n") and "\r\n\r\n" not in text:
        unfolded = text.replace("\r\n ", "").replace("\r\n\t", "")
        return [line for line in unfolded.split("\r\n") if line]
    return [line for line in Contentlines.from_ical(text) if line]  # type: ignore[no-untyped-call]


class Properties:
    """Lines made into properties, as icalendar's parser makes them inside a VEVENT."""

    def __init__(self) -> None:
        self._heads: dict[str, tuple[str, Parameters]] = {}
        self._factories: dict[str, Any] = {}  # a line's value type, by its head
        parser: Any = None  # icalendar's own, one line at a time
        try:
            if unescape_backslash is not None:
                parser = Component._get_ical_parser("")
                parser.initialize_parsing()
                parser.handle_begin_component("VEVENT")
        except AttributeError:  # an icalendar before 7: every new line is left to it whole
            parser = None
        self._parser = parser

    def parts(self, line: str) -> tuple[str, Parameters, str]:
        """``Contentline(line).parts()``: the name, parameters and unescaped value; raises
        ValueError as it does."""
        name, params, value, _ = self._cut(line)
        return name, params, value

    def _cut(self, line: str) -> tuple[str, Parameters, str, str]:
        """:meth:`parts`, and the text up to the colon when it was cut there by us ("" when
        icalendar cut the line)."""
        cut = line.find(":") + 1
        if not cut or '"' in line[:cut] or "\\" in line[:cut]:
            head = _HEAD.match(line)
            if head is None:
                name, params, value = Contentline(line).parts()
                return name, params, value, ""
            cut = head.end()
        known = self._heads.get(line[:cut])
        if known is None:
            if len(self._heads) > _HEADS_AT_MOST:
                self._heads.clear()
                self._factories.clear()
            # icalendar's cut of the text up to the colon gives the line's name and
            # parameters (it reads the line up to there alike); a refusal is told as
            # icalendar tells it of the whole line.
            try:
                name, params, _ = Contentline(line[:cut]).raw_parts()
            except ValueError:
                name, params, value = Contentline(line).parts()
                return name, params, value, ""
            known = self._heads[line[:cut]] = (name, params)
        name, params = known
        copied = Parameters({key: value[:] if isinstance(value, list) else value
                             for key, value in params.items()}) if params else Parameters()
        return name, copied, unescape_backslash(line[cut:]), line[:cut]

    def _common(self, name: str, params: Parameters, value: str, head: str) -> Any:
        """The property of a date-time or text line, made by :mod:`.common` with the value
        type icalendar's parser picks for its name and parameters; None if it is icalendar's
        to read."""
        factory = self._factories.get(head) if head else None
        if factory is None:
            factory = self._parser.get_factory_for_property(name, params)
            if head:
                self._factories[head] = factory
        made = date_time(name, params, value, factory)
        return made if made is not None else text(name, params, value, factory)

    def made(self, line: str) -> tuple[str, Any] | None:
        """The (upper-case name, property) icalendar makes of ``line`` in a VEVENT; None when
        it refuses the line, makes no property or several of it, or finds a problem in it."""
        parser = self._parser
        if parser is None:
            return None
        event = parser.component
        try:
            name, params, value, head = self._cut(line)
            uname = name.upper()
            if uname in ("BEGIN", "END"):
                return None
            prop = self._common(uname, params, value, head)
            if prop is not None:
                return uname, prop
            parser.handle_property(uname, params, value, Contentline(line))
            if len(event) != 1 or event.errors or event.subcomponents:
                return None
            prop = event.get(uname)
            return None if prop is None or isinstance(prop, list) else (uname, prop)
        except Exception:  # noqa: BLE001 - the line is icalendar's to judge, in its event
            return None
        finally:
            event.clear()
            del event.errors[:]
