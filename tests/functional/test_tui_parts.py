"""The TUI's small pure parts: the header's database label, the list's column widths, and
the theme colours the app settles itself (no app is run)."""

from __future__ import annotations

from textual.color import Color

from sessionsctl.tui.format import SUBJECT_COLOURS, clip_middle, rich_style, short_database
from sessionsctl.tui.theme import settled
from sessionsctl.tui.widgets.session_list import COLUMNS
from sessionsctl.tui.widgets.table import fit

HOME = "/home/alice"
DEEP = "sqlite:////home/alice/.local/share/sessionsctl/sessionsctl.db"


def test_a_sqlite_database_shows_as_its_path_with_home_as_a_tilde() -> None:
    assert short_database(DEEP, 60, home=HOME) == "~/.local/share/sessionsctl/sessionsctl.db"
    assert short_database("sqlite:///centre.db", 60, home=HOME) == "centre.db"
    assert short_database("sqlite:////srv/centre.db", 60, home=HOME) == "/srv/centre.db"


def test_a_long_path_loses_its_middle_and_keeps_its_file_name() -> None:
    shown = short_database(DEEP, 24, home=HOME)
    assert len(shown) == 24 and shown.startswith("~/") and shown.endswith("…/sessionsctl.db")
    # Too narrow for any of the head: the end of the name.
    assert clip_middle("/srv/data/sessionsctl.db", 10) == "…onsctl.db"


def test_other_databases_show_as_their_url_cut_in_the_middle() -> None:
    url = "postgresql+psycopg://app:***@db.example:5432/sessions"
    assert short_database(url, 80) == url
    assert short_database(url, 30).endswith("…/sessions")
    assert len(short_database(url, 30)) == 30


def test_the_title_takes_the_spare_width_and_narrow_screens_drop_columns() -> None:
    wide = dict((c.key, w) for c, w in fit(COLUMNS, 159))
    normal = dict((c.key, w) for c, w in fit(COLUMNS, 119))
    assert list(wide) == [c.key for c in COLUMNS]
    assert wide["title"] - normal["title"] == 40
    assert sum(w + 1 for w in normal.values()) + 1 == 119
    narrow = [c.key for c, _ in fit(COLUMNS, 79)]
    assert narrow == ["date", "time", "title", "mentor", "status"]


def test_each_column_gets_what_its_content_needs_before_the_title_takes_the_rest() -> None:
    needed = {"title": 60, "mentor": 20, "students": 22, "subject": 11, "room": 23,
              "status": 9}
    at_140 = dict((c.key, w) for c, w in fit(COLUMNS, 139, needed))
    assert (at_140["mentor"], at_140["students"], at_140["room"]) == (20, 22, 23)
    assert sum(w + 1 for w in at_140.values()) + 1 == 139 and at_140["title"] == 21
    assert at_140["status"] == 11  # never narrower than its least
    # Capped: a very long room name does not starve the title.
    wide = dict((c.key, w) for c, w in fit(COLUMNS, 219, {**needed, "room": 90}))
    assert wide["room"] == 24 and wide["title"] == 100
    # Too little room for every need: the spare is shared a cell at a time, the title keeps
    # its least, and the columns a narrow screen drops still go first.
    tight = dict((c.key, w) for c, w in fit(COLUMNS, 119, needed))
    assert tight["title"] == 16 and sum(w + 1 for w in tight.values()) + 1 == 119
    assert tight["mentor"] - 15 in (tight["room"] - 11, tight["room"] - 11 + 1)
    assert [c.key for c, _ in fit(COLUMNS, 79, needed)] == [
        "date", "time", "title", "mentor", "status"]


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
    # An ANSI theme's colours are the terminal's: left alone, and the subjects' as they are.
    ansi = settled({"background": "ansi_default", "text-muted": "ansi_default"})
    assert ansi == {f"subject-{i}": c for i, c in enumerate(SUBJECT_COLOURS)}


def test_rich_cells_take_settled_colours_and_dim_otherwise() -> None:
    assert rich_style("strike $text-muted", {"text-muted": "#A0A0A0"}) == "strike #A0A0A0"
    assert rich_style("strike $text-muted", {"text-muted": "ansi_default"}) == "strike dim"
    assert rich_style("bold $warning", {"warning": "#FFA62B"}) == "bold #FFA62B"
