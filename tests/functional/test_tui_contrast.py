"""Every text the app draws reads at least 4.5:1 (WCAG 2 AA) in the dark and the light theme:
the status, attendance and subject colours against each background they are drawn on, and
every character of text on the main views as they are drawn."""

from __future__ import annotations

from typing import Any

import pytest
from rich.color import Color as RichColor
from rich.style import Style
from textual.color import Color
from textual.widgets import Input

from sessionsctl.tui import format as fmt
from sessionsctl.tui.app import SessionsApp
from sessionsctl.tui.format import SUBJECT_COLOURS
from sessionsctl.tui.screens.people import PeopleScreen
from sessionsctl.tui.theme import DRAWN_ON, backdrop

from .conftest import SIZE, scenario, settle, settle_form

THEMES = ("textual-dark", "textual-light")
AA = 4.5


def luminance(rgb: tuple[int, int, int]) -> float:
    """Relative luminance, as WCAG 2 defines it."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def colour_of(style: str, variables: dict[str, str]) -> tuple[int, int, int]:
    """The text colour a style such as ``strike $text-muted`` draws with."""
    (word,) = [w for w in style.split() if w.startswith(("$", "#"))]
    colour = Color.parse(variables[word[1:]] if word.startswith("$") else word)
    return colour.rgb


STYLES = {
    **{f"session {s.value}": style for s, style in fmt.STATUS_STYLE.items()},
    **{f"attendance {s.value}": style for s, style in fmt.ATTENDANCE_STYLE.items()},
    **{f"subject {i}": fmt.subject_style(name) for i, name in enumerate(
        # one subject name for each colour (the style is picked by the name's checksum)
        next(n for n in (f"s{k}" for k in range(1000))
             if fmt.subject_style(n) == f"$subject-{i}") for i in range(len(SUBJECT_COLOURS)))},
    "no subject": fmt.subject_style(None),
}


@pytest.mark.parametrize("theme", THEMES)
def test_status_attendance_and_subject_colours_read_on_every_background(app: SessionsApp,
                                                                        theme: str) -> None:
    app.theme = theme
    variables = app.get_css_variables()
    poor = []
    for name, style in STYLES.items():
        text = colour_of(style, variables)
        for spec in DRAWN_ON:
            ground = backdrop(spec, variables).rgb
            if ratio(text, ground) < AA:
                poor.append(f"{name} on {spec}: {ratio(text, ground):.2f}")
    assert poor == []


# Lines, borders and scrollbars (box drawing and block elements) are not text; the subject
# bar is, as far as its colour goes.
def is_text(char: str) -> bool:
    return char == "▌" or not ("\u2500" <= char <= "\u259f") and not char.isspace()


def poor_text(app: SessionsApp, view: str) -> list[str]:
    """What on the screen as drawn reads below 4.5:1, by colours and text."""
    found: dict[tuple[str, str], tuple[float, list[str]]] = {}
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            style: Style | None = segment.style
            text = "".join(c for c in segment.text if is_text(c))
            if not text or style is None or style.color is None or style.bgcolor is None:
                continue
            fg, bg = (c.get_truecolor() for c in (style.color, style.bgcolor))
            if style.reverse:
                fg, bg = bg, fg
            if style.dim:  # a terminal halves dim text towards its background
                fg = RichColor.from_rgb(*((a + b) / 2 for a, b in zip(fg, bg, strict=True))
                                        ).get_truecolor()
            contrast = ratio(tuple(fg), tuple(bg))
            if contrast < AA:
                key = (RichColor.from_triplet(fg).name, RichColor.from_triplet(bg).name)
                found.setdefault(key, (contrast, []))[1].append(text.strip()[:20])
    return [f"{view}: {fg} on {bg} {contrast:.2f}:1 {texts[:4]}"
            for (fg, bg), (contrast, texts) in found.items()]


async def press(pilot: Any, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


@pytest.mark.parametrize("theme", THEMES)
@scenario
async def test_every_text_on_the_main_views_reads(app: SessionsApp, theme: str) -> None:
    poor: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        app.theme = theme
        await settle(pilot)
        await pilot.pause(0.5)  # past the hidden list's build
        await settle(pilot)
        walk: list[tuple[str, tuple[str, ...]]] = [
            ("month", ()), ("week", ("w", "j")), ("day", ("d",)), ("list", ("2",)),
            ("details", ("1", "w", "enter")), ("confirm", ("c",)),
            ("today", ("n", "escape", "ctrl+t")),
            ("attendance", ("1", "p", "p", "a", "l", "e", "up")),
            ("people", ("escape", "escape", "P", "i", "slash", "a", "n", "enter")),
            ("help", ("escape", "question_mark")), ("form", ("escape", "n"))]
        for view, keys in walk:
            await press(pilot, *keys)
            if view == "people":
                assert isinstance(app.screen, PeopleScreen)
            if view == "form":
                for field, value in {"title": "Extra maths", "mentor-input": "ada@centre.test",
                                     "start": "2026-11-10 16:30", "end": "17:30"}.items():
                    app.screen.query_one(f"#{field}", Input).value = value
                await settle_form(pilot)
            poor += poor_text(app, view)
    assert poor == []
