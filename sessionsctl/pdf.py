"""HTML to PDF at the edge (WeasyPrint, which needs the system's pango libraries): imported
only when a PDF is written."""

from __future__ import annotations

from pathlib import Path

from .core.domain.errors import InvalidInput


def write_pdf(html: str, path: Path, *, field: str = "--dir") -> None:
    """Render ``html`` (self-contained: styles inline, charts as inline SVG) to a PDF file at
    ``path``; ``field`` is the option that named it, for an error."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: pango missing from the system
        raise InvalidInput(f"cannot write PDF: WeasyPrint is not usable here ({exc})",
                           field="pdf") from None
    try:
        weasyprint.HTML(string=html).write_pdf(str(path))
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}", field=field) from None
