"""A CSV file's bytes as text: UTF-8 (a byte-order mark dropped), its line ends kept, and
the line of a byte that is not UTF-8 known however long the lines are."""

from __future__ import annotations

import io
from typing import IO, Any, cast

from .problems import Problem


class Counted(io.BufferedIOBase):
    """A byte stream handed on as it is read, counting the line ends it has handed out, so a
    byte that is not UTF-8 is reported with its line however long the lines are."""

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self._raw = raw
        self.before = 0  # line ends before the last chunk
        self.last = b""  # the last chunk handed out

    def readable(self) -> bool:
        return True

    def _take(self, data: bytes) -> bytes:
        self.before += self.last.count(b"\n")
        self.last = data
        return data

    def read(self, size: int | None = -1) -> bytes:
        return self._take(self._raw.read(-1 if size is None else size))

    def read1(self, size: int = -1) -> bytes:
        return self._take(self._raw.read(size if size and size > 0 else 1 << 16))

    def line_of(self, exc: UnicodeDecodeError) -> int:
        """The line of the byte ``exc`` is about (it is in the last chunk, or just after)."""
        return self.before + bytes(exc.object[:exc.start]).count(b"\n") + 1


def text_of(stream: IO[bytes]) -> tuple[IO[str], Counted]:
    """The stream as UTF-8 text for :mod:`csv` (a byte-order mark is dropped): a text stream
    that keeps line ends as they are (``newline=''``), so a record is split only where the
    file has a line end outside quotes, however long its lines are."""
    counted = Counted(stream)
    return io.TextIOWrapper(cast(Any, counted), encoding="utf-8-sig", newline=""), counted


def not_utf8(exc: UnicodeDecodeError, line: int) -> Problem:
    if exc.reason == "unexpected end of data":
        return Problem(line, None, "ends inside a character: the file is truncated or not UTF-8")
    return Problem(line, None, f"is not UTF-8 text (byte {exc.object[exc.start]:#04x}); "
                               "save the file as UTF-8")
