"""`feedback list`, the centre's feedback categories, and per-category averages in `report
mentors` (hand-computed), on either backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Seeded

PERIOD = ("--from", "2025-03-01", "--to", "2025-03-31")


@pytest.fixture
def said(seeded: Seeded, config_path: Path) -> dict[str, int]:
    """#one (Ada; Sam and Kim): Sam 4 (clarity 5, punctuality 3), Kim 3 (clarity 3), Ada
    herself 2 (clarity 1: not counted in her averages). #two (Bob; Lee): Lee 5 (clarity 4)."""
    config_path.parent.mkdir(parents=True)
    config_path.write_text('[feedback]\ncategories = ["clarity", "punctuality"]\n',
                           encoding="utf-8")
    run = seeded.run
    one = str(seeded.book("2025-03-04 16:00", students=[seeded.sam, seeded.kim])["id"])
    two = str(seeded.book("2025-03-05 16:00", mentor=seeded.bob, students=[seeded.lee])["id"])
    run.ok("feedback", "add", one, "--from", seeded.sam, "--rating", "4",
           "--category", "clarity=5", "--category", "punctuality=3", "--text", "good")
    run.ok("feedback", "add", one, "--from", seeded.kim, "--rating", "3",
           "--category", "clarity=3")
    run.ok("feedback", "add", one, "--from", seeded.ada, "--rating", "2",
           "--category", "clarity=1")
    run.ok("feedback", "add", two, "--from", seeded.lee, "--rating", "5",
           "--category", "clarity=4")
    return {"one": int(one), "two": int(two)}


def test_unknown_categories_are_refused_naming_the_list(seeded: Seeded,
                                                        said: dict[str, int]) -> None:
    result = seeded.run.fails(2, "feedback", "add", str(said["one"]), "--from", seeded.sam,
                              "--rating", "4", "--category", "fun=5")
    assert "'fun'" in result.stderr and "clarity, punctuality" in result.stderr


def test_feedback_list_filters_and_who_reads_what(seeded: Seeded, said: dict[str, int]) -> None:
    run = seeded.run

    def listed(*args: str, as_: str | None = None) -> list[tuple[int, str, int]]:
        return [(f["session_id"], f["author"], f["rating"])
                for f in run.json("feedback", "list", *PERIOD, *args, as_=as_)]

    one, two = said["one"], said["two"]
    assert listed() == [(one, seeded.ada, 2), (one, seeded.kim, 3), (one, seeded.sam, 4),
                        (two, seeded.lee, 5)]
    assert listed("--mentor", "Bob Stone") == [(two, seeded.lee, 5)]
    assert listed("--student", seeded.kim) == [(one, seeded.ada, 2), (one, seeded.kim, 3),
                                               (one, seeded.sam, 4)]
    assert listed("--session", str(two)) == [(two, seeded.lee, 5)]
    assert listed("--from", "2025-03-05") == [(two, seeded.lee, 5)]
    assert listed(as_=seeded.sam) == [(one, seeded.sam, 4)]
    assert listed(as_=seeded.bob) == [(two, seeded.lee, 5)]
    assert "good" in run.ok("feedback", "list", *PERIOD).stdout


def test_report_mentors_averages_each_category(seeded: Seeded, said: dict[str, int]) -> None:
    data = seeded.run.json("report", "mentors", *PERIOD)
    assert [(c["mentor"], c["category"], c["ratings"], c["average"])
            for c in data["categories"]] == [
        (seeded.ada, "clarity", 2, 4.0),  # (5 + 3) / 2; her own 1 left out
        (seeded.ada, "punctuality", 1, 3.0),
        (seeded.bob, "clarity", 1, 4.0)]
