"""A type-ahead picker: an input with a drop-down of matching choices (people, rooms, subjects).

The input's text is the value (an email or a name), so anything can be typed and the form
says beside the field when it is unknown. With ``multiple`` the text is a comma-separated list
and the drop-down completes the last item.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from .entry import Entry

MAX_SHOWN = 6


@dataclass(frozen=True, slots=True)
class Choice:
    value: str  # what goes in the field
    label: str  # what people read
    detail: str = ""  # shown dim beside the label


class Picker(Vertical):
    DEFAULT_CSS = """
    Picker { height: auto; width: 1fr; }
    Picker > OptionList {
        display: none; width: 100%; height: auto; max-height: 8; border: none; padding: 0;
        background: $panel;
    }
    Picker.-open > OptionList { display: block; }
    """

    class Picked(Message):
        """A choice was taken from the drop-down."""

        def __init__(self, picker: Picker, value: str) -> None:
            super().__init__()
            self.picker = picker
            self.value = value

        @property
        def control(self) -> Picker:
            return self.picker

    def __init__(self, choices: list[Choice] | None = None, *, value: str = "",
                 placeholder: str = "", multiple: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.choices = choices or []
        self.multiple = multiple
        self._initial = value
        self._placeholder = placeholder
        self._matches: list[Choice] = []

    def compose(self) -> ComposeResult:
        yield Entry(self._initial, placeholder=self._placeholder, compact=True,
                    id=f"{self.id}-input" if self.id else None)
        yield OptionList()

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value

    @value.setter
    def value(self, text: str) -> None:
        self.input.value = text

    def values(self) -> list[str]:
        """The items of a multiple picker, blanks left out."""
        return [part.strip() for part in self.value.split(",") if part.strip()]

    def set_choices(self, choices: list[Choice]) -> None:
        self.choices = choices

    def _token(self) -> str:
        text = self.value
        return text.rsplit(",", 1)[-1].strip() if self.multiple else text.strip()

    def _filter(self) -> None:
        token = self._token().lower()
        taken = set(self.values()) if self.multiple else set()
        if not token or any(c.value.lower() == token for c in self.choices):
            self._matches = []
        else:
            self._matches = [c for c in self.choices
                             if c.value not in taken
                             and (token in c.label.lower() or token in c.value.lower())][:MAX_SHOWN]
        options = self.query_one(OptionList)
        options.clear_options()
        for choice in self._matches:
            options.add_option(Option(Content.assemble(
                choice.label, ("  " + choice.detail if choice.detail else "", "$text-muted"))))
        if self._matches:
            options.highlighted = 0
        self.set_class(bool(self._matches) and self.input.has_focus, "-open")

    @on(Input.Changed)
    def _changed(self) -> None:
        self._filter()

    def on_descendant_blur(self) -> None:
        self.call_after_refresh(self._close_if_away)

    def _close_if_away(self) -> None:
        inputs = self.query(Input)
        if not inputs:
            return  # the form closed meanwhile (focus left because the screen went)
        if not inputs.first().has_focus:
            self.remove_class("-open")

    def on_key(self, event: events.Key) -> None:
        if not self.has_class("-open"):
            return
        options = self.query_one(OptionList)
        if event.key in ("down", "up"):
            count = len(self._matches)
            current = options.highlighted or 0
            options.highlighted = (current + (1 if event.key == "down" else -1)) % count
        elif event.key in ("enter", "tab") and options.highlighted is not None:
            self._take(self._matches[options.highlighted])
            if event.key == "tab":
                return  # let tab move on to the next field as well
        elif event.key == "escape":
            self.remove_class("-open")
        else:
            return
        event.stop()
        event.prevent_default()

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._take(self._matches[event.option_index])
        self.input.focus()

    def _take(self, choice: Choice) -> None:
        if self.multiple:
            head = self.values()[:-1] if self._token() else self.values()
            text = ", ".join([*head, choice.value]) + ", "
        else:
            text = choice.value
        with self.input.prevent(Input.Changed):
            self.input.value = text
        self.input.cursor_position = len(text)
        self.remove_class("-open")
        self._matches = []
        self.post_message(self.Picked(self, choice.value))
