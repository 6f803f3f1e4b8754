"""Benchmark CSV and iCalendar import/export: ``python -m benchmarks.exchange [--scale 100k]``.

Every figure is measured in a child process of its own (so its peak memory, ``ru_maxrss``,
is its own), on copies of the shared generated centre (benchmarks/generate.py):

* **export csv**: ``Centre.export_csv`` of every session to a file (streamed).
* **import csv**: ``Centre.import_csv`` of that file into a centre with the same people, rooms,
  subjects, availability and closures but no sessions: read, validate, resolve, conflict-check
  and write every row in one transaction. Floor: a raw SQLAlchemy Core bulk ``insert()`` of
  the same session rows and their student links (taken from the generated database) into the
  same empty centre, in one transaction. Goal: within 3x.
* **khal import**: ``khal import --batch`` of the same sessions as one-off .ics events, into a
  fresh khal calendar. khal writes one file and one SQLite row set per event, so it is run
  on a sample (``--khal-events``) and scaled linearly to the full count; the goal is that our
  CSV import is at least 10x faster.
* **export ics**: ``Centre.export_ics`` of every session (read, build the calendar, serialise).
  Floor: icalendar serialising the same calendar (``Calendar.to_ical`` of our file read
  back). Goal: within 1.5x.
* **peak memory** of each child, goal under 300 MB.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import generate as gen

MB = 1024  # ru_maxrss is in KiB on Linux
_SESSION_TABLES = ("attendance", "feedback", "materials", "outbox", "session_students",
                   "sessions", "series", "audit_log", "enrollments")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / MB


def _centre(db: str) -> Any:
    from sessionsctl.core.usecases import Centre
    from sessionsctl.store import open_store

    now = gen.NOW
    return Centre(open_store(f"sqlite:///{db}"), clock=lambda: now)


# ------------------------------------------------------------------------ child processes
def child_export_csv(db: str, out: str) -> dict[str, Any]:
    from sessionsctl.core.ports import SessionQuery

    centre = _centre(db)
    start = time.perf_counter()
    with open(out, "w", encoding="utf-8", newline="") as sink:
        count = centre.export_csv(SessionQuery(), sink)
    return {"seconds": time.perf_counter() - start, "count": count}


def child_import_csv(db: str, src: str) -> dict[str, Any]:
    centre = _centre(db)
    start = time.perf_counter()
    with open(src, "rb") as stream:
        result = centre.import_csv(stream, src, default_tz=gen.TZ_NAME)
    return {"seconds": time.perf_counter() - start, "count": result.created}


def child_floor_insert(source_db: str, db: str) -> dict[str, Any]:
    """The same session rows and links, straight through Core ``insert()``."""
    from sqlalchemy import create_engine, insert, select

    from sessionsctl.store.schema import SessionRow, SessionStudentRow

    src = create_engine(f"sqlite:///{source_db}")
    with src.connect() as conn:
        sessions = [dict(r._mapping) for r in conn.execute(select(SessionRow.__table__))]
        links = [dict(r._mapping) for r in conn.execute(select(SessionStudentRow.__table__))]
    src.dispose()
    for row in sessions:
        row["series_id"] = None  # the target has no series rows
    engine = create_engine(f"sqlite:///{db}")
    start = time.perf_counter()
    with engine.begin() as conn:
        for i in range(0, len(sessions), 10_000):
            conn.execute(insert(SessionRow), sessions[i:i + 10_000])
        for i in range(0, len(links), 10_000):
            conn.execute(insert(SessionStudentRow), links[i:i + 10_000])
    seconds = time.perf_counter() - start
    engine.dispose()
    return {"seconds": seconds, "count": len(sessions)}


def child_export_ics(db: str, out: str) -> dict[str, Any]:
    import icalendar

    from sessionsctl.core.ports import SessionQuery

    centre = _centre(db)
    start = time.perf_counter()
    with open(out, "wb") as sink:
        centre.export_ics(SessionQuery(), sink)
    seconds = time.perf_counter() - start
    rss = _rss_mb()
    cal = icalendar.Calendar.from_ical(Path(out).read_bytes())
    start = time.perf_counter()
    again = cal.to_ical()
    floor = time.perf_counter() - start
    return {"seconds": seconds, "floor": floor, "bytes": len(again), "rss_mb": rss,
            "events": sum(1 for _ in cal.walk("VEVENT"))}


def child_khal_sample(db: str, out: str, count: int) -> dict[str, Any]:
    """Write ``count`` sessions as one-off events (the form khal imports them in)."""
    from sessionsctl.core import ics
    from sessionsctl.core.ports import SessionQuery

    centre = _centre(db)
    sessions = centre.list_sessions(SessionQuery(limit=count))
    events = [ics.session_event(s.__class__(**{**{f: getattr(s, f) for f in s.__slots__},
                                             "series_id": None}))
              for s in sessions]
    Path(out).write_bytes(ics.to_bytes(ics.calendar(events)))
    return {"count": len(events)}


CHILDREN = {"export-csv": child_export_csv, "import-csv": child_import_csv,
            "floor-insert": child_floor_insert, "export-ics": child_export_ics,
            "khal-sample": child_khal_sample}


def _child(name: str, *args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "benchmarks.exchange", "--child", name, *args],
                          check=False, capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent)
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------- the run
def _empty_centre(source: Path, target: Path) -> None:
    """A copy of the generated centre without its sessions (people, rooms, calendar kept)."""
    shutil.copyfile(source, target)
    with sqlite3.connect(target) as conn:
        for table in _SESSION_TABLES:
            try:
                conn.execute(f"DELETE FROM {table}")
            except sqlite3.OperationalError:
                pass  # a table this schema version does not have
    sqlite3.connect(target).execute("VACUUM").connection.close()


def _khal(sample: Path, work: Path) -> float:
    cal = work / "khal-cal"
    cal.mkdir()
    config = work / "khal.conf"
    config.write_text(f"""[calendars]
[[bench]]
path = {cal}
type = calendar
[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
default_timezone = {gen.TZ_NAME}
local_timezone = {gen.TZ_NAME}
[sqlite]
path = {work / 'khal.db'}
""")
    khal = shutil.which("khal", path=str(Path(sys.executable).parent)) or shutil.which("khal")
    if khal is None:
        raise RuntimeError("khal is not installed (pip install '.[bench]')")
    start = time.perf_counter()
    done = subprocess.run([khal, "-c", str(config), "import", "--batch", "-a", "bench",
                           str(sample)], check=False, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"khal import failed: {done.stderr[-2000:]}")
    return seconds


def run(scale: int, khal_events: int, seed: int,
        only: frozenset[str] = frozenset(("csv", "khal", "ics"))) -> list[dict[str, Any]]:
    source, _summary, _cached = gen.dataset(scale, seed)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-exchange-") as tmp:
        work = Path(tmp)
        full = work / "full.db"
        shutil.copyfile(source, full)
        empty = work / "empty.db"
        _empty_centre(full, empty)

        if "ics" in only:
            rows.extend(_ics_rows(full, work))
        if not {"csv", "khal"} & only:
            return rows
        csv_file = work / "all.csv"
        exported = _child("export-csv", str(full), str(csv_file))
        rows.append({"figure": "export csv", "seconds": exported["seconds"], "floor": None,
                     "goal": None, "rss_mb": exported["rss_mb"],
                     "note": f"{exported['count']} rows"})

        target = work / "import.db"
        shutil.copyfile(empty, target)
        imported = _child("import-csv", str(target), str(csv_file))
        floor_db = work / "floor.db"
        shutil.copyfile(empty, floor_db)
        floor = _child("floor-insert", str(full), str(floor_db))
        rows.append({"figure": "import csv vs Core bulk insert", "seconds": imported["seconds"],
                     "floor": floor["seconds"], "goal": 3.0, "rss_mb": imported["rss_mb"],
                     "note": f"{imported['count']} sessions"})

        if "khal" not in only:
            return rows
        sample = work / "sample.ics"
        made = _child("khal-sample", str(full), str(sample), str(khal_events))
        try:
            khal_seconds = _khal(sample, work) * imported["count"] / made["count"]
            rows.append({"figure": "khal import (same events as .ics) / ours",
                         "seconds": imported["seconds"], "floor": khal_seconds,
                         "goal": 0.1, "rss_mb": None,
                         "note": f"khal timed on {made['count']} events, scaled linearly"})
        except RuntimeError as exc:
            rows.append({"figure": "khal import", "seconds": None, "floor": None,
                         "goal": None, "rss_mb": None, "note": str(exc)[:200]})
    return rows


def _ics_rows(full: Path, work: Path) -> list[dict[str, Any]]:
    ics = _child("export-ics", str(full), str(work / "all.ics"))
    return [{"figure": "export ics vs icalendar to_ical", "seconds": ics["seconds"],
             "floor": ics["floor"], "goal": 1.5, "rss_mb": ics["rss_mb"],
             "note": f"{ics['events']} VEVENTs, {ics['bytes'] // 1024} KiB"}]


def _table(rows: list[dict[str, Any]], scale: int) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"sessionsctl exchange at {gen.scale_name(scale)} sessions (SQLite)",
                  title_justify="left")
    for column in ("figure", "ours s", "floor s", "ratio", "goal", "peak MB", "result", "note"):
        table.add_column(column)
    for r in rows:
        ratio = r["seconds"] / r["floor"] if r["seconds"] and r["floor"] else None
        ok_time = ratio is None or r["goal"] is None or ratio <= r["goal"]
        ok_mem = r["rss_mb"] is None or r["rss_mb"] < 300
        table.add_row(
            r["figure"], f"{r['seconds']:.2f}" if r["seconds"] else "-",
            f"{r['floor']:.2f}" if r["floor"] else "-", f"{ratio:.2f}x" if ratio else "-",
            f"<= {r['goal']}x" if r["goal"] else "-",
            f"{r['rss_mb']:.0f}" if r["rss_mb"] else "-",
            "[green]PASS[/]" if ok_time and ok_mem else "[red]FAIL[/]", r["note"])
    Console().print(table)
    Console().print("Peak memory goal: under 300 MB per direction (ru_maxrss of each child). "
                    "khal row: ours / khal's time, goal <= 0.1 (at least 10x faster).",
                    style="dim")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.exchange",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="100k", help="sessions in the generated centre")
    parser.add_argument("--quick", action="store_true", help="a 10k smoke run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--khal-events", type=int, default=2000,
                        help="events khal imports (scaled to the full count)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--only", default="csv,khal,ics",
                        help="which parts to run (comma-separated: csv, khal, ics)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        name, *rest = args.child
        fn = CHILDREN[name]
        result = fn(*rest[:-1], int(rest[-1])) if name == "khal-sample" else fn(*rest)
        result.setdefault("rss_mb", _rss_mb())
        print(json.dumps(result))
        return 0
    scale = gen.parse_scale("10k" if args.quick else args.scale)
    rows = run(scale, min(args.khal_events, 500) if args.quick else args.khal_events, args.seed,
               frozenset(args.only.split(",")))
    _table(rows, scale)
    if args.json:
        args.json.write_text(json.dumps({"scale": scale, "at": datetime.now(UTC).isoformat(),
                                         "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

