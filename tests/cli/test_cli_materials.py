"""`material` from the command line, on either backend: a file kept in the database comes
back byte for byte; size and type refusals; who may add and read follows the session."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from .conftest import Seeded

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n" + os.urandom(3000) + b"\n%%EOF\n"


@pytest.fixture
def lesson(seeded: Seeded) -> int:
    return int(seeded.book("2025-03-04 16:00", students=[seeded.sam])["id"])


def test_a_file_round_trips_byte_for_byte(seeded: Seeded, lesson: int, tmp_path: Path) -> None:
    run = seeded.run
    sheet = tmp_path / "sheet.pdf"
    sheet.write_bytes(PDF)
    made = run.json("material", "add", str(lesson), str(sheet), "--description", "sheet 3")
    assert (made["name"], made["media_type"], made["type"], made["size"]) == (
        "sheet.pdf", "application/pdf", "document", len(PDF))
    out = tmp_path / "back.pdf"
    run.ok("material", "get", str(made["id"]), "-o", str(out))
    assert hashlib.sha256(out.read_bytes()).digest() == hashlib.sha256(PDF).digest()
    # replaced: same id, the new bytes
    picture = tmp_path / "board.png"
    picture.write_bytes(PNG)
    replaced = run.json("material", "replace", str(made["id"]), str(picture))
    assert (replaced["id"], replaced["media_type"], replaced["type"]) == (
        made["id"], "image/png", "other")
    run.ok("material", "get", str(made["id"]), "-o", str(out))
    assert out.read_bytes() == PNG
    link = run.json("material", "add", str(lesson), "https://example.org/video")
    listed = run.json("material", "list", str(lesson))
    assert [(m["id"], m["name"]) for m in listed] == [(made["id"], "board.png"),
                                                     (link["id"], "video")]
    assert run.ok("material", "get", str(link["id"])).stdout.strip() == \
        "https://example.org/video"
    assert run.json("session", "show", str(lesson))["materials"][0]["name"] == "board.png"
    run.ok("material", "rm", str(made["id"]))
    assert [m["id"] for m in run.json("material", "list", str(lesson))] == [link["id"]]
    run.fails(4, "material", "get", str(made["id"]))


def test_size_and_type_refusals(seeded: Seeded, lesson: int, tmp_path: Path,
                                config_path: Path) -> None:
    run = seeded.run
    fake = tmp_path / "notes.pdf"
    fake.write_bytes(PNG)  # a picture called a PDF
    assert "image/png" in run.fails(2, "material", "add", str(lesson), str(fake)).stderr
    program = tmp_path / "homework.txt"
    program.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(200))
    assert "program" in run.fails(2, "material", "add", str(lesson), str(program)).stderr
    config_path.parent.mkdir(parents=True)
    config_path.write_text("[materials]\nmax_size_mb = 1\n", encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_bytes(b"a" * (1024 * 1024 + 1))
    assert "over the limit" in run.fails(2, "material", "add", str(lesson), str(big)).stderr
    big.write_bytes(b"a" * (1024 * 1024))
    run.ok("material", "add", str(lesson), str(big))
    assert [m["name"] for m in run.json("material", "list", str(lesson))] == ["big.txt"]


def test_who_may_add_and_read_follows_the_session(seeded: Seeded, lesson: int,
                                                  tmp_path: Path) -> None:
    run = seeded.run
    sheet = tmp_path / "sheet.txt"
    sheet.write_text("x^2 = 4\n", encoding="utf-8")
    made = run.json("material", "add", str(lesson), str(sheet), as_=seeded.ada)  # its mentor
    run.fails(5, "material", "add", str(lesson), str(sheet), as_=seeded.bob)
    run.fails(5, "material", "add", str(lesson), str(sheet), as_=seeded.sam)
    assert run.ok("material", "get", str(made["id"]), as_=seeded.sam).stdout == "x^2 = 4\n"
    run.fails(5, "material", "get", str(made["id"]), as_=seeded.kim)  # not on it
    run.fails(5, "material", "rm", str(made["id"]), as_=seeded.sam)


def test_a_material_for_the_whole_series_goes_on_each_scheduled_occurrence_once(
        seeded: Seeded, tmp_path: Path) -> None:
    run = seeded.run
    seeded.book("2027-01-05 16:00", students=[seeded.sam],
                extra=["--repeat", "FREQ=WEEKLY;COUNT=3"])
    ids = [str(s["id"]) for s in run.json("session", "list", "--from", "2027-01-01",
                                          "--to", "2027-01-31")]
    assert len(ids) == 3
    first, second, third = ids
    run.ok("session", "cancel", third, "--reason", "closed")
    sheet = tmp_path / "syllabus.pdf"
    sheet.write_bytes(PDF)
    added = run.json("material", "add", second, str(sheet), "--scope", "all")
    assert sorted(m["session_id"] for m in added) == sorted([int(first), int(second)])

    def names(session_id: str) -> list[str]:
        return [m["name"] for m in run.json("material", "list", session_id)]

    assert [names(i) for i in ids] == [["syllabus.pdf"], ["syllabus.pdf"], []]
    assert run.json("material", "add", first, str(sheet), "--scope", "all") == []
    assert "every one has it already" in run.ok(
        "material", "add", first, str(sheet), "--scope", "all").stdout
    # the same name with other content is another material
    sheet.write_bytes(PDF + b"\n% revised\n")
    assert len(run.json("material", "add", first, str(sheet), "--scope", "all")) == 2
    link = "https://example.org/course"
    assert len(run.json("material", "add", second, link, "--scope", "following")) == 1
    assert [names(i) for i in ids] == [["syllabus.pdf", "syllabus.pdf"],
                                       ["syllabus.pdf", "syllabus.pdf", "course"], []]
    run.fails(2, "material", "add", first, link, "--scope", "some")
