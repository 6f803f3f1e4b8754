"""What `sync caldav` last sent: one row per resource (a series or a one-off) of a calendar."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .schema import Base


class CalDavSyncRow(Base):
    """A resource as last sent to a CalDAV server: its content digest, so only what changed
    is sent again. Keyed by the server (its URL), the calendar (the mentor's email) and the
    resource's UID."""

    __tablename__ = "caldav_sync"

    server: Mapped[str] = mapped_column(String(500), primary_key=True)
    calendar: Mapped[str] = mapped_column(String(320), primary_key=True)
    uid: Mapped[str] = mapped_column(String(300), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    synced_at: Mapped[datetime]
