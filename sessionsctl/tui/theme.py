"""Theme colours the app settles itself, where Textual would leave drawn text too bright."""

from __future__ import annotations

from textual.color import Color

# Textual's themes give muted and disabled text as "auto 60%" and "auto 38%": the colour that
# contrasts with the background, at that alpha. CSS rules read that right, but a style inside
# drawn text (``Content.styled(text, "$text-muted")``, the calendar's lines, table cells) loses
# the percentage when the variable is put in (Textual 8 tokenizes it as a scalar, not a
# percent), so muted text came out pure white on dark and pure black on light: brighter than
# normal text. Giving the variables as the colour they mean over the background fixes both.
SETTLED = ("text-muted", "text-disabled")

# Calendar grid lines and card borders: the foreground faded into the background, so they show
# on the light theme's grey as well as the dark one's near-black ($panel-lighten-2 is nearly
# white in the light theme, and vanished).
RULE = "$foreground 25%"


def settled(variables: dict[str, str]) -> dict[str, str]:
    """The ``auto NN%`` text colours of ``variables`` as plain colours over the background
    (an ANSI theme's, which are not ``auto``, are left alone)."""
    try:
        background = Color.parse(variables["background"])
    except (KeyError, ValueError):
        return {}
    colours: dict[str, str] = {}
    for name in SETTLED:
        words = variables.get(name, "").split()
        if len(words) == 2 and words[0] == "auto" and words[1].endswith("%"):
            alpha = float(words[1][:-1]) / 100
            colours[name] = (background + background.get_contrast_text(alpha)).hex
    return colours
