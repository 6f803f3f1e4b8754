"""PostgreSQL backups with pg_dump's custom format: one consistent snapshot, read back by
pg_restore (every data block decoded to count the rows), restored in one transaction."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from ...core.backup.values import BackupContents
from ...core.domain.errors import InvalidInput, StoreUnavailable

_COPY = re.compile(r'^COPY (?:"?([^".]+)"?\.)?"?([^" ]+)"? \(.*\) FROM stdin;$')
_CREATED = re.compile(r"^;\s+Archive created at (.+)$")


def _libpq(url: str) -> tuple[list[str], dict[str, str]]:
    """``url`` as pg_dump/pg_restore arguments, and the environment carrying its password
    (never on a command line others can read)."""
    u = make_url(url)
    args = []
    if u.host:
        args += ["-h", u.host]
    if u.port:
        args += ["-p", str(u.port)]
    if u.username:
        args += ["-U", u.username]
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = str(u.password)
    return [*args, "-d", u.database or ""], env


def take(url: str, schema: str, into: Path, tell: Callable[[str], None]) -> None:
    args, env = _libpq(url)
    tell("copying")
    # pg_dump writes to our pipe, not to the file: if this process dies, pg_dump's next write
    # fails and it stops, and no whole archive is left under any name.
    with into.open("wb") as out:
        dump = subprocess.Popen(["pg_dump", "-Fc", "-n", schema, *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env)
        assert dump.stdout is not None
        for chunk in iter(lambda: dump.stdout.read(1 << 20), b""):  # type: ignore[union-attr]
            out.write(chunk)
        err = dump.stderr.read().decode(errors="replace") if dump.stderr else ""
        if dump.wait() != 0:
            raise StoreUnavailable(f"pg_dump failed: {err.strip()}")


def _lines(file: Path) -> Iterator[str]:
    restore = subprocess.Popen(["pg_restore", "-a", "-f", "-", str(file)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert restore.stdout is not None
    for raw in restore.stdout:
        yield raw.decode(errors="replace").rstrip("\n")
    err = restore.stderr.read().decode(errors="replace") if restore.stderr else ""
    if restore.wait() != 0:
        raise InvalidInput(f"{file}: damaged or incomplete pg_dump archive: "
                           f"{err.strip().splitlines()[-1] if err.strip() else 'unreadable'}")


def read(file: Path) -> BackupContents:
    listing = subprocess.run(["pg_restore", "-l", str(file)], capture_output=True)
    if listing.returncode != 0:
        raise InvalidInput(f"{file}: not a readable pg_dump archive: "
                           f"{listing.stderr.decode(errors='replace').strip()}")
    created = next((m.group(1) for line in listing.stdout.decode(errors="replace").splitlines()
                    if (m := _CREATED.match(line))), None)
    counts: dict[str, int] = {}
    revision = schema = table = None
    for line in _lines(file):
        if table is None:
            m = _COPY.match(line)
            if m:
                schema, table = m.group(1) or schema, m.group(2)
                counts[table] = 0
            continue
        if line == "\\.":
            table = None
            continue
        counts[table] += 1
        if table == "alembic_version":
            revision = line.split("\t")[0]
    if "alembic_version" not in counts:
        raise InvalidInput(f"{file}: a pg_dump archive, but not of a sessionsctl database "
                           "(no alembic_version table)")
    return BackupContents("pg_dump", revision, dict(sorted(counts.items())), created,
                          schema=schema)


def restore(file: Path, contents: BackupContents, url: str,
            engine_for: Callable[[str], Engine]) -> None:
    """Restore into the schema the archive was taken from. What the target held there is set
    aside first (the schema renamed) and dropped only once the restore has succeeded; on
    failure it is put back as it was."""
    from ..migrate import ensure_current

    schema = contents.schema or "public"
    aside = f"{schema}_before_restore_{os.getpid()}"
    engine = engine_for(url)
    try:
        with engine.begin() as conn:
            # The exclusion guards' operator classes (the migrations install it there too).
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public"))
            exists = conn.execute(text("SELECT 1 FROM pg_namespace WHERE nspname = :s"),
                                  {"s": schema}).scalar()
            if exists:
                conn.execute(text(f'ALTER SCHEMA "{schema}" RENAME TO "{aside}"'))
        args, env = _libpq(url)
        done = subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                               "--single-transaction", *args, str(file)],
                              capture_output=True, env=env)
        if done.returncode != 0:
            if exists:
                with engine.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                    conn.execute(text(f'ALTER SCHEMA "{aside}" RENAME TO "{schema}"'))
            raise StoreUnavailable("pg_restore failed (the database is as it was): "
                                   f"{done.stderr.decode(errors='replace').strip()}")
        if exists:
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{aside}" CASCADE'))
        ensure_current(engine)
    finally:
        engine.dispose()
