"""What `sync caldav` last sent to each calendar (implements core's ``CalDavStateRepo``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from ..schema_caldav import caldav_sync_table as synced
from .upsert import insert_ignoring_duplicates


class SqlCalDavState:
    def __init__(self, db: Connection) -> None:
        self.db = db

    def sent(self, server: str, calendar: str) -> dict[str, str]:
        """The digest of each resource (by UID) last sent to ``calendar`` on ``server``."""
        rows = self.db.execute(select(synced.c.uid, synced.c.digest).where(
            synced.c.server == server, synced.c.calendar == calendar))
        return {uid: digest for uid, digest in rows}

    def record(self, server: str, calendar: str, sent: dict[str, str], at: datetime) -> None:
        """Remember ``sent`` (UID: digest) as what ``calendar`` on ``server`` now holds."""
        if not sent:
            return
        self.forget(server, calendar, sent)
        # A run beside this one (two crons) that sent the same resource wrote the same digest.
        self.db.execute(insert_ignoring_duplicates(self.db, synced), [
            {"server": server, "calendar": calendar, "uid": uid, "digest": digest,
             "synced_at": at} for uid, digest in sent.items()])

    def forget(self, server: str, calendar: str, uids: Iterable[str]) -> None:
        """Forget the resources ``uids`` (deleted from the calendar, or about to be recorded)."""
        wanted = list(uids)
        for i in range(0, len(wanted), 500):
            self.db.execute(delete(synced).where(synced.c.server == server, synced.c.calendar == calendar,
                                                 synced.c.uid.in_(wanted[i:i + 500])))
