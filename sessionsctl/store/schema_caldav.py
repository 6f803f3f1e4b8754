"""What `sync caldav` last sent: one row per resource (a series or a one-off) of a calendar."""

from __future__ import annotations

from sqlalchemy import Column, String, Table

from .schema import metadata
from .types import UTCDateTime

# A resource as last sent to a CalDAV server: its content digest, so only what changed
# is sent again. Keyed by the server (its URL), the calendar (the mentor's email) and the
# resource's UID.
caldav_sync_table = Table(
    "caldav_sync", metadata,
    Column("server", String(500), primary_key=True),
    Column("calendar", String(320), primary_key=True),
    Column("uid", String(300), primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("synced_at", UTCDateTime(), nullable=False),
)
