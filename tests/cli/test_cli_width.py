"""Tables at 80 columns: piped or written to a file they print whole, one line per row; in a
narrow terminal they wrap and fold text, and hide only the less needed columns, never the ones
that say which row it is; an empty listing says so in words."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import re
import struct
import subprocess
import termios
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from sessionsctl.cli import render, tables

from .conftest import Run
from .test_cli_subprocess import _env, _script

PAST = "2025-03-04"  # a Tuesday, long gone
DOMAIN = "northfield-tutoring.example"
MENTORS = (("Chloé Clarke-Jones", f"chloe.clarke-jones@{DOMAIN}"),
           ("Kwame Walsh", f"kwame.walsh@{DOMAIN}"))
# Two students whose emails start alike: a column cut at 80 printed both as "aarav.…".
STUDENTS = (("Aarav Kowalski", f"aarav.kowalski@{DOMAIN}"),
            ("Aarav Thompson", f"aarav.thompson@{DOMAIN}"))
STAFF = f"front.desk.supervisor@{DOMAIN}"
GROUP = "KS3 Mathematics group — Tuesday 15:30 (bring a calculator)"
ONE_TO_ONE = "Mathematics 1:1 — Aarav Kowalski"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture
def centre(run: Run) -> dict[str, int]:
    """Long names, emails and titles, as a real centre has: a group lesson and a weekly 1:1
    in the past with attendance and feedback, in a room with a long name."""
    run.ok("person", "add", "--name", "Front Desk", "--email", STAFF, "--role", "staff")
    for name, email in MENTORS:
        run.ok("person", "add", "--name", name, "--email", email, "--role", "mentor")
    for name, email in STUDENTS:
        run.ok("person", "add", "--name", name, "--email", email, "--role", "student")
    run.ok("room", "add", "Study Room 1 (ground floor)", "--capacity", "8")
    group = run.json("session", "add", "--title", GROUP, "--mentor", MENTORS[0][1],
                     "--student", STUDENTS[0][1], "--student", STUDENTS[1][1],
                     "--room", "Study Room 1 (ground floor)", "--start", f"{PAST} 15:30",
                     "--duration", "90", "--past")["id"]
    single = run.json("session", "add", "--title", ONE_TO_ONE, "--mentor", MENTORS[1][1],
                      "--student", STUDENTS[0][1], "--start", f"{PAST} 17:30", "--duration",
                      "60", "--repeat", "FREQ=WEEKLY;COUNT=2", "--past")
    first = single["booked"][0]["id"]
    run.ok("attendance", "mark", str(group), STUDENTS[0][1], "present", "--note",
           "left early for the dentist", as_=STAFF)
    run.ok("attendance", "mark", str(group), STUDENTS[1][1], "absent", as_=STAFF)
    run.ok("attendance", "mark", str(first), STUDENTS[0][1], "late", as_=STAFF)
    run.ok("feedback", "add", str(group), "--from", STUDENTS[0][1], "--rating", "4")
    for held in (group, first):
        run.ok("session", "complete", str(held), "--force")
    return {"group": group, "single": first}


WINDOW = ("--from", "2025-03-01", "--to", "2025-03-31")


@pytest.fixture
def at_80(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's consoles 80 columns wide, as rich makes them for a pipe or a file."""
    for console in (render.out, render.err):
        monkeypatch.setattr(console, "_width", 80)


@pytest.fixture
def terminal_80(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's consoles on an 80-column terminal (without colour, to read the text)."""
    for console in (render.out, render.err):
        monkeypatch.setattr(console, "_width", 80)
        monkeypatch.setattr(console, "_force_terminal", True)
        monkeypatch.setattr(console, "_color_system", None)


def _line_with(text: str, *parts: str) -> str:
    """The one line holding every part: a row printed whole."""
    lines = [line for line in text.splitlines() if all(p in line for p in parts)]
    assert len(lines) == 1, f"no single line holds {parts}:\n{text}"
    return lines[0]


# ------------------------------------------------------------------------------ piped
def test_piped_reports_print_every_column_whole(run: Run, centre: dict[str, int],
                                                at_80: None) -> None:
    attendance = run.ok("report", "attendance", *WINDOW).stdout
    # Each student once, by name and full email, with every figure on the same line.
    _line_with(attendance, "Aarav Kowalski", STUDENTS[0][1], " 3 ", "100%")
    _line_with(attendance, "Aarav Thompson", STUDENTS[1][1], " 1 ", "0%")
    assert "Unmarked" in attendance and "Attendance rate: 67%" in attendance

    mentors = run.ok("report", "mentors", *WINDOW).stdout
    header = _line_with(mentors, "Mentor", "Sessions", "Hours", "No-shows")
    assert "Avg rating" in header
    _line_with(mentors, "Chloé Clarke-Jones", MENTORS[0][1], "1.5 h", "4.0", "50%")
    _line_with(mentors, "Kwame Walsh", MENTORS[1][1], "1.0 h")

    student = run.ok("report", "student", STUDENTS[0][1], *WINDOW).stdout
    _line_with(student, str(centre["group"]), GROUP, MENTORS[0][1], "present", "4")
    assert "Rating" in _line_with(student, "When", "Title", "Mentor")
    for text in (attendance, mentors, student):
        assert "…" not in text


def test_piped_lists_print_one_line_per_row(run: Run, centre: dict[str, int],
                                            at_80: None) -> None:
    listing = run.ok("session", "list", *WINDOW).stdout
    _line_with(listing, str(centre["group"]), "15:30–17:00", GROUP, "Chloé Clarke-Jones",
               "2 students", "Study Room 1 (ground floor)", "completed")
    _line_with(listing, str(centre["single"]), ONE_TO_ONE, "Kwame Walsh", "Aarav Kowalski")

    people = run.ok("person", "list").stdout
    for name, email in (*MENTORS, *STUDENTS):
        _line_with(people, name, email)

    series = run.ok("series", "list").stdout
    _line_with(series, ONE_TO_ONE, MENTORS[1][1], "Mar 2025")

    marks = run.ok("attendance", "list", str(centre["group"])).stdout
    assert "By" in _line_with(marks, "Student", "Status", "Note").split()
    _line_with(marks, STUDENTS[0][1], "present", "left early for the dentist", STAFF)
    _line_with(marks, STUDENTS[1][1], "absent", STAFF)

    shown = run.ok("session", "show", str(centre["group"])).stdout
    _line_with(shown, "Title", GROUP)
    for text in (listing, people, series, marks, shown):
        assert "…" not in text


def test_report_table_written_to_a_file_is_whole(run: Run, centre: dict[str, int],
                                                 tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    run.ok("report", "mentors", *WINDOW, "-o", str(out))
    _line_with(out.read_text(), "Chloé Clarke-Jones", MENTORS[0][1], "1.5 h", "50%")


def test_empty_listings_say_so(run: Run) -> None:
    assert run.ok("series", "list").stdout == "No series.\n"
    assert run.ok("mail", "outbox").stdout == "The outbox is empty.\n"
    assert run.ok("person", "list").stdout == "No people.\n"
    assert run.ok("room", "list").stdout == "No rooms.\n"
    assert run.json("series", "list") == [] and run.json("mail", "outbox") == []


def test_piped_through_a_real_process(run: Run, centre: dict[str, int],
                                      config_path: Path) -> None:
    """The console script with stdout a pipe and COLUMNS=80, as `| cat` or `| less` run it."""
    def piped(*args: str) -> str:
        done = subprocess.run([_script(), "--db", run.db_url, "--tz", "Europe/London", *args],
                              capture_output=True, text=True, timeout=120,
                              env=_env(config_path, COLUMNS="80"))
        assert done.returncode == 0, done.stderr
        assert "…" not in done.stdout
        return done.stdout

    report = piped("report", "attendance", *WINDOW)
    _line_with(report, "Aarav Kowalski", STUDENTS[0][1], "100%")
    _line_with(report, "Aarav Thompson", STUDENTS[1][1], "0%")
    _line_with(piped("session", "list", *WINDOW), GROUP, "Chloé Clarke-Jones",
               "Study Room 1 (ground floor)")


# --------------------------------------------------------------------- narrow terminal
def _column(text: str, heading: str) -> str:
    """Everything printed under ``heading`` down the first table that has it, without spaces:
    text that was folded or wrapped reads whole again."""
    lines = text.splitlines()
    for top, line in enumerate(lines):  # noqa: B007 - the heading's row is read after the loop
        headings = [(m.group(), m.start()) for m in re.finditer(r"\S+(?: \S+)*", line)]
        starts = [at for name, at in headings if name == heading]
        if starts:
            break
    else:
        raise AssertionError(f"no column {heading!r}:\n{text}")
    start = starts[0]
    end = next((at for _, at in headings if at > start), None)
    body = []
    for line in lines[top + 2:]:
        if not line.strip():
            break
        body.append(line[start:end])
    return "".join(body).replace(" ", "")


def _assert_fits(text: str, width: int = 80) -> None:
    assert "…" not in text
    too_wide = [line for line in text.splitlines() if len(line.rstrip()) > width]
    assert not too_wide, "\n".join(too_wide)


def test_narrow_terminal_keeps_identifying_columns(run: Run, centre: dict[str, int],
                                                   terminal_80: None) -> None:
    attendance = run.ok("report", "attendance", *WINDOW).stdout
    _assert_fits(attendance)
    for name, email in STUDENTS:  # both, told apart: names and emails folded, not cut
        assert name.replace(" ", "") in _column(attendance, "Name")
        assert email in _column(attendance, "Student")
    assert "100%" in attendance and "Attendance" in attendance

    mentors = run.ok("report", "mentors", *WINDOW).stdout
    _assert_fits(mentors)
    for _name, email in MENTORS:
        assert email in _column(mentors, "Mentor")
    assert "1.5 h" in mentors and "Hidden to fit the terminal:" in mentors

    listing = run.ok("session", "list", *WINDOW).stdout
    _assert_fits(listing)
    header = listing.splitlines()[2]
    assert header.split()[:4] == ["ID", "Time", "Title", "Mentor"]
    assert GROUP.replace(" ", "") in _column(listing, "Title")
    assert str(centre["group"]) in listing and "15:30–17:00" in listing
    assert "Room" not in header and "Hidden to fit the terminal: Room." in listing

    marks = run.ok("attendance", "list", str(centre["group"])).stdout
    _assert_fits(marks)
    assert "".join(email for _, email in STUDENTS) in _column(marks, "Student")


def test_a_real_80_column_terminal(run: Run, centre: dict[str, int],
                                   config_path: Path) -> None:
    env = _env(config_path)
    env.pop("COLUMNS")
    code, output = _in_terminal(
        [_script(), "--db", run.db_url, "--tz", "Europe/London", "report", "attendance",
         *WINDOW], env, columns=80)
    assert code == 0, output
    text = ANSI.sub("", output).replace("\r\n", "\n")
    _assert_fits(text)
    assert STUDENTS[0][1] in _column(text, "Student") and "100%" in text


def _in_terminal(argv: Sequence[str], env: dict[str, str], columns: int) -> tuple[int, str]:
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
                            env=env, close_fds=True)
    os.close(follower)
    chunks = []
    for chunk in _read(leader):
        chunks.append(chunk)
    os.close(leader)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def _read(fd: int) -> Iterator[bytes]:
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            return
        if not data:
            return
        yield data


# ------------------------------------------------------------------- the fitting itself
ROWS = [(41, "Aarav Kowalski", f"aarav.kowalski@{DOMAIN}", 12, 9, "100%", "a long note " * 3),
        (44, "Aarav Thompson", f"aarav.thompson@{DOMAIN}", 5, 4, "80%", "")]
HEADINGS = ("ID", "Name", "Student", "Sessions", "Present", "Attendance", "Note")


def _render(width: int, terminal: bool) -> str:
    buffer = io.StringIO()
    console = render._Console(file=buffer, width=width, force_terminal=terminal,
                              color_system=None)
    console.print(render.table("Attendance by student", HEADINGS, ROWS))
    return buffer.getvalue()


@pytest.mark.parametrize("width", range(40, 161, 7))
def test_a_table_fits_any_terminal_without_cutting_a_value(width: int) -> None:
    text = _render(width, terminal=True)
    _assert_fits(text, width)
    for heading in ("ID", "Name", "Student"):
        assert heading in text
    for _, name, email, *_ in ROWS:
        assert email in _column(text, "Student")
        assert name.replace(" ", "") in _column(text, "Name")
    header = next(line for line in text.splitlines() if "Student" in line.split())
    hidden = text.split("Hidden to fit the terminal:")[-1] if "Hidden" in text else ""
    for i, heading in enumerate(HEADINGS[3:6], start=3):  # figures: whole, or not at all
        if heading in header.split():
            assert [str(row[i]) in _column(text, heading) for row in ROWS] == [True, True]
        else:
            assert heading in hidden


def test_off_a_terminal_a_table_is_as_wide_as_it_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _render(80, terminal=False)
    _line_with(text, "41", "Aarav Kowalski", ROWS[0][2], "12", "100%", ROWS[0][6].strip())
    assert max(len(line) for line in text.splitlines()) > 80
    assert "Nothing to show." in _render_empty()


def _render_empty() -> str:
    buffer = io.StringIO()
    render._Console(file=buffer, width=80).print(render.table(None, HEADINGS, []))
    return buffer.getvalue()


def test_squeeze_shares_the_room_by_what_each_column_wants() -> None:
    assert tables._squeeze([10, 40, 8], [5, 10, 8], 60) == [10, 40, 8]
    widths = tables._squeeze([10, 40, 8], [5, 10, 8], 40)
    assert widths is not None and sum(widths) == 40 and widths[2] == 8
    assert widths[1] > widths[0] >= 5
    assert tables._squeeze([10, 40, 8], [5, 30, 8], 40) is None
