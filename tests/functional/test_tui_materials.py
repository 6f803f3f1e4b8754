"""The session screen lists the session's materials (name, type, size, who, when) and saves
the one under the cursor to a folder typed in, under its own name (a name holding a path
leads nowhere else), asking before it replaces a file already there."""

from __future__ import annotations

from pathlib import Path

from sessionsctl.core.centre import Centre
from sessionsctl.tui.screens.dialogs import ConfirmDialog, PromptDialog
from sessionsctl.tui.screens.materials import MaterialTable, size_text

from .conftest import ADA, NOW, SIZE, scenario, settle
from .test_tui_actions import open_details

SHEET = b"%PDF-1.4\nQuadratics, sheet 3\n" + bytes(range(256)) * 8  # 2,072 bytes


async def answer(pilot, app, text: str) -> None:
    """Put ``text`` in the open prompt and press enter (typing a long path key by key would
    take most of the test's time)."""
    app.screen.query_one("#prompt").value = text
    await pilot.press("enter")


def cells(table: MaterialTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


@scenario
async def test_a_material_is_listed_and_saved_to_a_folder(
        app, tui_centre: Centre, tmp_path: Path) -> None:
    ada = Centre(tui_centre.ctx.store, ADA, clock=lambda: NOW)  # #3's mentor
    ada.materials.add_file(3, "../../sheet3.txt", b"x = 1\n")  # a name with a path
    made = ada.materials.add_file(3, "quadratics.pdf", SHEET)
    ada.materials.add_link(3, "https://example.org/video")
    folder = tmp_path / "saved"
    folder.mkdir()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        details = await open_details(pilot, 3)
        table = details.query_one(MaterialTable)
        assert table.display
        rows = cells(table)
        assert [r[:3] for r in rows] == [
            ["sheet3.txt", "text/plain", "6 B"],
            ["quadratics.pdf", "application/pdf", "2.1 kB"],
            ["video", "link", ""]]
        assert rows[1][3:] == ["Ada Lovelace", "Tue 10 Nov 2026 16:10"]  # who, when
        table.move_cursor(row=1)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        await answer(pilot, app, str(tmp_path / "nowhere"))  # not a folder: said, kept
        await settle(pilot)
        assert isinstance(app.screen, PromptDialog)
        prompt = app.screen.query_one("#prompt")
        prompt.value = str(folder)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is details
        saved = folder / "quadratics.pdf"
        assert saved.read_bytes() == SHEET == tui_centre.materials.get(made.id)[1]

        # again: the file is there, so it asks; keeping it writes nothing
        saved.write_bytes(b"mine")
        await pilot.press("s")
        await settle(pilot)
        await answer(pilot, app, str(folder))
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert saved.read_bytes() == b"mine"
        await pilot.press("s")
        await settle(pilot)
        await answer(pilot, app, str(folder))
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert saved.read_bytes() == SHEET

        # the name with a path in it is saved in the folder under its last part alone
        table.move_cursor(row=0)
        await pilot.press("s")
        await settle(pilot)
        await answer(pilot, app, str(folder))
        await settle(pilot)
        assert (folder / "sheet3.txt").read_bytes() == b"x = 1\n"
        assert sorted(p.name for p in folder.iterdir()) == ["quadratics.pdf", "sheet3.txt"]
        assert not (tmp_path / "sheet3.txt").exists()
        assert not (folder.parent.parent / "sheet3.txt").exists()


def test_sizes_read_as_people_read_them() -> None:
    assert [size_text(n) for n in (None, 0, 999, 2072, 3_100_000, 4_200_000_000)] == [
        "", "0 B", "999 B", "2.1 kB", "3.1 MB", "4.2 GB"]
