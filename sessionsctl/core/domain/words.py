"""Counts said in words: "1 conflict", "2 conflicts", "12,000 sessions" — never "conflict(s)"."""

from __future__ import annotations

IRREGULAR = {"person": "people", "occurrence clashes": "occurrences clash"}


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun in the number it takes: ``counted(1, "session")`` is "1 session",
    ``counted(2, "reply", "replies")`` is "2 replies"; thousands are grouped (12,000)."""
    if n == 1:
        return f"1 {noun}"
    return f"{n:,} {plural or IRREGULAR.get(noun) or noun + 's'}"


def noun_for(n: int, noun: str, plural: str | None = None) -> str:
    """The noun alone in the number ``n`` takes: "column" for one, "columns" for more."""
    return noun if n == 1 else (plural or IRREGULAR.get(noun) or noun + "s")
