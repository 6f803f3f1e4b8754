"""The session list on narrow and wide terminals: whichever columns the width shows, each
header sits over its own column's cells."""

from __future__ import annotations

import re

import pytest

from sessionsctl.tui.format import clip
from sessionsctl.tui.widgets.session_list import COLUMNS
from sessionsctl.tui.widgets.table import RowTable

from .conftest import scenario, settle

LABELS = {c.label: c.key for c in COLUMNS}


def columns_on_screen(header: str) -> list[tuple[str, int, int]]:
    """(column key, first cell, end) of each header label drawn, left to right."""
    found = [(LABELS[m.group(1)], m.start()) for m in re.finditer(r"(\w+)(?: [▲▼])?", header)]
    ends = [x for _, x in found[1:]] + [len(header)]
    return [(key, x, end) for (key, x), end in zip(found, ends, strict=True)]


@pytest.mark.parametrize(("size", "hidden"), [
    ((80, 24), {"students", "subject", "room"}),
    ((100, 30), {"subject"}),
    ((160, 48), set()),
])
@scenario
async def test_every_header_is_over_its_own_cells(app, size: tuple[int, int],
                                                  hidden: set[str]) -> None:
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#session-table", RowTable)
        header = table.render_line(0).text
        shown = columns_on_screen(header)
        assert [key for key, _, _ in shown] == [c.key for c in COLUMNS if c.key not in hidden]
        keys = [c.key for c in COLUMNS]
        for row in range(min(table.row_count, 5)):
            line = table.render_line(row + 1).text
            cells = table.row_text(row)
            for key, x, end in shown:
                text = cells[keys.index(key)]
                # The cell under the header, cut to the column as drawn (a gap before the next).
                assert line[x:end].rstrip() == clip(text, end - x - 1).rstrip(), (key, line)


@pytest.mark.parametrize("keys", [("ctrl+t",), ("question_mark",)], ids=["today", "help"])
@scenario
async def test_the_today_and_help_boxes_fit_80_columns(app, keys: tuple[str, ...]) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        box = app.screen.query_one("#today-box, VerticalScroll")
        assert box.region.x >= 0 and box.region.right <= 80


@pytest.mark.parametrize("size", [(80, 24), (140, 40), (160, 48)])
@scenario
async def test_a_column_is_as_wide_as_its_content_before_the_title_grows(
        tui_centre, size: tuple[int, int]) -> None:
    """A long room name is shown whole once there is room for it (before: cut to its least,
    'Study Room…', while the title took the rest); a narrow screen still drops the column,
    header and cells together."""
    from .conftest import ADA, at, lesson, make_test_app

    room = "Study Room B (upstairs)"
    tui_centre.people.add_room(room, 4)
    tui_centre.sessions.book(lesson("Chemistry", at(18, 9), room=room, mentor=ADA))
    app = make_test_app(tui_centre)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#session-table", RowTable)
        shown = {key: (x, end) for key, x, end in columns_on_screen(table.render_line(0).text)}
        row = next(i for i in range(table.row_count) if table.row_text(i)[2] == "Chemistry")
        line = table.render_line(row + 1).text
        if size[0] < 100:
            assert "room" not in shown and "Study Room" not in line
            return
        x, end = shown["room"]
        assert line[x:end].strip() == room
        title_x, title_end = shown["title"]
        assert title_end - title_x - 1 >= 16
