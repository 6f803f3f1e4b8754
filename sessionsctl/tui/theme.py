"""Theme colours the app settles itself: text readable on every background it is drawn on.

Every text colour the app draws with is at least ``READABLE`` (4.5:1, WCAG 2 AA) against each
background it appears on, in the dark and the light theme alike. A theme's colour that falls
short is darkened (on a light theme) or lightened (on a dark one) until it reads, keeping its
hue: Textual's light theme drew completed sessions green on grey at 1.8:1 and late marks
orange at 1.5:1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual.color import Color

from .format import SUBJECT_COLOURS

READABLE = 4.5  # WCAG 2 AA: the least contrast of normal text with its background

# The backgrounds the app draws text on, each a theme variable, or variables laid over it at
# an opacity: the screen, a table or dialog ($surface), a title bar or table header ($panel),
# a table's alternate rows (light and dark), a focused table (tinted), and the day the
# calendar cursor is on (CURSOR in widgets/calendar/drawing.py).
DRAWN_ON = ("background", "surface", "panel",
            "surface, surface-darken-1 40%", "surface, surface-lighten-1 50%",
            "surface, foreground 5%", "surface, surface-darken-1 40%, foreground 5%",
            "background, primary 30%")

# The text colours settled, and where each is drawn. The app's status, attendance and message
# colours are Textual's text-* variables, which it means for text on a background; the
# subjects' hues are ``$subject-N``; a cursor's text and the footer's keys are drawn on their
# own background.
SETTLED: dict[str, tuple[str, ...]] = {
    "text-muted": DRAWN_ON,
    "text-primary": DRAWN_ON, "text-success": DRAWN_ON, "text-warning": DRAWN_ON,
    "text-error": DRAWN_ON, "text-accent": DRAWN_ON,
    "block-cursor-foreground": ("block-cursor-background",),
    "footer-key-foreground": ("footer-background",),
    **{f"subject-{i}": DRAWN_ON for i in range(len(SUBJECT_COLOURS))},
}

# Disabled text is meant to recede (WCAG leaves inactive controls out); it is settled to a
# plain colour, but not made readable.
FADED = ("text-disabled",)

# Calendar grid lines and card borders: the foreground faded into the background, so they show
# on the light theme's grey as well as the dark one's near-black ($panel-lighten-2 is nearly
# white in the light theme, and vanished).
RULE = "$foreground 25%"


def luminance(colour: Color) -> float:
    """The relative luminance of ``colour`` (WCAG 2)."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(colour.r) + 0.7152 * linear(colour.g) + 0.0722 * linear(colour.b)


def contrast(a: Color, b: Color) -> float:
    """The WCAG contrast ratio of two opaque colours, from 1 to 21."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def readable(colour: Color, backgrounds: Iterable[Color], ratio: float = READABLE) -> Color:
    """``colour``, lightened if it is lighter than ``backgrounds`` or darkened if darker (its
    hue kept), just enough to reach ``ratio`` against every one of them."""
    grounds = list(backgrounds)
    if not grounds:
        return colour
    lighter = luminance(colour) > sum(luminance(g) for g in grounds) / len(grounds)
    for step in range(51):
        shade = (colour if not step else colour.lighten(step / 50) if lighter
                 else colour.darken(step / 50))
        if min(contrast(shade, g) for g in grounds) >= ratio:
            return shade
    return Color(255, 255, 255) if lighter else Color(0, 0, 0)


def backdrop(spec: str, variables: Mapping[str, str]) -> Color:
    """The background ``spec`` (see DRAWN_ON) names, opaque; ValueError or KeyError when the
    theme does not give it as colours (an ANSI theme)."""
    first, *overlays = (part.split() for part in spec.split(","))
    colour = Color.parse(variables[first[0]])
    for name, percent in overlays:
        colour += Color.parse(variables[name]).multiply_alpha(float(percent[:-1]) / 100)
    return colour


def _base(name: str, variables: Mapping[str, str], ground: Color) -> Color:
    """A variable as a colour: ``auto NN%`` is the contrasting text at that opacity over
    ``ground`` (a style in drawn text reads the percentage wrong, so it is settled here)."""
    if name.startswith("subject-"):
        return Color.parse(SUBJECT_COLOURS[int(name.split("-")[1])])
    words = variables.get(name, "").split()
    if len(words) == 2 and words[0] == "auto" and words[1].endswith("%"):
        return ground + ground.get_contrast_text(float(words[1][:-1]) / 100)
    return ground + Color.parse(variables[name])


def settled(variables: dict[str, str]) -> dict[str, str]:
    """The app's text colours as plain colours, each readable on every background it is drawn
    on (an ANSI theme's, which are not plain colours, are left alone; the subjects' are
    given as they are)."""
    colours = {f"subject-{i}": colour for i, colour in enumerate(SUBJECT_COLOURS)}
    try:
        background = Color.parse(variables["background"])
    except (KeyError, ValueError):
        return colours
    if background.ansi is not None:
        return colours
    for name in FADED:
        words = variables.get(name, "").split()
        if len(words) == 2 and words[0] == "auto" and words[1].endswith("%"):
            colours[name] = _base(name, variables, background).hex
    for name, specs in SETTLED.items():
        grounds = []
        for spec in specs:
            try:
                grounds.append(backdrop(spec, variables))
            except (KeyError, ValueError):
                continue  # not in this theme (or not a colour): nothing drawn on it to judge
        try:
            colour = _base(name, variables, grounds[0] if grounds else background)
        except (KeyError, ValueError):
            continue
        colours[name] = readable(colour, grounds).hex
    return colours
