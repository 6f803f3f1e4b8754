"""`--scope all` after `--scope following` split a series, on the command line."""

from __future__ import annotations

from .conftest import Seeded


def test_scope_all_after_a_split_covers_every_part_and_series_show_says_so(
        seeded: Seeded) -> None:
    """`session edit --scope following` splits a weekly series; `--scope all` from the first
    part then changes the second too, `series show` names both parts and what `all` does,
    and `session cancel --scope all` cancels both."""
    run = seeded.run
    seeded.book("2027-01-04 16:00", students=[seeded.sam],
                extra=["--repeat", "FREQ=WEEKLY;COUNT=4"])
    first = run.json("session", "list", "--all")
    run.ok("session", "edit", str(first[2]["id"]), "--title", "Later", "--scope", "following")
    parts = sorted({s["series_id"] for s in run.json("session", "list", "--all")})
    assert len(parts) == 2
    shown = run.ok("series", "show", str(parts[0])).stdout
    assert f"#{parts[0]}, #{parts[1]}" in shown and "--scope all changes or cancels every part" \
        in shown
    assert run.json("series", "show", str(parts[1]))["parts"] == parts
    assert "whole series" in run.ok("session", "edit", "--help").stdout
    run.ok("session", "edit", str(first[0]["id"]), "--room", seeded.hall, "--scope", "all")
    assert [s["room"] for s in run.json("session", "list", "--all")] == [seeded.hall] * 4
    cancelled = run.json("session", "cancel", str(first[0]["id"]), "--scope", "all")
    assert sorted(s["id"] for s in cancelled) == sorted(s["id"] for s in first)
