"""Counts in messages are said in words ("1 conflict", "2 conflicts"), never "conflict(s)"."""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

import pytest

import sessionsctl
from sessionsctl.core.domain.words import counted, noun_for


@pytest.mark.parametrize(("n", "noun", "said"), [
    (0, "session", "0 sessions"), (1, "session", "1 session"), (2, "conflict", "2 conflicts"),
    (12000, "session", "12,000 sessions"), (1, "person", "1 person"), (3, "person", "3 people"),
    (1, "more clashing row", "1 more clashing row"), (5, "more clashing line", "5 more clashing lines"),
])
def test_counted(n: int, noun: str, said: str) -> None:
    assert counted(n, noun) == said


def test_an_irregular_plural_is_given() -> None:
    assert counted(2, "reply", "replies") == "2 replies"
    assert noun_for(1, "column") == "column" and noun_for(2, "column") == "columns"


def test_no_message_in_the_program_says_a_count_with_s_in_brackets() -> None:
    root = Path(sessionsctl.__file__).parent
    found = []
    for path in sorted(root.rglob("*.py")):
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
        for tok in tokens:
            if tok.type in (tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", -1)) \
                    and "(s)" in tok.string and not tok.string.lstrip("rbf").startswith('"""'):
                found.append(f"{path.relative_to(root)}:{tok.start[0]}")
    assert found == []
