"""The TUI's small pure parts: the theme colours the app settles itself (no app is run)."""

from __future__ import annotations

from textual.color import Color

from sessionsctl.tui.format import rich_style
from sessionsctl.tui.theme import settled


def test_muted_text_is_settled_between_the_background_and_the_text() -> None:
    for background in ("#121212", "#E0E0E0"):
        colours = settled({"background": background, "text-muted": "auto 60%",
                           "text-disabled": "auto 38%"})
        back = Color.parse(background).brightness
        muted = Color.parse(colours["text-muted"]).brightness
        disabled = Color.parse(colours["text-disabled"]).brightness
        text = (Color.parse(background) + Color.parse(background).get_contrast_text(0.87)
                ).brightness
        assert abs(back - disabled) < abs(back - muted) < abs(back - text)
    assert settled({"background": "ansi_default", "text-muted": "ansi_default"}) == {}


def test_rich_cells_take_settled_colours_and_dim_otherwise() -> None:
    assert rich_style("strike $text-muted", {"text-muted": "#A0A0A0"}) == "strike #A0A0A0"
    assert rich_style("strike $text-muted", {"text-muted": "ansi_default"}) == "strike dim"
    assert rich_style("bold $warning", {"warning": "#FFA62B"}) == "bold #FFA62B"
