"""`sync caldav` against a real CalDAV server (Radicale on 127.0.0.1), read back with an
independent client (caldav + recurring-ical-events) and compared with `session list --json`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
from caldav import DAVClient

from .conftest import Seeded, parse_json

WINDOW = (datetime(2030, 1, 1, tzinfo=UTC), datetime(2032, 1, 1, tzinfo=UTC))
SECRET = "pässwörd-s3cret"
ENV = {"SESSIONSCTL_CALDAV_PASSWORD": SECRET}
Occurrences = set[tuple[str, datetime, datetime, str]]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Radicale:
    """A Radicale server on 127.0.0.1 with its storage in a temporary folder (no auth: any
    user and password are taken), which a test can stop and start again."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "radicale", "--server-hosts", f"127.0.0.1:{self.port}",
             "--storage-filesystem-folder", str(self.folder), "--auth-type", "none",
             "--logging-level", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("Radicale did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    server = Radicale(tmp_path / "radicale")
    server.start()
    yield server
    server.stop()


def on_server(server: Radicale, calendar: str) -> tuple[Occurrences, int]:
    """Each occurrence the mentor's calendar on the server shows, and how many resources."""
    client = DAVClient(url=server.url, username="centre", password="x")
    found = [c for c in client.principal().calendars()
             if str(c.url).rstrip("/").endswith("/" + calendar)]
    if not found:
        return set(), 0
    occurrences: Occurrences = set()
    objects = found[0].objects(load_objects=True)
    for obj in objects:
        cal = icalendar.Calendar.from_ical(obj.data)
        for e in recurring_ical_events.of(cal).between(*WINDOW):
            start = e["DTSTART"].dt
            end = e["DTEND"].dt if "DTEND" in e else start + e["DURATION"].dt
            occurrences.add((str(e["UID"]), start.astimezone(UTC), end.astimezone(UTC),
                             str(e.get("STATUS", "CONFIRMED"))))
    return occurrences, len(objects)


def listed(seeded: Seeded, mentor: str) -> Occurrences:
    rows = seeded.run.json("session", "list", "--mentor", mentor, "--from", "2030-01-01",
                           "--to", "2031-12-31")
    return {(j["uid"], datetime.fromisoformat(j["start"]).astimezone(UTC),
             datetime.fromisoformat(j["end"]).astimezone(UTC),
             "CANCELLED" if j["status"] == "cancelled" else "CONFIRMED") for j in rows}


def sync(seeded: Seeded, server: Radicale, *extra: str, code: int = 0) -> dict:
    result = seeded.run("sync", "caldav", "--url", server.url, "--user", "centre", *extra,
                        "--json", env=ENV)
    assert result.exit_code == code, result.output
    assert SECRET not in result.output
    return parse_json(result)


def sent(report: dict) -> dict[str, list[str]]:
    return {m["mentor"]: m["sent"] for m in report["mentors"]}


def book(seeded: Seeded, title: str, start: str, *extra: str, mentor: str | None = None) -> int:
    made = seeded.run.json("session", "add", "--title", title, "--mentor", mentor or seeded.ada,
                           "--student", seeded.sam, "--start", start, "--duration", "60",
                           *extra)
    return int(made["id"] if "id" in made else made["booked"][0]["id"])


def test_sync_sends_each_mentors_calendar_then_only_what_changed(
        seeded: Seeded, radicale: Radicale) -> None:
    book(seeded, "Algebra", "2030-12-03 16:00", "--repeat", "FREQ=WEEKLY;COUNT=6")
    book(seeded, "Trial", "2030-12-05 10:00")
    book(seeded, "Physics", "2030-12-04 09:00", mentor=seeded.bob)
    first = sync(seeded, radicale, "--all-mentors")
    assert {m: len(u) for m, u in sent(first).items()} == {seeded.ada: 2, seeded.bob: 1}
    for mentor in (seeded.ada, seeded.bob):
        shown, resources = on_server(radicale, "sessionsctl-" + mentor.replace("@", "-")
                                     .replace(".", "-"))
        assert shown == listed(seeded, mentor) and shown
        assert resources == len({uid for uid, *_ in shown})
    # Nothing changed: nothing is sent.
    again = sync(seeded, radicale, "--all-mentors")
    assert sent(again) == {seeded.ada: [], seeded.bob: []}
    assert all(m["unchanged"] for m in again["mentors"])


def test_a_move_a_cancel_and_a_new_series_arrive(seeded: Seeded, radicale: Radicale) -> None:
    book(seeded, "Algebra", "2030-12-03 16:00", "--repeat", "FREQ=WEEKLY;COUNT=6")
    trial = book(seeded, "Trial", "2030-12-05 10:00")
    sync(seeded, radicale, "--mentor", seeded.ada)
    calendar = "sessionsctl-ada-example-org"
    occurrence = next(j for j in seeded.run.json("session", "list", "--mentor", seeded.ada,
                                                     "--from", "2030-12-01", "--to", "2030-12-31")
                      if j["title"] == "Algebra" and j["start"].startswith("2030-12-17"))
    seeded.run.ok("session", "edit", str(occurrence["id"]), "--start", "2030-12-17 18:00",
                  "--duration", "60")
    seeded.run.ok("session", "cancel", str(trial), "--reason", "ill")
    book(seeded, "Chemistry", "2031-01-07 15:00", "--repeat", "FREQ=WEEKLY;COUNT=3")
    report = sync(seeded, radicale, "--mentor", "Ada Byron")
    assert len(sent(report)[seeded.ada]) == 3  # the series, the one-off, the new series
    shown, _ = on_server(radicale, calendar)
    assert shown == listed(seeded, seeded.ada)
    assert any(status == "CANCELLED" for *_, status in shown)
    assert any(start == datetime(2030, 12, 17, 18, tzinfo=UTC) for _, start, *_ in shown)


def test_the_server_down_loses_nothing_and_the_next_run_catches_up(
        seeded: Seeded, radicale: Radicale) -> None:
    book(seeded, "Algebra", "2030-12-03 16:00", "--repeat", "FREQ=WEEKLY;COUNT=4")
    sync(seeded, radicale, "--mentor", seeded.ada)
    radicale.stop()
    book(seeded, "Trial", "2030-12-05 10:00")
    down = seeded.run("sync", "caldav", "--url", radicale.url, "--mentor", seeded.ada,
                      env=ENV)
    assert down.exit_code == 1, down.output
    assert "not synced" in down.stderr and SECRET not in down.output
    radicale.start()
    caught_up = sync(seeded, radicale, "--mentor", seeded.ada)
    assert len(sent(caught_up)[seeded.ada]) == 1
    shown, _ = on_server(radicale, "sessionsctl-ada-example-org")
    assert shown == listed(seeded, seeded.ada)


def test_a_dry_run_contacts_no_server_and_records_nothing(seeded: Seeded,
                                                          tmp_path: Path) -> None:
    book(seeded, "Trial", "2030-12-05 10:00")
    url = f"http://127.0.0.1:{_free_port()}/"  # nothing listens there
    for _ in range(2):
        out = seeded.run.json("sync", "caldav", "--url", url, "--mentor", seeded.ada,
                              "--dry-run")
        assert len(out["mentors"][0]["sent"]) == 1 and out["dry_run"]


def test_a_password_file_others_can_read_is_refused(seeded: Seeded, tmp_path: Path) -> None:
    secret = tmp_path / "caldav-password"
    secret.write_text(SECRET)
    os.chmod(secret, 0o644)
    refused = seeded.run.fails(2, "sync", "caldav", "--url", "http://127.0.0.1:9/",
                               "--mentor", seeded.ada, "--password-file", str(secret))
    assert "chmod 600" in refused.stderr and SECRET not in refused.output


def test_one_of_mentor_or_all_mentors_is_needed(seeded: Seeded) -> None:
    for args in ((), ("--mentor", seeded.ada, "--all-mentors")):
        result = seeded.run.fails(2, "sync", "caldav", "--url", "http://127.0.0.1:9/", *args)
        assert "--all-mentors" in result.stderr


def test_without_the_caldav_package_the_command_says_how_to_install_it(
        seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    book(seeded, "Trial", "2030-12-05 10:00")
    monkeypatch.setitem(sys.modules, "caldav", None)  # `import caldav` raises ImportError
    result = seeded.run.fails(1, "sync", "caldav", "--url", "http://127.0.0.1:9/",
                              "--mentor", seeded.ada)
    assert "pip install 'sessionsctl[caldav]'" in result.stderr
    assert "Traceback" not in result.output + result.stderr
