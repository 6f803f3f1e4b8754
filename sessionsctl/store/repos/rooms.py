"""Rooms (implements core's ``RoomRepo``)."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from ...core.domain.model import Room
from ..schema import RoomRow
from .lookup import Lookup


class SqlRooms:
    def __init__(self, db: Connection, lookup: Lookup) -> None:
        self.db = db
        self.lookup = lookup

    def get(self, name: str) -> Room | None:
        row = self.db.execute(select(RoomRow.id, RoomRow.name, RoomRow.capacity)
                              .where(RoomRow.name == name)).first()
        if row is None:
            return None
        self.lookup.remember(RoomRow, name, row.id)
        return Room(row.id, row.name, row.capacity)

    def add(self, name: str, capacity: int | None) -> Room:
        new_id = self.db.execute(insert(RoomRow).returning(RoomRow.id),
                                 {"name": name, "capacity": capacity}).scalar_one()
        return Room(new_id, name, capacity)

    def all(self) -> list[Room]:
        rows = self.db.execute(select(RoomRow.id, RoomRow.name, RoomRow.capacity)
                               .order_by(RoomRow.name))
        return [Room(r.id, r.name, r.capacity) for r in rows]
