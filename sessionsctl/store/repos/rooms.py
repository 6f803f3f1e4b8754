"""Rooms (implements core's ``RoomRepo``)."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection

from ...core.domain.model import Room
from ..schema import RoomRow
from .lookup import Lookup

COLUMNS = (RoomRow.id, RoomRow.name, RoomRow.capacity, RoomRow.active)


class SqlRooms:
    def __init__(self, db: Connection, lookup: Lookup) -> None:
        self.db = db
        self.lookup = lookup

    def get(self, name: str) -> Room | None:
        row = self.db.execute(select(*COLUMNS).where(RoomRow.name == name)).first()
        if row is None:
            return None
        self.lookup.remember(RoomRow, name, row.id)
        return Room(row.id, row.name, row.capacity, row.active)

    def add(self, name: str, capacity: int | None) -> Room:
        new_id = self.db.execute(insert(RoomRow).returning(RoomRow.id),
                                 {"name": name, "capacity": capacity}).scalar_one()
        return Room(new_id, name, capacity)

    def all(self) -> list[Room]:
        rows = self.db.execute(select(*COLUMNS).order_by(RoomRow.name))
        return [Room(r.id, r.name, r.capacity, r.active) for r in rows]

    def change(self, room: Room) -> None:
        self.db.execute(update(RoomRow).where(RoomRow.id == room.id).values(
            name=room.name, capacity=room.capacity, active=room.active))
        self.lookup.forget(RoomRow)
