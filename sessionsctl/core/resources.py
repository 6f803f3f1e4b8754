"""The files shipped beside the code: the templates folder of mail and HTML reports."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # sessionsctl/


def templates_dir(marker: str = "reminder.txt") -> Path:
    """Our templates: shipped inside the wheel (``sessionsctl/templates``), or at the top of a
    source checkout. ``marker`` is a file the caller needs there."""
    for candidate in (_PACKAGE / "templates", _PACKAGE.parent / "templates"):
        if (candidate / marker).is_file():
            return candidate
    raise FileNotFoundError("the templates folder is missing from this installation")
