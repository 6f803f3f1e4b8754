"""A session's materials on its screen: listed (name, type, size, who, when), and one saved to
a folder the user types under its own name (never used as a path), a file already there
replaced only when they say so."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.message import Message
from textual.widgets import DataTable

from ...core.domain.errors import InvalidInput, SessionsctlError
from ...core.domain.model import Material, MaterialType
from ...core.materials import file_name
from .. import format as fmt

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from ..context import TuiContext


def destination(folder: str, name: str) -> Path:
    """Where the material called ``name`` is saved in ``folder`` (which must be one): under
    the last part of its name alone, so a name holding a path never leads elsewhere."""
    text = folder.strip()
    if not text:
        raise InvalidInput("name a folder", field="folder")
    place = Path(text).expanduser()
    if not place.is_dir():
        raise InvalidInput(f"{text} is not a folder", field="folder")
    return place / file_name(name)


def write_file(path: Path, content: bytes, *, replace: bool) -> bool:
    """Write ``content`` to ``path``; False, with nothing written, when a file is there and
    ``replace`` does not say to replace it (checked as the file is made, not before)."""
    try:
        with path.open("wb" if replace else "xb") as out:
            out.write(content)
    except FileExistsError:
        return False
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror}", field="folder") from None
    return True


def size_text(size: int | None) -> str:
    """``512 B``, ``14.2 kB``, ``3.1 MB``; nothing for a link."""
    if size is None:
        return ""
    if size < 1000:
        return f"{size} B"
    value = float(size)
    for unit in ("kB", "MB"):
        value /= 1000
        if value < 1000:
            return f"{value:.1f} {unit}"
    return f"{value / 1000:.1f} GB"


class MaterialTable(DataTable[Any]):
    """The session's materials, one a row; the row under the cursor is the one saved."""

    COLUMNS = ("Name", "Type", "Size", "By", "Added")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", **kwargs)
        self.materials: list[Material] = []

    def on_mount(self) -> None:
        for label in self.COLUMNS:
            self.add_column(label)

    def show(self, materials: list[Material], ctx: TuiContext, tz: ZoneInfo) -> None:
        self.materials = list(materials)
        self.clear()
        for m in self.materials:
            self.add_row(fmt.cell(m.name), fmt.cell(m.media_type or m.type.value),
                         fmt.cell(size_text(m.size)),
                         fmt.cell(ctx.name(m.uploaded_by) if m.uploaded_by else ""),
                         fmt.cell(fmt.when_at(m.uploaded_at, tz) if m.uploaded_at else ""))

    def chosen(self) -> Material | None:
        if not self.materials:
            return None
        return self.materials[min(max(self.cursor_row, 0), len(self.materials) - 1)]


@dataclass
class MaterialSaved(Message):
    """What became of saving a material: written to ``path``, or a file is there already
    (``written`` False, no error), or why not."""

    material: Material
    folder: str
    path: Path | None
    written: bool
    error: str | None = None


class SavesMaterials:
    """The session screen's part in saving a material (mixed into it): ask for a folder, save
    in a worker, ask before replacing a file already there."""

    ctx: TuiContext

    def action_save_material(self: Any) -> None:
        material = self.query_one(MaterialTable).chosen()
        if material is None:
            self.notify("this session has no materials", severity="warning")
            return
        if material.type is MaterialType.LINK:
            self.notify(f"{material.name} is a link, nothing to save: {material.location}")
            return
        from .dialogs import PromptDialog

        def chosen(folder: str | None) -> None:
            if folder:
                self.save_material(material, folder, replace=False)

        self.app.push_screen(PromptDialog(
            f"Save {material.name} to a folder", "a folder, e.g. ~/Downloads", required=True,
            check=lambda text: destination(text, material.name)), chosen)

    @work(thread=True, group="materials", exit_on_error=False)
    def save_material(self: Any, material: Material, folder: str, *, replace: bool) -> None:
        path = None
        try:
            path = destination(folder, material.name)
            if not replace and path.exists():  # asked before the content is read
                self.post_message(MaterialSaved(material, folder, path, False))
                return
            _, content = self.ctx.centre.materials.get(material.id)
            if content is None:
                raise InvalidInput(f"{material.name} has no file", field="material")
            written = write_file(path, content, replace=replace)
            self.post_message(MaterialSaved(material, folder, path, written))
        except SessionsctlError as exc:
            self.post_message(MaterialSaved(material, folder, path, False, exc.message))

    def on_material_saved(self: Any, message: MaterialSaved) -> None:
        message.stop()
        if message.error is not None:
            self.notify(message.error, severity="error")
        elif message.written:
            self.notify(f"Saved {message.path}")
        else:
            from .dialogs import ConfirmDialog

            def answered(yes: bool | None) -> None:
                if yes:
                    self.save_material(message.material, message.folder, replace=True)

            self.app.push_screen(ConfirmDialog(
                f"{message.path} is there already", "Replace it with the material?",
                yes="Replace", no="Keep it"), answered)
