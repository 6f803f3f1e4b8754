"""Benchmark CSV and iCalendar import/export: ``python -m benchmarks.exchange [--scale 100k]``.

Every figure is measured in a process of its own, started fresh with multiprocessing's
``spawn`` context, on copies of the shared generated centre (benchmarks/generate.py). Its
peak memory is that process's own high-water mark (``VmHWM`` of /proc/self/status, which a
new program image starts afresh; ``ru_maxrss`` elsewhere), not the parent's, however much
the parent used to generate the data:

* **export csv**: ``Exchange.export_csv`` of every session to a file (streamed).
* **import csv**: ``Exchange.import_csv`` of that file into a centre with the same people, rooms,
  subjects, availability and closures but no sessions: read, validate, resolve, conflict-check
  and write every row in one transaction. Floor: a raw SQLAlchemy Core bulk ``insert()`` of
  the same session rows and their student links (taken from the generated database) into the
  same empty centre, in one transaction. Goal: within 3x.
* **khal import**: ``khal import --batch`` of the same sessions as one-off .ics events, into a
  fresh khal calendar (khal from the ``bench`` extra: ``pip install -e '.[bench]'``). khal
  writes one file and one SQLite row set per event, so it is timed on a sample
  (``--khal-events``, or all of them with ``--khal-events 0``) and scaled linearly to the
  full count, as the table's note says; the goal is that our CSV import is at least 10x
  faster. Without khal the row says SKIPPED.
* **export ics**: ``Exchange.export_ics`` of every session (read, build the calendar, serialise).
  Floor: icalendar serialising the same calendar (``Calendar.to_ical`` of our file read
  back). Goal: within 1.5x.
* **import ics**: ``Exchange.import_ics`` of that file into the empty centre (parse, series
  expansion, conflict check, write). Shown beside icalendar parsing the same file
  (``Calendar.from_ical``), for scale; no time goal.
* **peak memory** of each process, goal under 300 MB.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
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
                   "sessions", "series", "audit_log", "enrolments")


def _rss_mb() -> float:
    """This process's peak resident memory in MB.

    ``VmHWM`` is the high-water mark of this program image: a process started by ``spawn``
    (fork + exec) begins it afresh. ``ru_maxrss`` is not enough on Linux: it keeps the
    parent's peak across fork and exec, so a worker would report the parent's memory."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / MB  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / MB


def _centre(db: str) -> Any:
    from sessionsctl.core.centre import Centre
    from sessionsctl.store import open_store

    now = gen.NOW
    return Centre(open_store(f"sqlite:///{db}"), clock=lambda: now)


# ------------------------------------------------------------------------ child processes
def child_export_csv(db: str, out: str) -> dict[str, Any]:
    from sessionsctl.core.domain.drafts import SessionQuery

    centre = _centre(db)
    start = time.perf_counter()
    with open(out, "w", encoding="utf-8", newline="") as sink:
        count = centre.exchange.export_csv(SessionQuery(), sink)
    return {"seconds": time.perf_counter() - start, "count": count}


def child_import_csv(db: str, src: str) -> dict[str, Any]:
    centre = _centre(db)
    start = time.perf_counter()
    with open(src, "rb") as stream:
        result = centre.exchange.import_csv(stream, src, default_tz=gen.TZ_NAME, as_new=True)
    return {"seconds": time.perf_counter() - start, "count": result.created}


def child_floor_insert(source_db: str, db: str) -> dict[str, Any]:
    """The same session rows and links, straight through Core ``insert()``."""
    from sqlalchemy import create_engine, insert, select

    from sessionsctl.store.schema import session_student_table, session_table

    src = create_engine(f"sqlite:///{source_db}")
    with src.connect() as conn:
        sessions = [dict(r._mapping) for r in conn.execute(select(session_table))]
        links = [dict(r._mapping) for r in conn.execute(select(session_student_table))]
    src.dispose()
    for row in sessions:
        row["series_id"] = None  # the target has no series rows
    engine = create_engine(f"sqlite:///{db}")
    start = time.perf_counter()
    with engine.begin() as conn:
        for i in range(0, len(sessions), 10_000):
            conn.execute(insert(session_table), sessions[i:i + 10_000])
        for i in range(0, len(links), 10_000):
            conn.execute(insert(session_student_table), links[i:i + 10_000])
    seconds = time.perf_counter() - start
    engine.dispose()
    return {"seconds": seconds, "count": len(sessions)}


def child_export_ics(db: str, out: str) -> dict[str, Any]:
    import icalendar

    from sessionsctl.core.domain.drafts import SessionQuery

    centre = _centre(db)
    start = time.perf_counter()
    with open(out, "wb") as sink:
        centre.exchange.export_ics(SessionQuery(), sink)
    seconds = time.perf_counter() - start
    rss = _rss_mb()
    cal = icalendar.Calendar.from_ical(Path(out).read_bytes())
    start = time.perf_counter()
    again = cal.to_ical()
    floor = time.perf_counter() - start
    return {"seconds": seconds, "floor": floor, "bytes": len(again), "rss_mb": rss,
            "events": sum(1 for _ in cal.walk("VEVENT"))}


def child_import_ics(db: str, src: str) -> dict[str, Any]:
    import icalendar

    centre = _centre(db)
    start = time.perf_counter()
    with open(src, "rb") as stream:
        result = centre.exchange.import_ics(stream, src, default_tz=gen.TZ_NAME)
    seconds = time.perf_counter() - start
    rss = _rss_mb()
    data = Path(src).read_bytes()
    start = time.perf_counter()
    icalendar.Calendar.from_ical(data)
    return {"seconds": seconds, "parse": time.perf_counter() - start, "rss_mb": rss,
            "count": result.created, "series": result.series}


def child_khal_sample(db: str, out: str, count: str) -> dict[str, Any]:
    """Write ``count`` sessions (0: all) as one-off events (the form khal imports them in)."""
    from sessionsctl.core.domain.drafts import SessionQuery
    from sessionsctl.core.exchange import ics

    centre = _centre(db)
    sessions = centre.sessions.find(SessionQuery(limit=int(count) or None))
    events = [ics.session_event(s.__class__(**{**{f: getattr(s, f) for f in s.__slots__},
                                             "series_id": None}))
              for s in sessions]
    Path(out).write_bytes(ics.to_bytes(ics.calendar(events)))
    return {"count": len(events)}


CHILDREN = {"export-csv": child_export_csv, "import-csv": child_import_csv,
            "floor-insert": child_floor_insert, "export-ics": child_export_ics,
            "import-ics": child_import_ics, "khal-sample": child_khal_sample}


def _in_child(name: str, args: tuple[str, ...]) -> dict[str, Any]:
    result = CHILDREN[name](*args)
    result.setdefault("rss_mb", _rss_mb())
    return result


def _child(name: str, *args: str) -> dict[str, Any]:
    """Run one figure in a fresh process (``spawn``: a new interpreter, nothing inherited
    but the arguments), so its time and peak memory are its own."""
    with multiprocessing.get_context("spawn").Pool(1, maxtasksperchild=1) as pool:
        return pool.apply(_in_child, (name, args))


# ---------------------------------------------------------------------------- the run
def _empty_centre(source: Path, target: Path) -> None:
    """A copy of the generated centre without its sessions (people, rooms, calendar kept)."""
    shutil.copyfile(source, target)
    conn = sqlite3.connect(target)
    try:
        with conn:
            for table in _SESSION_TABLES:
                try:
                    conn.execute(f"DELETE FROM {table}")
                except sqlite3.OperationalError:
                    pass  # a table this schema version does not have
        conn.execute("VACUUM")
    finally:
        # Closed here, not when collected: the last connection to close folds the
        # write-ahead log into the file, so a copy of the file taken next holds the deletes.
        conn.close()


def _khal_command() -> str | None:
    return shutil.which("khal", path=str(Path(sys.executable).parent)) or shutil.which("khal")


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
    khal = _khal_command()
    assert khal is not None
    start = time.perf_counter()
    done = subprocess.run([khal, "-c", str(config), "import", "--batch", "-a", "bench",
                           str(sample)], check=False, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"khal import failed: {done.stderr[-2000:]}")
    return seconds


def _row(figure: str, seconds: float | None, floor: float | None, goal: float | None,
         rss_mb: float | None, note: str, *, floor_name: str = "floor",
         skipped: bool = False) -> dict[str, Any]:
    return {"figure": figure, "seconds": seconds, "floor": floor, "goal": goal,
            "rss_mb": rss_mb, "note": note, "floor_name": floor_name, "skipped": skipped}


def run(scale: int, khal_events: int, seed: int,
        only: frozenset[str] = frozenset(("csv", "khal", "ics")),
        data_dir: Path = gen.DATA_DIR) -> list[dict[str, Any]]:
    source, _summary, _cached = gen.dataset(scale, seed, data_dir)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-exchange-") as tmp:
        work = Path(tmp)
        full = work / "full.db"
        shutil.copyfile(source, full)
        empty = work / "empty.db"
        _empty_centre(full, empty)

        if "ics" in only:
            rows.extend(_ics_rows(full, empty, work))
        if not {"csv", "khal"} & only:
            return rows
        csv_file = work / "all.csv"
        exported = _child("export-csv", str(full), str(csv_file))
        rows.append(_row("export csv", exported["seconds"], None, None, exported["rss_mb"],
                         f"{exported['count']} rows"))

        target = work / "import.db"
        shutil.copyfile(empty, target)
        imported = _child("import-csv", str(target), str(csv_file))
        floor_db = work / "floor.db"
        shutil.copyfile(empty, floor_db)
        floor = _child("floor-insert", str(full), str(floor_db))
        rows.append(_row("import csv vs Core bulk insert", imported["seconds"],
                         floor["seconds"], 3.0, imported["rss_mb"],
                         f"{imported['count']} sessions; floor peak "
                         f"{floor['rss_mb']:.0f} MB"))

        if "khal" not in only:
            return rows
        if _khal_command() is None:
            rows.append(_row("khal import / ours", None, None, 0.1, None,
                             "khal is not installed: pip install -e '.[bench]'",
                             skipped=True))
            return rows
        sample = work / "sample.ics"
        made = _child("khal-sample", str(full), str(sample), str(khal_events))
        khal_seconds = _khal(sample, work)
        scaled = khal_seconds * imported["count"] / made["count"]
        how = ("all of them" if made["count"] >= imported["count"] else
               f"a sample of {made['count']} events, scaled linearly x"
               f"{imported['count'] / made['count']:.0f}")
        rows.append(_row("import csv / khal import (same events as .ics)",
                         imported["seconds"], scaled, 0.1, None,
                         f"khal took {khal_seconds:.1f} s on {how} = {scaled:.0f} s",
                         floor_name="khal"))
    return rows


def _ics_rows(full: Path, empty: Path, work: Path) -> list[dict[str, Any]]:
    out = work / "all.ics"
    ics = _child("export-ics", str(full), str(out))
    target = work / "import-ics.db"
    shutil.copyfile(empty, target)
    back = _child("import-ics", str(target), str(out))
    return [_row("export ics vs icalendar to_ical", ics["seconds"], ics["floor"], 1.5,
                 ics["rss_mb"], f"{ics['events']} VEVENTs, {ics['bytes'] // 1024} KiB"),
            _row("import ics (icalendar from_ical shown)", back["seconds"], back["parse"],
                 None, back["rss_mb"], f"{back['count']} sessions, {back['series']} series; "
                 "no time goal", floor_name="parse")]


def _result(r: dict[str, Any]) -> str:
    if r.get("skipped"):
        return "[yellow]SKIPPED[/]"
    if r["seconds"] is None:
        return "[red]ERROR[/]"
    ratio = r["seconds"] / r["floor"] if r["floor"] else None
    ok_time = r["goal"] is None or (ratio is not None and ratio <= r["goal"])
    ok_mem = r["rss_mb"] is None or r["rss_mb"] < 300
    return "[green]PASS[/]" if ok_time and ok_mem else "[red]FAIL[/]"


def _table(rows: list[dict[str, Any]], scale: int) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"sessionsctl exchange at {gen.scale_name(scale)} sessions (SQLite)",
                  title_justify="left")
    for column in ("figure", "ours s", "floor s", "ratio", "goal", "peak MB", "result", "note"):
        table.add_column(column)
    for r in rows:
        ratio = r["seconds"] / r["floor"] if r["seconds"] and r["floor"] else None
        table.add_row(
            r["figure"], f"{r['seconds']:.2f}" if r["seconds"] else "-",
            f"{r['floor']:.2f}" if r["floor"] else "-", f"{ratio:.2f}x" if ratio else "-",
            f"<= {r['goal']}x" if r["goal"] else "-",
            f"{r['rss_mb']:.0f}" if r["rss_mb"] else "-", _result(r), r["note"])
    Console(width=160).print(table)
    Console(width=160).print(
        "Peak memory: each figure's own process (spawned fresh; VmHWM), goal under 300 MB. "
        "khal row: ours / khal's time, goal <= 0.1 (at least 10x faster).", style="dim")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.exchange",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default=None,
                        help="sessions in the generated centre (default 100k; 10k with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke run: 10k sessions (unless --scale), a small khal sample")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--khal-events", type=int, default=2000,
                        help="events khal imports, scaled to the full count (0: all)")
    parser.add_argument("--data-dir", type=Path, default=gen.DATA_DIR,
                        help="where generated centres are cached")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--only", default="csv,khal,ics",
                        help="which parts to run (comma-separated: csv, khal, ics)")
    args = parser.parse_args(argv)
    scale = gen.parse_scale(args.scale or ("10k" if args.quick else "100k"))
    khal_events = min(args.khal_events or 200, 200) if args.quick else args.khal_events
    rows = run(scale, khal_events, args.seed, frozenset(args.only.split(",")), args.data_dir)
    _table(rows, scale)
    if args.json:
        args.json.write_text(json.dumps({"scale": scale, "at": datetime.now(UTC).isoformat(),
                                         "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
