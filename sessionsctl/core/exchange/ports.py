"""What `sync caldav` keeps in storage (a protocol the store implements, held by the unit of
work as ``uow.caldav``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol


class CalDavStateRepo(Protocol):
    """What `sync caldav` last sent to each calendar of each server: a digest per UID."""

    def sent(self, server: str, calendar: str) -> dict[str, str]: ...
    def record(self, server: str, calendar: str, sent: dict[str, str], at: datetime) -> None: ...
    def forget(self, server: str, calendar: str, uids: Iterable[str]) -> None: ...
