"""Run the benchmarks and print each figure beside its floor: ``python -m benchmarks.run``.

``python -m benchmarks.run [--scales 10k,100k,1m] [--quick] [--json out.json] [--seed 1]``

Each scale starts from a copy of the cached generated centre (benchmarks/generate.py), so the
cache stays pristine and every run sees the same data. The figures, on SQLite, timed with
``time.perf_counter_ns`` per call (median and p95; the CPU median, from
``time.process_time_ns``, tells a busy machine from a slow path):

* **book**: ``Sessions.book`` of an individual lesson (mentor, one student, a study room) at a
  free slot next to the mentor's other lessons: validate, resolve, check, insert, reload,
  audit, commit. Every call books a different free slot. Floor: the same row and its student
  link written with a raw Core ``INSERT ... RETURNING`` in a ``BEGIN IMMEDIATE`` transaction,
  committed.
* **check**: ``Centre.check`` of one free slot with busy neighbours (the mentor teaches in the
  cell before or after). Floor: the same overlap search over sorted in-memory lists (bisect
  over each mentor's, student's and room's intervals). The mentor load is the same at every
  scale, so growth across scales is the cost of n itself: log n for range scans of an index,
  n for anything that scans a table.
* **series**: ``SeriesBook.create`` of a weekly lesson, ``COUNT=52``, in a slot free all
  year, run through a store whose units always roll back. That is the engine's real series
  path (expand, closures, resolve, 52 conflict checks, batch clashes, insert, reload, audit)
  without the commit, and it leaves no trace, so every repetition sees the same data.
  (The one or two Christmas weeks fall out as closures, as they would for a user.) Floor: one
  raw indexed query per occurrence, each a ``UNION ALL`` of the mentor, room and student range
  scans the engine needs.
* **list**: ``Sessions.find`` of one month (October 2026). Floor: the raw Core select of
  the same session rows through the ``start_at`` index (no joins, no students, no objects),
  read as the driver returns them (no column type's processing of each value).

Goals (the issue's, at 100k sessions): book < 5 ms, series < 50 ms, list < 50 ms median; the
check's growth from one scale to the next well below linear (reported as a factor beside
what log n and n would predict; it passes when the CPU median grows under 2x per 10x of
sessions: CPU, because load on a shared machine inflates wall times unevenly between scales).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import math
import os
import platform
import pstats
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
import uuid
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall_time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, insert, select, union_all

from sessionsctl.core.centre import Centre
from sessionsctl.core.domain.drafts import SessionDraft, SessionQuery
from sessionsctl.core.domain.rules import MAX_SESSION_LENGTH
from sessionsctl.core.domain.timeutil import localize
from sessionsctl.store import open_store
from sessionsctl.store.engine import SqlStore
from sessionsctl.store.schema import (
    person_table,
    room_table,
    session_student_table,
    session_table,
    subject_table,
)
from sessionsctl.store.unit import SqlUnit

from . import generate as gen

GOAL_SCALE = 100_000
GOALS_MS = {"book": 5.0, "series": 50.0, "list": 50.0}
GROWTH_LIMIT = 2.0  # per 10x sessions: log n predicts ~1.25x, n predicts 10x
LESSON = timedelta(minutes=60)
SUBJECT = "Mathematics"
MONTH = (date(2026, 10, 1), date(2026, 11, 1))
SESSIONS = session_table
LINKS = session_student_table


@dataclass(frozen=True)
class Plan:
    """How many timed calls (and warm-up calls) each benchmark makes, and its time budget."""

    check: int
    book: int
    series: int
    list: int
    floor_check: int
    warmup: int
    budget_s: float


FULL = Plan(check=1000, book=200, series=30, list=30, floor_check=3000, warmup=5, budget_s=60)
QUICK = Plan(check=20, book=10, series=3, list=3, floor_check=200, warmup=1, budget_s=10)


@dataclass
class Timing:
    runs: int
    median_ms: float
    p95_ms: float
    cpu_median_ms: float


@dataclass
class Result:
    scale: int
    name: str
    what: str
    timing: Timing
    floor_what: str
    floor: Timing
    queries: int  # SQL statements one call issues
    floor_queries: int
    goal_ms: float | None
    detail: str = ""  # shown beside the name, e.g. how many rows a listing read

    @property
    def ratio(self) -> float:
        return self.timing.median_ms / self.floor.median_ms if self.floor.median_ms else math.inf

    @property
    def passed(self) -> bool | None:
        if self.goal_ms is None:
            return None
        return self.timing.median_ms < self.goal_ms

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ratio": round(self.ratio, 2), "passed": self.passed,
                "goal_applies": self.scale == GOAL_SCALE}


# ------------------------------------------------------------------------------ timing
def _p95(values: list[int]) -> int:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def measure(call: Callable[[int], object], reps: int, warmup: int, budget_s: float) -> Timing:
    """Time ``call(i)`` for distinct ``i`` (warm-up calls first, untimed); stop early, after at
    least five timed calls, once ``budget_s`` is spent."""
    for i in range(warmup):
        call(i)
    gc.collect()
    walls: list[int] = []
    cpus: list[int] = []
    deadline = time.perf_counter_ns() + int(budget_s * 1e9)
    for i in range(warmup, warmup + reps):
        c0 = time.process_time_ns()
        t0 = time.perf_counter_ns()
        call(i)
        t1 = time.perf_counter_ns()
        c1 = time.process_time_ns()
        walls.append(t1 - t0)
        cpus.append(c1 - c0)
        if len(walls) >= 5 and t1 > deadline:
            break
    return Timing(len(walls), statistics.median(walls) / 1e6, _p95(walls) / 1e6,
                  statistics.median(cpus) / 1e6)


class QueryCounter:
    """Counts the SQL statements an engine sends while ``counting`` is on."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self.on = False
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: object) -> None:
        if self.on:
            self.count += 1

    def of(self, call: Callable[[], object]) -> int:
        self.count, self.on = 0, True
        try:
            call()
        finally:
            self.on = False
        return self.count


# ----------------------------------------------------------------- the in-memory floor
class Busy:
    """Every live session's interval, per person (id) and per room (-id), sorted by start:
    the overlap search of ``SqlSessions.overlapping`` (``uow.sessions``) done with bisect over
    lists."""

    def __init__(self) -> None:
        self.starts: dict[int, list[datetime]] = {}
        self.ends: dict[int, list[datetime]] = {}

    def add(self, key: int, start: datetime, end: datetime) -> None:
        starts = self.starts.setdefault(key, [])
        ends = self.ends.setdefault(key, [])
        if not starts or start >= starts[-1]:
            starts.append(start)
            ends.append(end)
        else:
            i = bisect_right(starts, start)
            starts.insert(i, start)
            ends.insert(i, end)

    def overlapping(self, key: int, start: datetime, end: datetime) -> int:
        """How many intervals of ``key`` overlap ``[start, end)``."""
        starts = self.starts.get(key)
        if not starts:
            return 0
        hi = bisect_left(starts, end)
        lo = bisect_right(starts, start - MAX_SESSION_LENGTH)
        ends = self.ends[key]
        return sum(1 for i in range(lo, hi) if ends[i] > start)

    def free(self, keys: tuple[int, ...], start: datetime, end: datetime) -> bool:
        return not any(self.overlapping(k, start, end) for k in keys)

    @classmethod
    def load(cls, engine: Engine) -> Busy:
        busy = cls()
        with engine.connect() as conn:
            for mentor, room, start, end in conn.execute(
                    select(session_table.c.mentor_id, session_table.c.room_id, session_table.c.start_at,
                           session_table.c.end_at)
                    .where(session_table.c.status != "cancelled").order_by(session_table.c.start_at)):
                busy.add(mentor, start, end)
                if room is not None:
                    busy.add(-room, start, end)
            for student, start, end in conn.execute(
                    select(session_student_table.c.student_id, session_student_table.c.start_at,
                           session_student_table.c.end_at)
                    .where(session_student_table.c.cancelled.is_(False))
                    .order_by(session_student_table.c.start_at)):
                busy.add(student, start, end)
        return busy


# --------------------------------------------------------------------------- the centre
@dataclass
class Probe:
    """A lesson to book or check: ids for the floors, names for the use cases."""

    mentor: int
    student: int
    room: int | None
    start: datetime
    draft: SessionDraft
    keys: tuple[int, ...]  # the Busy keys it holds: mentor, student, -room


class World:
    """What the probes are chosen from: the people, rooms and intervals of one database."""

    def __init__(self, engine: Engine, seed: int) -> None:
        self.rng = random.Random(seed)
        with engine.connect() as conn:
            people = conn.execute(select(person_table.c.id, person_table.c.email, person_table.c.role)
                                  .order_by(person_table.c.id)).all()
            rooms = conn.execute(select(room_table.c.id, room_table.c.name, room_table.c.capacity)
                                 .order_by(room_table.c.id)).all()
            self.subject_id = conn.execute(select(subject_table.c.id)
                                           .where(subject_table.c.name == SUBJECT)).scalar_one()
        self.email = {p.id: p.email for p in people}
        self.mentors = [p.id for p in people if p.role == "mentor"]
        self.students = [p.id for p in people if p.role == "student"]
        self.rooms = {r.id: r.name for r in rooms}
        self.study_rooms = [r.id for r in rooms if r.capacity == 2]
        self.larger_rooms = [r.id for r in sorted(rooms, key=lambda r: (r.capacity or 0, r.id))
                             if r.capacity != 2]
        self.rng.shuffle(self.mentors)
        self.rng.shuffle(self.students)
        self.busy = Busy.load(engine)
        self._cursor = {m: 0 for m in self.mentors}
        self._student_at = 0

    def _student(self, slots: list[tuple[datetime, datetime]]) -> int | None:
        for k in range(len(self.students)):
            s = self.students[(self._student_at + k) % len(self.students)]
            if all(self.busy.free((s,), a, b) for a, b in slots):
                self._student_at += k + 1
                return s
        return None

    def _room(self, slots: list[tuple[datetime, datetime]]) -> int | None:
        """A room free in every slot: a study room, the least used (last) first, else the
        smallest free larger room; None if every room is taken."""
        for r in [*reversed(self.study_rooms), *self.larger_rooms]:
            if all(self.busy.free((-r,), a, b) for a, b in slots):
                return r
        return None

    def _probe(self, mentor: int, student: int, room: int | None, start: datetime,
               title: str) -> Probe:
        draft = SessionDraft(
            title=title, mentor=self.email[mentor], start=start, end=start + LESSON,
            tz=gen.TZ_NAME, students=(self.email[student],),
            room=self.rooms[room] if room is not None else None, subject=SUBJECT)
        keys = (mentor, student, *((-room,) if room is not None else ()))
        return Probe(mentor, student, room, start, draft, keys)

    def _future_cells(self, mentor: int) -> Iterator[tuple[int, int]]:
        """(week, cell) pairs from the anchor week on, walked from this mentor's cursor."""
        first = gen.WEEKS // 2
        cells = len(gen.GRID)
        total = (gen.WEEKS - first) * cells
        while self._cursor[mentor] < total:
            i = self._cursor[mentor]
            self._cursor[mentor] += 1
            yield first + i // cells, i % cells

    def slot(self, mentor_index: int, *, neighbour: bool, take: bool,
             title: str = "Benchmark lesson") -> Probe:
        """A free one-hour lesson for a mentor (taken in turn), next to their lessons when
        ``neighbour``; ``take`` marks it busy (it is about to be booked)."""
        for k in range(len(self.mentors)):
            mentor = self.mentors[(mentor_index + k) % len(self.mentors)]
            for week, cell in self._future_cells(mentor):
                if gen.CLOSED[week]:
                    continue
                start = gen._SLOTS[week][cell]
                end = start + LESSON
                if not self.busy.free((mentor,), start, end):
                    continue
                if neighbour and not (self.busy.overlapping(mentor, start - LESSON, start)
                                      or self.busy.overlapping(mentor, end, end + LESSON)):
                    continue
                student = self._student([(start, end)])
                room = self._room([(start, end)])
                if student is None or room is None:
                    continue
                probe = self._probe(mentor, student, room, start, title)
                if take:
                    for key in probe.keys:
                        self.busy.add(key, start, end)
                return probe
        raise RuntimeError("no free slot left in the generated centre for a benchmark lesson")

    def series_slot(self, mentor_index: int) -> tuple[Probe, list[datetime]]:
        """A weekly lesson free for 52 weeks from the anchor week (closures aside), in a room
        if any mentor has such a cell with a room free all year too (online if none has)."""
        first = gen.WEEKS // 2
        for need_room in (True, False):
            for k in range(len(self.mentors)):
                mentor = self.mentors[(mentor_index + k) % len(self.mentors)]
                for cell in self.rng.sample(range(len(gen.GRID)), len(gen.GRID)):
                    starts = [localize(gen._wall(first, cell) + timedelta(weeks=w), gen.TZ)
                              for w in range(52) if not gen.CLOSED[first + w]]
                    slots = [(s, s + LESSON) for s in starts]
                    if not all(self.busy.free((mentor,), a, b) for a, b in slots):
                        continue
                    room = self._room(slots)
                    if need_room and room is None:
                        continue
                    student = self._student(slots)
                    if student is None:
                        continue
                    return self._probe(mentor, student, room, starts[0],
                                       "Benchmark weekly lesson"), starts
        raise RuntimeError("no mentor of the generated centre is free in one cell all year")


class RollbackStore:
    """The store with every unit of work rolled back instead of committed."""

    def __init__(self, store: SqlStore) -> None:
        self.url = store.url
        self.unbound: str | None = None
        self._read = store.engine
        self._write = store.engine.execution_options(sqlite_immediate=True)

    @contextmanager
    def unit(self, actor: str | None = None, *, write: bool = False) -> Iterator[SqlUnit]:
        with (self._write if write else self._read).connect() as connection:
            connection.begin()
            try:
                yield SqlUnit(connection, actor, "bench")
            finally:
                connection.rollback()

    def close(self) -> None:
        pass


def _overlap_query(mentor: int, student: int, room: int | None, start: datetime,
                   end: datetime):  # -> CompoundSelect
    low = start - MAX_SESSION_LENGTH
    parts = [
        select(SESSIONS.c.id).where(SESSIONS.c.mentor_id == mentor, SESSIONS.c.start_at < end,
                                    SESSIONS.c.start_at > low, SESSIONS.c.end_at > start,
                                    SESSIONS.c.status != "cancelled"),
        select(LINKS.c.session_id).where(LINKS.c.student_id == student, LINKS.c.start_at < end,
                                         LINKS.c.start_at > low, LINKS.c.end_at > start,
                                         LINKS.c.cancelled.is_(False)),
    ]
    if room is not None:
        parts.append(select(SESSIONS.c.id).where(
            SESSIONS.c.room_id == room, SESSIONS.c.start_at < end, SESSIONS.c.start_at > low,
            SESSIONS.c.end_at > start, SESSIONS.c.status != "cancelled"))
    return union_all(*parts)


def _session_values(world: World, probe: Probe) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "uid": f"{uuid.uuid4()}@sessionsctl", "series_id": None, "recurrence_id": None,
        "title": probe.draft.title, "description": None, "mentor_id": probe.mentor,
        "subject_id": world.subject_id, "room_id": probe.room, "batch_id": None,
        "type": "individual", "status": "scheduled", "start_at": probe.start,
        "end_at": probe.start + LESSON, "tz": gen.TZ_NAME, "location": None,
        "meeting_link": None, "meeting_id": None, "meeting_passcode": None,
        "max_participants": None, "notes": None, "cost": None, "payment_status": "unpaid",
        "cancel_reason": None, "force_reason": None, "sequence": 0, "created_by_id": None,
        "created_at": now, "modified_by_id": None, "modified_at": now,
    }


# ------------------------------------------------------------------------- benchmarks
class Bench:
    """The four benchmarks against one working copy of one generated centre."""

    def __init__(self, scale: int, url: str, plan: Plan, seed: int) -> None:
        self.scale = scale
        self.plan = plan
        self.store = open_store(url)
        self.engine = self.store.engine
        self.centre = Centre(self.store)
        self.counter = QueryCounter(self.engine)
        loaded = time.perf_counter()
        self.world = World(self.engine, seed)
        self.load_seconds = time.perf_counter() - loaded

    def close(self) -> None:
        self.store.close()

    def check(self) -> Result:
        plan, world = self.plan, self.world
        probes = [world.slot(i, neighbour=True, take=False)
                  for i in range(min(64, 4 * len(world.mentors)))]
        found = self.centre.sessions.check(probes[0].draft)
        if found:
            raise RuntimeError(f"benchmark slot is not free: {found}")
        timing = measure(lambda i: self.centre.sessions.check(probes[i % len(probes)].draft),
                         plan.check, plan.warmup, plan.budget_s)
        busy = world.busy

        def floor(i: int) -> bool:
            p = probes[i % len(probes)]
            return busy.free(p.keys, p.start, p.start + LESSON)

        floor_timing = measure(floor, plan.floor_check, plan.warmup, plan.budget_s)
        queries = self.counter.of(lambda: self.centre.sessions.check(probes[0].draft))
        return Result(self.scale, "check", "Centre.check of one free slot with busy neighbours",
                      timing, "the same overlap search: bisect over sorted in-memory lists",
                      floor_timing, queries, 0, None)

    def book(self) -> Result:
        plan, world = self.plan, self.world
        n = plan.book + plan.warmup + 1
        probes = [world.slot(i, neighbour=True, take=True) for i in range(n)]
        floors = [world.slot(i, neighbour=True, take=True, title="Floor lesson")
                  for i in range(n)]
        queries = self.counter.of(lambda: self.centre.sessions.book(probes[-1].draft, past=True))
        timing = measure(lambda i: self.centre.sessions.book(probes[i].draft, past=True),
                         plan.book, plan.warmup, plan.budget_s)
        writer = self.engine.execution_options(sqlite_immediate=True)

        def floor(i: int) -> None:
            p = floors[i]
            with writer.begin() as conn:
                sid = conn.execute(insert(SESSIONS).returning(SESSIONS.c.id),
                                   _session_values(world, p)).scalar_one()
                conn.execute(insert(LINKS), [{
                    "session_id": sid, "student_id": p.student, "start_at": p.start,
                    "end_at": p.start + LESSON, "cancelled": False, "forced": False}])

        floor_queries = self.counter.of(lambda: floor(n - 1))
        floor_timing = measure(floor, plan.book, plan.warmup, plan.budget_s)
        return Result(self.scale, "book", "Sessions.book at a free slot (check + write + commit)",
                      timing, "raw Core INSERT .. RETURNING of the row + its student link, commit",
                      floor_timing, queries,
                      floor_queries, GOALS_MS["book"])

    def series(self) -> Result:
        plan, world = self.plan, self.world
        picks = [world.series_slot(i) for i in range(min(8, len(world.mentors)))]
        engine_centre = Centre(RollbackStore(self.store))  # type: ignore[arg-type]
        rule = "FREQ=WEEKLY;COUNT=52"

        def run(i: int) -> None:
            probe, starts = picks[i % len(picks)]
            result = engine_centre.series.create(probe.draft, rule, past=True)
            if result.conflicts or len(result.booked) != len(starts):
                raise RuntimeError(f"series benchmark met {len(result.conflicts)} conflicts, "
                                   f"booked {len(result.booked)} of {len(starts)}")

        queries = self.counter.of(lambda: run(0))
        timing = measure(run, plan.series, plan.warmup, plan.budget_s)
        prepared = [[_overlap_query(p.mentor, p.student, p.room, s, s + LESSON) for s in starts]
                    for p, starts in picks]

        def floor(i: int) -> None:
            with self.engine.connect() as conn:
                for query in prepared[i % len(prepared)]:
                    conn.execute(query).all()

        floor_queries = self.counter.of(lambda: floor(0))
        floor_timing = measure(floor, plan.series, plan.warmup, plan.budget_s)
        return Result(self.scale, "series", "SeriesBook.create, COUNT=52, rolled back "
                      f"({sum(p.room is not None for p, _ in picks)}/{len(picks)} with a room)",
                      timing, f"{len(prepared[0])} raw indexed queries (mentor/student/room "
                      "range scans, UNION ALL), one per occurrence", floor_timing,
                      queries, floor_queries, GOALS_MS["series"])

    def month(self) -> Result:
        plan = self.plan
        start = localize(datetime.combine(MONTH[0], wall_time()), gen.TZ)
        end = localize(datetime.combine(MONTH[1], wall_time()), gen.TZ)
        query = SessionQuery(start=start, end=end)
        listed = len(self.centre.sessions.find(query))
        raw = (select(SESSIONS).where(SESSIONS.c.end_at > start,
                                      SESSIONS.c.start_at > start - MAX_SESSION_LENGTH,
                                      SESSIONS.c.start_at < end)
               .order_by(SESSIONS.c.start_at, SESSIONS.c.id))

        def floor(_i: int) -> int:
            # The rows as the driver hands them back: no column type's processor (the
            # instants' parsing) runs on each value, so the floor is the query itself.
            with self.engine.connect() as conn:
                result = conn.execute(raw)
                rows = result.cursor.fetchall()
                result.close()
                return len(rows)

        if floor(0) != listed:
            raise RuntimeError(f"the floor query reads {floor(0)} rows, list_sessions {listed}")
        queries = self.counter.of(lambda: self.centre.sessions.find(query))
        timing = measure(lambda _i: self.centre.sessions.find(query), plan.list, plan.warmup,
                         plan.budget_s)
        floor_queries = self.counter.of(lambda: floor(0))
        floor_timing = measure(floor, plan.list, plan.warmup, plan.budget_s)
        return Result(self.scale, "list", "Sessions.find of October 2026", timing,
                      "raw Core select of the same rows via the start_at index, driver tuples",
                      floor_timing, queries, floor_queries, GOALS_MS["list"],
                      f"{listed:,} rows")


BENCHMARKS: dict[str, Callable[[Bench], Result]] = {
    "check": Bench.check, "series": Bench.series, "list": Bench.month, "book": Bench.book}


# ------------------------------------------------------------------------------ output
def _ms(value: float) -> str:
    return f"{value:,.3f}" if value < 10 else f"{value:,.1f}"


def _growth(results: list[Result]) -> list[dict[str, Any]]:
    """Check time per scale and its growth from each scale to the next."""
    rows = []
    checks = sorted((r for r in results if r.name == "check"), key=lambda r: r.scale)
    for a, b in zip(checks, checks[1:]):
        n_factor = b.scale / a.scale
        rows.append({
            "from": a.scale, "to": b.scale, "n_factor": n_factor,
            "check_ms": (a.timing.median_ms, b.timing.median_ms),
            "check_growth": b.timing.median_ms / a.timing.median_ms,
            "cpu_ms": (a.timing.cpu_median_ms, b.timing.cpu_median_ms),
            "cpu_growth": b.timing.cpu_median_ms / a.timing.cpu_median_ms,
            "floor_us": (a.floor.median_ms * 1e3, b.floor.median_ms * 1e3),
            "floor_growth": b.floor.median_ms / a.floor.median_ms,
            "log_n_predicts": math.log(b.scale) / math.log(a.scale),
            # Judged on CPU time: a busy machine inflates wall times unevenly between scales.
            "passed": b.timing.cpu_median_ms / a.timing.cpu_median_ms
            < GROWTH_LIMIT ** math.log10(n_factor),
        })
    return rows


def render(results: list[Result], growth: list[dict[str, Any]],
           datasets: list[dict[str, Any]], machine: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:  # a log file or a pipe: do not squeeze the tables into 80
        console = Console(width=170)
    data = Table(title="Generated centres (cached in benchmarks/.data)", title_justify="left")
    for column in ("scale", "sessions", "series", "one-offs", "moved", "cancelled", "mentors",
                   "students", "rooms", "student links", "generated in", "probe set-up"):
        data.add_column(column, justify="right")
    for d in datasets:
        s = d["summary"]
        made = (f"{s['plan_seconds'] + s['write_seconds']:.1f} s"
                + (" (cached)" if d["cached"] else ""))
        data.add_row(gen.scale_name(d["scale"]), f"{s['sessions']:,}", f"{s['series']:,}",
                     f"{s['one_offs']:,}", f"{s['moved']:,}", f"{s['cancelled']:,}",
                     f"{s['mentors']:,}", f"{s['students']:,}", f"{s['rooms']:,}",
                     f"{s['session_students']:,}", made, f"{d['load_seconds']:.1f} s")
    console.print(data)

    table = Table(title="sessionsctl benchmarks on SQLite: ms per call (goals apply at "
                        f"{gen.scale_name(GOAL_SCALE)})", title_justify="left")
    for column in ("scale", "benchmark", "median", "p95", "cpu median", "SQL/call",
                   "floor median", "floor SQL", "x floor", "goal", "result", "runs"):
        table.add_column(column, justify="left" if column == "benchmark" else "right")
    for r in results:
        at_goal = r.scale == GOAL_SCALE
        if r.passed is None:
            verdict = ""
        elif at_goal:
            verdict = "[green]PASS[/]" if r.passed else "[bold red]FAIL[/]"
        else:
            verdict = "[dim]under[/]" if r.passed else "[dim]over[/]"
        goal = f"< {r.goal_ms:g}" if r.goal_ms is not None else "growth"
        name = f"{r.name} ({r.detail})" if r.detail else r.name
        table.add_row(gen.scale_name(r.scale), name, _ms(r.timing.median_ms),
                      _ms(r.timing.p95_ms), _ms(r.timing.cpu_median_ms), str(r.queries),
                      _ms(r.floor.median_ms), str(r.floor_queries), f"{r.ratio:,.1f}x",
                      goal if at_goal or r.goal_ms is None else f"[dim]{goal}[/]", verdict,
                      f"{r.timing.runs}/{r.floor.runs}")
    console.print(table)

    legend = Table(title="What each row measures, and its floor", title_justify="left")
    legend.add_column("benchmark")
    legend.add_column("measured")
    legend.add_column("floor")
    seen: dict[str, Result] = {}
    for r in results:
        seen.setdefault(r.name, r)
    for name, r in seen.items():
        legend.add_row(name, r.what, r.floor_what)
    console.print(legend)

    if growth:
        grow = Table(title="One check as n grows (per 10x sessions: log n predicts ~1.25x, "
                           "n predicts 10x)", title_justify="left")
        for column in ("scales", "Centre.check ms", "growth", "cpu ms", "cpu growth",
                       "floor us (bisect)", "floor growth", "log n predicts", "n predicts",
                       "result"):
            grow.add_column(column, justify="right")
        for g in growth:
            grow.add_row(
                f"{gen.scale_name(g['from'])} -> {gen.scale_name(g['to'])}",
                f"{_ms(g['check_ms'][0])} -> {_ms(g['check_ms'][1])}",
                f"{g['check_growth']:.2f}x",
                f"{_ms(g['cpu_ms'][0])} -> {_ms(g['cpu_ms'][1])}", f"{g['cpu_growth']:.2f}x",
                f"{g['floor_us'][0]:.2f} -> {g['floor_us'][1]:.2f}", f"{g['floor_growth']:.2f}x",
                f"{g['log_n_predicts']:.2f}x", f"{g['n_factor']:.0f}x",
                "[green]PASS[/] (sub-linear)" if g["passed"] else "[bold red]FAIL[/]")
        grow.caption = (f"Passes when the cpu growth is under {GROWTH_LIMIT:g}x per 10x sessions "
                        "(cpu, not wall: load on the machine varies between scales).")
        console.print(grow)
    console.print(
        f"Python {machine['python']}, SQLite {machine['sqlite']}, {machine['cores']} cores, "
        f"load average {machine['load_before']:.1f} before and {machine['load_after']:.1f} "
        "after the run. Under load, wall times include waiting for a CPU; the cpu median is "
        "what the code itself costs.")


# -------------------------------------------------------------------------------- main
def _args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__
                                     and __doc__.splitlines()[0])
    parser.add_argument("--scales", default="10k,100k,1m",
                        help="comma-separated session counts (10k, 100k, 1m, 500)")
    parser.add_argument("--quick", action="store_true", help="few repetitions: a smoke run")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--only", default=",".join(BENCHMARKS),
                        help=f"comma-separated subset of {', '.join(BENCHMARKS)}")
    parser.add_argument("--profile", choices=tuple(BENCHMARKS),
                        help="cProfile this benchmark at each scale and print where time goes")
    parser.add_argument("--data-dir", type=Path, default=gen.DATA_DIR,
                        help="where generated centres are cached")
    return parser.parse_args(argv)


def _profile(bench: Bench, name: str) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    BENCHMARKS[name](bench)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(30)


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    scales = [gen.parse_scale(s) for s in args.scales.split(",") if s.strip()]
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = set(names) - set(BENCHMARKS)
    if unknown:
        raise SystemExit(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    plan = QUICK if args.quick else FULL
    machine: dict[str, Any] = {
        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(), "cores": os.cpu_count(), "quick": args.quick,
        "load_before": os.getloadavg()[0]}
    results: list[Result] = []
    datasets: list[dict[str, Any]] = []
    for scale in scales:
        path, summary, cached = gen.dataset(scale, args.seed, args.data_dir)
        with tempfile.TemporaryDirectory(prefix="sessionsctl-bench-") as work:
            copy = Path(work) / "centre.db"
            shutil.copyfile(path, copy)
            bench = Bench(scale, f"sqlite:///{copy}", plan, args.seed)
            try:
                datasets.append({"scale": scale, "path": str(path), "cached": cached,
                                 "summary": summary.as_dict(),
                                 "load_seconds": round(bench.load_seconds, 2)})
                if args.profile:
                    _profile(bench, args.profile)
                    continue
                for name in names:
                    results.append(BENCHMARKS[name](bench))
            finally:
                bench.close()
    machine["load_after"] = os.getloadavg()[0]
    growth = _growth(results)
    render(results, growth, datasets, machine)
    if args.json:
        args.json.write_text(json.dumps({
            "machine": machine, "datasets": datasets, "results": [r.as_dict() for r in results],
            "growth": growth}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
